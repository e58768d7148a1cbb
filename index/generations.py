"""Index generations: one directory per build under the index root, and an atomic pointer to the live one.

    root/CURRENT        "gen-7"  (replaced with os.replace, so a reader sees the old or the new name, never half)
    root/gen-6/         the previous generation, kept so readers that opened it a moment ago keep working
    root/gen-7/         Whoosh files + generation.json + columns.npz/json
    root/gen-8.tmp/     a build in progress (or killed): never referenced, removed by the next build
    root/.lock          flock held by the running reindex, with its pid (never by its index workers, so the
                        kernel frees it the moment that reindex dies, however it dies)
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

from corpus.errors import KwarchiveError
from index import integrity
from index.columns import load_columns
from index.errors import IndexUnavailable
from index.storage import open_whoosh

CURRENT = "CURRENT"
LOCK = ".lock"
META = "generation.json"
_GEN = re.compile(r"^gen-(\d+)$")
_TMP = re.compile(r"^gen-(\d+)\.tmp$")
_held_locks: set[int] = set()  # build-lock descriptors this process holds, closed in any child it forks


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
    return _read_generation(root / name, int(match.group(1)), "live generation")


def generation_by_number(root: Path | str, number: int) -> Generation:
    """A finished generation named by its number (live or not); IndexUnavailable naming those there are."""
    root = Path(root)
    path = root / generation_name(number)
    if not path.is_dir():
        try:
            there = sorted(int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name)))
        except OSError:
            there = []
        listed = ", ".join(map(str, there)) or "none"
        raise IndexUnavailable(f"there is no generation {number} in {root} (finished generations: {listed})")
    return _read_generation(path, number, "generation")


def _read_generation(path: Path, number: int, what: str) -> Generation:
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"{what} {path.name} is missing or corrupt: {exc}") from exc
    return Generation(number, path, meta)


def open_generation(generation: Generation):
    """Open and probe one generation: its files checked against the checksums recorded at build (see
    `index/integrity.py` for the cost), then a reader opened once, so missing or damaged segments show now."""
    check_files(generation)
    try:
        index = open_whoosh(generation.path)
        index.reader().close()
        return index
    except Exception as exc:  # Whoosh raises many kinds (EmptyIndexError, pickle, OSError) for a damaged index
        raise IndexUnavailable(f"index generation {generation.name} cannot be opened: {exc}") from exc


def check_files(generation: Generation, *, full: bool = False, trusted: dict | None = None) -> None:
    """IndexUnavailable naming the damage when the generation's files differ from the ones built."""
    problem = integrity.damage(generation.path, generation.meta.get(integrity.FILES), full=full, trusted=trusted)
    if problem:
        raise IndexUnavailable(f"index generation {generation.name} is damaged: {problem}; run `kwarchive reindex`")


def finished_generations(root: Path | str) -> list[Generation]:
    """Every finished generation with readable metadata, newest first (whatever CURRENT says)."""
    found = []
    for path in Path(root).iterdir():
        match = _GEN.match(path.name)
        if not match:
            continue
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            found.append(Generation(int(match.group(1)), path, meta))
    return sorted(found, key=lambda g: g.number, reverse=True)


def last_good_generation(root: Path | str, *, full: bool = False) -> Generation | None:
    """The newest generation that opens and whose files match their checksums (`full`: every byte read)."""
    for generation in finished_generations(root):
        try:
            check_files(generation, full=full)
            open_generation(generation)
            load_columns(generation.path)
        except IndexUnavailable:
            continue
        return generation
    return None


def point_current_at(root: Path, name: str) -> None:
    """Switch CURRENT to `name` atomically and durably."""
    pointer = root / f"{CURRENT}.tmp"
    with open(pointer, "w", encoding="utf-8") as out:
        out.write(name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(pointer, root / CURRENT)
    _fsync_dir(root)


def open_live_index(root: Path | str):
    """The Whoosh index of the live generation; IndexUnavailable when missing or corrupt."""
    generation = live_generation(root)
    if generation is None:
        raise IndexUnavailable(f"no index at {root}; run `kwarchive reindex`")
    return open_generation(generation)


def next_generation(root: Path, at_least: int = 1) -> tuple[int, Path]:
    """A fresh numbered temporary directory for a build (numbers never reused while their dirs exist or CURRENT
    names them); its number is `at_least` when that is free and above every other."""
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name) or _TMP.match(p.name))]
    # A deleted live generation's number is not reused either: a server still holding it open must see a change.
    try:
        pointed = _GEN.match((root / CURRENT).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        pointed = None
    number = max(max(numbers + ([int(pointed.group(1))] if pointed else []), default=0) + 1, at_least)
    path = root / f"{generation_name(number)}.tmp"
    path.mkdir()
    return number, path


def publish(root: Path, number: int, tmp_path: Path, meta: dict) -> Generation:
    """Seal a finished build and switch CURRENT to it atomically; then drop generations no reader needs."""
    _write_json_durably(tmp_path / META, meta)
    _fsync_dir(tmp_path)
    final = root / generation_name(number)
    os.replace(tmp_path, final)
    point_current_at(root, final.name)
    remove_stale(root, keep_previous=True)
    return Generation(number, final, meta)


def remove_stale(root: Path, keep_previous: bool = True) -> list[str]:
    """Remove unfinished builds and every generation older than the live one's predecessor.

    Call only while holding the build lock: a `.tmp` directory then belongs to a dead build. While CURRENT is
    broken no finished generation is removed: one of them may be the last good one `index repair` goes back to.
    """
    try:
        live = live_generation(root)
    except IndexUnavailable:
        live = None
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
    """Exclusive, non-blocking lock on the index root; ReindexLocked names the holder's pid.

    An flock belongs to the open file, which forked children share: so the descriptor is closed in every child
    (see `_close_held_locks`), and the lock lives exactly as long as the process that took it — a SIGKILLed
    reindex frees it at once, whatever its workers are doing.
    """
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise ReindexLocked(_holder_message(fd)) from None
        _held_locks.add(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        _held_locks.discard(fd)
        os.close(fd)


def _holder_message(fd: int) -> str:
    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    if holder.isdigit() and not _alive(int(holder)):
        # Only a process forked by an older kwarchive can hold the lock of a dead reindex.
        return (f"the index is locked by leftover processes of a reindex that died (pid {holder}); "
                "stop them (they are `kwarchive reindex` processes) and run it again")
    return f"another reindex is running (pid {holder or 'unknown'})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_held_locks() -> None:
    """In a forked child: drop the parent's build-lock descriptors (closing a copy never unlocks the parent's)."""
    for fd in list(_held_locks):
        try:
            os.close(fd)
        except OSError:
            pass
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_held_locks)


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
