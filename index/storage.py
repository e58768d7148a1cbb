"""How a generation's Whoosh files are read: small parts in memory, large parts straight from disk.

Whoosh's default storage mmaps each compound segment and wraps every member file in a BytesIO, which copies
it whole into the process on open: at 100,000 documents that is 2.7 GB per worker and seconds per open. Here
the members that lookups hit many times in small reads (the term dictionary, per-document columns) are read
into memory once — tens of MB — while postings and stored fields, the bulk, are read block by block on demand
and so stay in the OS page cache, shared by every worker, instead of in each worker's memory.
"""
from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

IN_MEMORY_MAX = 64 * 2**20  # bytes: a member file at most this large is held in memory
ON_DISK_SUFFIXES = (".pst", "._stored.col")  # postings and stored fields: always read on demand


class _SegmentFile(StructFile):
    """A compound segment file handing out its members as in-memory buffers or on-disk views."""

    def subset(self, offset, length, name=None):
        name = name or self._name
        if length <= IN_MEMORY_MAX and not str(name).endswith(ON_DISK_SUFFIXES):
            self.file.seek(offset)
            return BufferFile(self.file.read(length), name=name)
        return super().subset(offset, length, name=name)


class _Storage(FileStorage):
    def open_file(self, name, **kwargs):
        if name.endswith(".seg"):
            return _SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)
        return super().open_file(name, **kwargs)


def open_whoosh(path: Path | str):
    """The Whoosh index in `path`, read as described above."""
    return _Storage(str(path), supports_mmap=False).open_index()
