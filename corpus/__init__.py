"""Collection files → Document records: parsers, dates, archive references, the name authority, versions."""
