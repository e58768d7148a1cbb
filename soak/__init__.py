"""Long reliability runs (`python -m soak.run`): load, reindex under load, killed reindexes. The fast tests in
tests/reliability reuse these pieces with short bounds."""
