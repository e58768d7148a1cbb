"""How a generation's Whoosh files are read: small parts in memory, large parts straight from disk.

Whoosh's default storage mmaps each compound segment and wraps every member file in a BytesIO, which copies
it whole into the process on open: at 100,000 documents that is 2.7 GB per worker and seconds per open. Here
the members that lookups hit many times in small reads (the term dictionary, per-document columns) are read
into memory once — tens of MB — while postings and stored fields, the bulk, are read block by block on demand
and so stay in the OS page cache, shared by every worker, instead of in each worker's memory. (The storage
class itself reaches into Whoosh, so it lives in `index/whoosh_private.py`.)
"""
from __future__ import annotations

from pathlib import Path

from index.whoosh_private import open_index

IN_MEMORY_MAX = 64 * 2**20  # bytes: a member file at most this large is held in memory


def open_whoosh(path: Path | str):
    """The Whoosh index in `path`, read as described above."""
    return open_index(str(path), IN_MEMORY_MAX)
