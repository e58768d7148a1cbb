"""Memory of a whole process tree (a build's parent plus every worker it starts) and of serving workers.

A process's own peak (`ru_maxrss`) misses the forked or spawned workers of a build, and RSS alone counts the pages
workers share once per worker; so the tree is polled and both its summed RSS and its summed PSS (each shared
page divided among its sharers: what the tree really costs the machine) are kept at their peaks.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import psutil

MB = 2**20


@dataclass(frozen=True)
class TreeMemory:
    """One reading of a process tree: how many processes, their summed RSS and PSS in bytes."""

    processes: int
    rss: int
    pss: int


def tree_memory(pid: int) -> TreeMemory:
    """RSS and PSS summed over `pid` and all its descendants; processes that end while being read are skipped."""
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return TreeMemory(0, 0, 0)
    rss = pss = counted = 0
    for process in members:
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        counted += 1
    return TreeMemory(counted, rss, pss)


class TreePeak:
    """Polls a process tree in a background thread while in use; `peak` is the largest reading of each kind.

        with TreePeak(process.pid) as peak:
            process.wait()
        peak.peak_pss_mb
    """

    def __init__(self, pid: int, interval_s: float = 0.25):
        self.pid = pid
        self.interval_s = interval_s
        self.peak = TreeMemory(0, 0, 0)
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="tree-peak", daemon=True)

    def __enter__(self) -> "TreePeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while True:
            self.record(tree_memory(self.pid))
            if self._stop.wait(self.interval_s):
                return

    def record(self, reading: TreeMemory) -> None:
        self.samples += 1
        self.peak = TreeMemory(max(self.peak.processes, reading.processes), max(self.peak.rss, reading.rss),
                               max(self.peak.pss, reading.pss))

    @property
    def peak_rss_mb(self) -> float:
        return round(self.peak.rss / MB, 1)

    @property
    def peak_pss_mb(self) -> float:
        return round(self.peak.pss / MB, 1)


def worker_memory(parent_pid: int) -> list[dict]:
    """RSS, PSS and USS (pages no other process maps) of each child of `parent_pid`, in MB: what each serving
    worker costs on its own once the pages it shares with the others are discounted."""
    try:
        children = psutil.Process(parent_pid).children()
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            info = child.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        out.append({"pid": child.pid, "rss_mb": round(info.rss / MB, 1), "pss_mb": round(info.pss / MB, 1),
                    "uss_mb": round(info.uss / MB, 1)})
    return sorted(out, key=lambda worker: worker["pid"])
