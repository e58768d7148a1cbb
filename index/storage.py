"""How a generation's Whoosh files are read: shared through the page cache, never copied into each process.

Whoosh's default storage mmaps each compound segment and wraps every member file in a BytesIO, which copies
it whole into the process on open: at 100,000 documents that is 2.7 GB per worker and seconds per open. Here
the members that lookups hit many times in small reads (the term dictionary, per-document columns) are views
of a read-only memory map of the segment, and postings and stored fields, the bulk, are read block by block on
demand: either way the bytes stay in the OS page cache, one copy shared by every worker, instead of in each
worker's private memory. (The storage class itself reaches into Whoosh, so it lives in
`index/whoosh_private.py`.)
"""
from __future__ import annotations

from pathlib import Path

from index.whoosh_private import open_index


def open_whoosh(path: Path | str):
    """The Whoosh index in `path`, read as described above."""
    return open_index(str(path))
