"""Reindexes run as the archivist runs them (`kwarchive reindex` in its own process), and the kill loop: SIGKILL
a reindex at a random moment, check that the live index still reads, and that the next reindex succeeds."""
from __future__ import annotations

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


def reindex_argv(index_root: Path, corpus_root: Path, *, incremental: bool = False) -> list[str]:
    argv = [sys.executable, "-c", "from web.cli import main; main()", "reindex",
            "--index", str(index_root), "--corpus", str(corpus_root)]
    return argv + (["--incremental"] if incremental else [])


@dataclass(frozen=True)
class Reindex:
    returncode: int
    generation: int | None
    seconds: float
    finished_at: float  # time.monotonic() when the process had exited
    output: str


def reindex(index_root: Path, corpus_root: Path, *, incremental: bool = False, timeout: float = 600) -> Reindex:
    started = time.monotonic()
    done = subprocess.run(reindex_argv(index_root, corpus_root, incremental=incremental), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)
    finished = time.monotonic()
    match = _GENERATION.search(done.stdout)
    return Reindex(done.returncode, int(match.group(1)) if match else None, finished - started, finished,
                   done.stdout + done.stderr)


@dataclass(frozen=True)
class Kill:
    delay: float  # seconds after start when SIGKILL was sent
    finished_first: bool  # the reindex had already exited (it won the race)
    problem: str  # "" when the live index read fine afterwards


def kill_once(index_root: Path, corpus_root: Path, rng: random.Random, max_delay: float,
              *, incremental: bool = False) -> Kill:
    """Start a reindex, SIGKILL it after a random delay, then check the live index."""
    child = subprocess.Popen(reindex_argv(index_root, corpus_root, incremental=incremental), cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    delay = rng.uniform(0.0, max_delay)
    time.sleep(delay)
    finished_first = child.poll() is not None
    if not finished_first:
        child.send_signal(signal.SIGKILL)
    child.wait()
    return Kill(delay, finished_first, live_index_problem(index_root))


def live_index_problem(index_root: Path) -> str:
    """"" when the live generation opens, its columns load and its document count matches its metadata."""
    from index.status import index_status

    status = index_status(index_root)
    return "" if status.usable else status.error


def leftovers(index_root: Path) -> list[str]:
    """Unfinished build directories still on disk."""
    return sorted(p.name for p in index_root.iterdir() if p.name.endswith(".tmp"))


def kill_loop(index_root: Path, corpus_root: Path, times: int, *, seed: int = 8, max_delay: float | None = None,
              log=print) -> list[str]:
    """SIGKILL `times` reindexes (full and incremental alternately) at random points; returns the problems found.

    The delays are spread over a whole reindex's duration (measured first), so kills land while the corpus
    loads, while documents are written, during the commit and around the switch.
    """
    rng = random.Random(seed)
    if max_delay is None:
        measured = reindex(index_root, corpus_root)
        if measured.returncode:
            return [f"the measuring reindex failed: {measured.output[-500:]}"]
        max_delay = measured.seconds * 1.1
    problems = []
    for n in range(times):
        kill = kill_once(index_root, corpus_root, rng, max_delay, incremental=n % 2 == 1)
        log(f"  kill {n + 1}/{times}: after {kill.delay:.2f} s"
            + (" (reindex had finished)" if kill.finished_first else "")
            + (f": PROBLEM {kill.problem}" if kill.problem else ": live index reads"))
        if kill.problem:
            problems.append(f"kill {n + 1} after {kill.delay:.2f} s: {kill.problem}")
    final = reindex(index_root, corpus_root)
    if final.returncode:
        problems.append(f"the reindex after the kills failed: {final.output[-500:]}")
    elif leftovers(index_root):
        problems.append(f"unfinished builds left after a successful reindex: {leftovers(index_root)}")
    if live_index_problem(index_root):
        problems.append(f"after the final reindex: {live_index_problem(index_root)}")
    return problems
