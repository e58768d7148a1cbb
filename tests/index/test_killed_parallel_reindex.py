"""A reindex killed while its index workers (its local Dask cluster) run takes them with it, and the next reindex is never blocked
by a lock or a leftover process: once deterministically (killed while its workers are known to run), then in a
short kill loop at random points (`make soak` runs a longer loop at the size where the build forks by itself)."""
from __future__ import annotations

import subprocess
import time

import pytest

from soak.corpora import write_small_corpus
from soak.reindex import REPO_ROOT, children_of, kill_loop, kill_now, lock_held, reindex_argv

DOCUMENTS = 200  # short records: each worker is busy for a moment, a whole reindex takes seconds
WORKERS = 2  # a local Dask cluster, forced at this size (by default it starts at index.cluster.LOCAL_FROM)


def _wait_for_workers(child: subprocess.Popen, count: int, seconds: float = 120) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.poll() is None:
        workers = children_of(child.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.02)
    pytest.fail(f"the reindex never had {count} workers running (exit status {child.poll()})")


@pytest.mark.slow
def test_a_reindex_killed_mid_build_leaves_no_worker_and_no_lock_behind(tmp_path):
    corpus, index = write_small_corpus(tmp_path / "corpus", DOCUMENTS), tmp_path / "index"
    child = subprocess.Popen(reindex_argv(index, corpus, workers=WORKERS), cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_workers(child, WORKERS)
    kill = kill_now(child, index)
    assert kill.workers >= WORKERS  # the workers, and the resource tracker their start method adds
    assert "outlived" not in kill.problem and "lock" not in kill.problem, kill.problem
    assert not lock_held(index)
    # The loop's first reindex (which measures how long one takes) must succeed right after the kill.
    assert kill_loop(index, corpus, 2, seed=11, workers=WORKERS, log=lambda line: None) == []
