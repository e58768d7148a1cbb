"""The benchmark: a scaled corpus recombined from the bundled collections, kwarchive against SQLite FTS5."""
