"""Reindexes run as the archivist runs them (`kwarchive reindex` in its own process), and the kill loop: SIGKILL
a reindex at a random moment, check that the live index still reads, and that the next reindex succeeds."""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from soak.server import REPO_ROOT

_GENERATION = re.compile(r"generation (\d+)")


def reindex_argv(index_root: Path, corpus_root: Path, *, incremental: bool = False,
                 workers: int | None = None) -> list[str]:
    argv = [sys.executable, "-c", "from web.cli import main; main()", "reindex",
            "--index", str(index_root), "--corpus", str(corpus_root)]
    return (argv + (["--incremental"] if incremental else [])
            + (["--workers", str(workers)] if workers is not None else []))


@dataclass(frozen=True)
class Reindex:
    returncode: int
    generation: int | None
    seconds: float
    finished_at: float  # time.monotonic() when the process had exited
    output: str


def reindex(index_root: Path, corpus_root: Path, *, incremental: bool = False, workers: int | None = None,
            timeout: float = 600) -> Reindex:
    started = time.monotonic()
    done = subprocess.run(reindex_argv(index_root, corpus_root, incremental=incremental, workers=workers),
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
    finished = time.monotonic()
    match = _GENERATION.search(done.stdout)
    return Reindex(done.returncode, int(match.group(1)) if match else None, finished - started, finished,
                   done.stdout + done.stderr)


ORPHAN_GRACE = 10.0  # seconds a killed reindex's workers may take to die


@dataclass(frozen=True)
class Kill:
    delay: float  # seconds after start when SIGKILL was sent
    finished_first: bool  # the reindex had already exited (it won the race)
    problem: str  # "" when the live index read fine afterwards
    workers: int = 0  # index worker processes alive when the reindex was killed


def kill_once(index_root: Path, corpus_root: Path, rng: random.Random, max_delay: float,
              *, incremental: bool = False, workers: int | None = None) -> Kill:
    """Start a reindex, SIGKILL it after a random delay, then check that its workers died with it, that the lock
    is free at once, and that the live index reads."""
    child = subprocess.Popen(reindex_argv(index_root, corpus_root, incremental=incremental, workers=workers),
                             cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    delay = rng.uniform(0.0, max_delay)
    time.sleep(delay)
    return kill_now(child, index_root, delay)


def kill_now(child: subprocess.Popen, index_root: Path, delay: float = 0.0) -> Kill:
    workers = children_of(child.pid)
    finished_first = child.poll() is not None
    if not finished_first:
        child.send_signal(signal.SIGKILL)
    child.wait()
    problems = []
    if lock_held(index_root):
        problems.append("the build lock is still held after the reindex died")
    survivors = wait_gone(workers, ORPHAN_GRACE)
    if survivors:
        problems.append(f"index workers {survivors} outlived their reindex")
        for pid in survivors:  # our own leftovers: do not let them spoil the next round
            _kill_quietly(pid)
    problems.append(live_index_problem(index_root))
    return Kill(delay, finished_first, "; ".join(p for p in problems if p), len(workers))


def children_of(pid: int) -> list[int]:
    """Child processes of `pid` (its index workers), from /proc (Linux): those of every thread, since a
    Dask cluster starts its workers from its event loop's thread."""
    children = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                children.extend(int(p) for p in (task / "children").read_text().split())
            except OSError:
                continue
    except OSError:
        return []
    return children


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    """The pids still alive after up to `seconds` (zombies count as gone)."""
    deadline = time.monotonic() + seconds
    alive = list(pids)
    while alive:
        alive = [pid for pid in alive if process_running(pid)]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return alive


def lock_held(index_root: Path) -> bool:
    """Whether some process holds the build lock of `index_root` right now."""
    from index.generations import ReindexLocked, build_lock

    if not (index_root / ".lock").exists():
        return False
    try:
        with build_lock(index_root):
            return False
    except ReindexLocked:
        return True


def process_running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting for its parent to reap it is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def live_index_problem(index_root: Path) -> str:
    """"" when the live generation opens, its columns load and its document count matches its metadata."""
    from index.status import index_status

    status = index_status(index_root)
    return "" if status.usable else status.error


def leftovers(index_root: Path) -> list[str]:
    """Unfinished build directories still on disk."""
    return sorted(p.name for p in index_root.iterdir() if p.name.endswith(".tmp"))


def kill_loop(index_root: Path, corpus_root: Path, times: int, *, seed: int = 8, max_delay: float | None = None,
              workers: int | None = None, log=print) -> list[str]:
    """SIGKILL `times` reindexes (full and incremental alternately) at random points; returns the problems found.

    The delays are spread over a whole reindex's duration (measured first), so kills land while the corpus
    loads, while documents are written, during the commit and around the switch.
    """
    rng = random.Random(seed)
    if max_delay is None:
        measured = reindex(index_root, corpus_root, workers=workers)
        if measured.returncode:
            return [f"the measuring reindex failed: {measured.output[-500:]}"]
        max_delay = measured.seconds * 1.1
    problems = []
    for n in range(times):
        kill = kill_once(index_root, corpus_root, rng, max_delay, incremental=n % 2 == 1, workers=workers)
        log(f"  kill {n + 1}/{times}: after {kill.delay:.2f} s"
            + (" (reindex had finished)" if kill.finished_first else "")
            + (f", {kill.workers} index workers running" if kill.workers else "")
            + (f": PROBLEM {kill.problem}" if kill.problem else ": live index reads"))
        if kill.problem:
            problems.append(f"kill {n + 1} after {kill.delay:.2f} s: {kill.problem}")
    final = reindex(index_root, corpus_root, workers=workers)
    if final.returncode:
        problems.append(f"the reindex after the kills failed: {final.output[-500:]}")
    elif leftovers(index_root):
        problems.append(f"unfinished builds left after a successful reindex: {leftovers(index_root)}")
    if live_index_problem(index_root):
        problems.append(f"after the final reindex: {live_index_problem(index_root)}")
    return problems
