"""The memory the benchmark reports: a whole process tree (parent plus workers) and each serving worker's share."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bench.memory import MB, TreeMemory, TreePeak, tree_memory, worker_memory

# A parent holding 40 MB that starts a child holding 60 MB; each says "ready" once its memory is written, and
# both end when their stdin closes.
HOLDER = """
import subprocess, sys
held = b"p" * (40 * 2**20)
child = subprocess.Popen([sys.executable, "-c", "import sys; held = b'c' * (60 * 2**20); print('ready', flush=True); "
                          "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
child.stdout.readline()
print("ready", flush=True)
sys.stdin.read()
child.stdin.close()
child.wait()
"""


@pytest.fixture
def tree():
    process = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield process
    process.stdin.close()
    process.wait(timeout=30)
    process.stdout.close()


def test_tree_memory_sums_the_parent_and_its_workers(tree):
    reading = tree_memory(tree.pid)
    assert reading.processes == 2
    assert reading.rss >= 100 * MB
    assert 100 * MB <= reading.pss <= reading.rss


def test_a_peak_poll_sees_the_whole_tree(tree):
    with TreePeak(tree.pid, interval_s=0.05) as peak:
        pass
    assert peak.samples >= 1
    assert peak.peak.processes == 2 and peak.peak_pss_mb >= 100


def test_the_peak_is_the_largest_reading_of_each_kind():
    peak = TreePeak(pid=0)
    for reading in (TreeMemory(1, 10 * MB, 8 * MB), TreeMemory(3, 30 * MB, 12 * MB), TreeMemory(2, 20 * MB, 16 * MB)):
        peak.record(reading)
    assert peak.peak == TreeMemory(3, 30 * MB, 16 * MB)
    assert (peak.peak_rss_mb, peak.peak_pss_mb, peak.samples) == (30.0, 16.0, 3)


def test_a_process_that_is_gone_reads_as_nothing():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert tree_memory(gone.pid) == TreeMemory(0, 0, 0)
    assert worker_memory(gone.pid) == []


def test_each_worker_reports_its_private_memory(tree):
    workers = worker_memory(tree.pid)
    assert len(workers) == 1
    assert workers[0]["uss_mb"] >= 60
    assert workers[0]["uss_mb"] <= workers[0]["pss_mb"] <= workers[0]["rss_mb"]
