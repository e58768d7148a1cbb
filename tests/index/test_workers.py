"""A forked worker that calls `die_with_parent` does not outlive its parent, even one killed with SIGKILL."""
from __future__ import annotations

import os
import signal
import time

from index.workers import die_with_parent
from soak.reindex import process_running as _alive


def test_a_worker_dies_when_its_parent_is_killed():
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # the "reindex": forks a worker, reports its pid, then waits to be killed
        os.close(read_end)
        parent = os.getpid()
        worker = os.fork()
        if worker == 0:
            die_with_parent(parent)
            while True:
                time.sleep(60)
        os.write(write_end, f"{worker}\n".encode())
        while True:
            time.sleep(60)
    os.close(write_end)
    worker = int(os.read(read_end, 32))
    os.close(read_end)
    os.kill(middle, signal.SIGKILL)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    survived = _alive(worker)
    if survived:
        os.kill(worker, signal.SIGKILL)
    assert not survived
