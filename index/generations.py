"""Index generations: one directory per build under the index root, and an atomic pointer to the live one.

    root/CURRENT        "gen-7"  (replaced with os.replace, so a reader sees the old or the new name, never half)
    root/gen-6/         the previous generation, kept so readers that opened it a moment ago keep working
    root/gen-7/         Whoosh files + generation.json + columns.npz/json
    root/gen-8.tmp/     a build in progress (or killed): never referenced, removed by the next build
    root/.lock          flock held by the running reindex, with its pid
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from corpus.errors import IndexUnavailable, KwarchiveError
from index.storage import open_whoosh

CURRENT = "CURRENT"
LOCK = ".lock"
META = "generation.json"
_GEN = re.compile(r"^gen-(\d+)$")
_TMP = re.compile(r"^gen-(\d+)\.tmp$")


class ReindexLocked(KwarchiveError):
    """Another reindex holds the lock on this index root."""


@dataclass(frozen=True)
class Generation:
    number: int
    path: Path
    meta: dict

    @property
    def name(self) -> str:
        return self.path.name


def generation_name(number: int) -> str:
    return f"gen-{number}"


def live_generation(root: Path | str) -> Generation | None:
    """The generation CURRENT points at; None when there is no index; IndexUnavailable when it is broken."""
    root = Path(root)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexUnavailable(f"cannot read {root / CURRENT}: {exc}") from exc
    match = _GEN.match(name)
    if not match:
        raise IndexUnavailable(f"{root / CURRENT} names {name!r}, which is not a generation")
    path = root / name
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"live generation {name} is missing or corrupt: {exc}") from exc
    return Generation(int(match.group(1)), path, meta)


def open_generation(generation: Generation):
    """Open and probe one generation (a reader is opened once, so missing or damaged segments show now)."""
    try:
        index = open_whoosh(generation.path)
        index.reader().close()
        return index
    except Exception as exc:  # Whoosh raises many kinds (EmptyIndexError, pickle, OSError) for a damaged index
        raise IndexUnavailable(f"index generation {generation.name} cannot be opened: {exc}") from exc


def open_live_index(root: Path | str):
    """The Whoosh index of the live generation; IndexUnavailable when missing or corrupt."""
    generation = live_generation(root)
    if generation is None:
        raise IndexUnavailable(f"no index at {root}; run `kwarchive reindex`")
    return open_generation(generation)


def next_generation(root: Path) -> tuple[int, Path]:
    """A fresh numbered temporary directory for a build (numbers never reused while their dirs exist)."""
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name) or _TMP.match(p.name))]
    number = max(numbers, default=0) + 1
    path = root / f"{generation_name(number)}.tmp"
    path.mkdir()
    return number, path


def publish(root: Path, number: int, tmp_path: Path, meta: dict) -> Generation:
    """Seal a finished build and switch CURRENT to it atomically; then drop generations no reader needs."""
    _write_json_durably(tmp_path / META, meta)
    _fsync_dir(tmp_path)
    final = root / generation_name(number)
    os.replace(tmp_path, final)
    pointer = root / f"{CURRENT}.tmp"
    with open(pointer, "w", encoding="utf-8") as out:
        out.write(final.name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(pointer, root / CURRENT)
    _fsync_dir(root)
    remove_stale(root, keep_previous=True)
    return Generation(number, final, meta)


def remove_stale(root: Path, keep_previous: bool = True) -> list[str]:
    """Remove unfinished builds and every generation older than the live one's predecessor.

    Call only while holding the build lock: a `.tmp` directory then belongs to a dead build.
    """
    live = live_generation(root)
    live_number = live.number if live else None
    finished = sorted(int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name)))
    older = [n for n in finished if live_number is not None and n < live_number]
    keep = {live_number} | ({older[-1]} if keep_previous and older else set())
    removed = []
    for path in root.iterdir():
        gen, tmp = _GEN.match(path.name), _TMP.match(path.name)
        if tmp or (gen and live_number is not None and int(gen.group(1)) not in keep):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


@contextmanager
def build_lock(root: Path):
    """Exclusive, non-blocking lock on the index root; ReindexLocked names the holder's pid."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise ReindexLocked(f"another reindex is running (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _write_json_durably(path: Path, payload: dict) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
