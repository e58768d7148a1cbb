"""Forked index workers die with the reindex that forked them.

A SIGKILLed parent runs no cleanup, so without this its workers live on (blocked writing results nobody reads),
each holding a copy of the parent's file descriptors. On Linux the kernel itself kills the worker when its parent
dies (`prctl(PR_SET_PDEATHSIG)`); elsewhere a thread in the worker watches for its parent to change.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 0.5  # where prctl is missing: how often a worker looks at its parent


def die_with_parent(parent_pid: int) -> None:
    """Call first thing in a forked worker: it is killed as soon as `parent_pid` (its parent) dies."""
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="watch-parent").start()
    # The parent may have died between the fork and the prctl: then this worker is already an orphan.
    if os.getppid() != parent_pid:
        os._exit(1)


def _kernel_kills_orphans() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent_pid:
            os._exit(1)
