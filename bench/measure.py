"""Timing primitives shared by every stage: bounded repetition, percentiles, peak memory, sizes on disk."""
from __future__ import annotations

import math
import resource
import time
from pathlib import Path
from typing import Callable, Sequence


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); what "p95 of 20 samples" means in the report."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(samples: Sequence[float]) -> dict:
    """Seconds in, milliseconds out: p50, p95, p99, mean and the sample count."""
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 3),
        "p95": round(percentile(ms, 95), 3),
        "p99": round(percentile(ms, 99), 3),
        "mean": round(sum(ms) / len(ms), 3) if ms else math.nan,
    }


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    outcome = action()
    return time.perf_counter() - start, outcome


def repeat(actions: Sequence[Callable[[], object]], reps: int, budget_s: float, minimum: int = 3) -> list[float]:
    """Run the actions in turn up to `reps` times, stopping early once `budget_s` is spent (after `minimum`)."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    for i in range(reps):
        if i >= minimum and time.perf_counter() > deadline:
            break
        elapsed, _ = timed(actions[i % len(actions)])
        samples.append(elapsed)
    return samples


def peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def tree_size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else (
        path.stat().st_size if path.exists() else 0)
    return round(total / 2**20, 2)
