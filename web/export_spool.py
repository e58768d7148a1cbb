"""Written exports kept on disk, so the same export asked for again (by a slow reader that retries, or by many
readers of one shared link) is sent from its file instead of being written again.

An export's bytes are fixed by its index generation, its format, its search and the public address in its
URLs, so a file written once is right for every later request with the same key. Files live in one directory
per index in the temporary directory, shared by every worker process (an export is tens of megabytes: a
per-process `BoundedCache` in memory would hold it once per worker and keep it out of the allocator's reach).
The directory holds at most `EXPORT_SPOOL_BYTES`, least recently sent out first; a file removed while it is
being sent stays readable by its open handle. A file is written under a name of its own and renamed into place
when whole, so a reader never sees half of one, and one writer per key at a time (a `flock`, held while
writing), so a crowd asking for the same new export waits for one file instead of writing it many times.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterable

LOCK_STRIPES = 64  # writers of different keys rarely share a lock file; the number of lock files stays fixed
WAIT_STEP = 0.05


class Entry:
    """An open spooled export positioned at its first byte: `rows` records, `size` bytes from here."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.rows = int(handle.readline())
        self.size = os.fstat(handle.fileno()).st_size - handle.tell()


class Spool:
    """The spool directory of one index; `max_bytes` 0 keeps and reuses nothing (every export is written afresh)."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder = folder
        self.max_bytes = max_bytes
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    @property
    def keeps(self) -> bool:
        return self.max_bytes > 0

    @staticmethod
    def key(*parts: object) -> str:
        return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]

    def open(self, key: str) -> Entry | None:
        """The export kept under `key`, opened (and marked as just used), or None."""
        if not self.keeps:
            return None
        path = self.folder / key
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return None
        try:
            os.utime(handle.fileno())
        except OSError:
            pass
        return Entry(handle)

    @contextmanager
    def writer_turn(self, key: str, wait: float):
        """Hold the right to write `key` (waiting up to `wait` seconds while another process or thread writes
        it; after that, write anyway)."""
        # Each open() is a file description of its own, so threads of one process exclude each other too.
        handle = open(self.folder / f"lock-{int(key, 16) % LOCK_STRIPES}", "a")
        try:
            ends = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= ends:
                        break
                    time.sleep(WAIT_STEP)
            yield
        finally:
            handle.close()

    def write(self, key: str, rows: int, chunks: Iterable[bytes]) -> Entry:
        """Write the export under `key` and return it opened; it is kept only while the spool has room."""
        fd, partial = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(b"%d\n" % rows)
                for chunk in chunks:
                    out.write(chunk)
            handle = open(partial, "rb")
            if self.keeps:
                os.replace(partial, self.folder / key)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        entry = Entry(handle)
        self.trim()
        return entry

    def trim(self) -> None:
        """Remove the least recently sent files until the spool holds at most `max_bytes`, and partial files
        left behind by a worker that died while writing."""
        files, stale = [], time.time() - 3600
        for item in os.scandir(self.folder):
            try:
                stat = item.stat()
            except FileNotFoundError:
                continue
            if item.name.startswith(".partial-"):
                if stat.st_mtime < stale:
                    _remove(item.path)
            elif not item.name.startswith("lock-"):
                files.append((stat.st_mtime, stat.st_size, item.path))
        held = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if held <= self.max_bytes:
                break
            _remove(path)
            held -= size


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
