"""Memory a request needed goes back to the system when it ends.

CPython frees a request's objects when it returns, but glibc's allocator keeps the freed pages for reuse in the
arena of the thread that used them; a page of one very long record (tens of megabytes of text read, parsed and
split) left a worker more than a gigabyte larger for good. After a request that grew the process by more than
`TRIM_AFTER_GROWTH`, `malloc_trim(0)` hands the free pages back (glibc only; elsewhere nothing happens). Called by
the gunicorn worker (web/gunicorn_worker.py) once each response has been sent.
"""
from __future__ import annotations

import gc
import os
import threading

from index.memory import MALLOC_TRIM

# Growth since the last trim (KWARCHIVE_TRIM_AFTER_MB megabytes) that makes the end of a request trim again.
TRIM_AFTER_GROWTH = int(float(os.environ.get("KWARCHIVE_TRIM_AFTER_MB", "48")) * 2**20)
PAGE = os.sysconf("SC_PAGE_SIZE")




def resident_bytes() -> int:
    """This process's resident set size, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class Trimmer:
    """Remembers the resident size after the last trim; `after_request` trims when it grew past the threshold,
    and again at the end of the next `FOLLOW_UPS` requests (what a large answer held until it was sent, or what
    waited in reference cycles, is freed a little later)."""

    FOLLOW_UPS = 3

    def __init__(self, growth: int = TRIM_AFTER_GROWTH):
        self.growth = growth
        self.floor: int | None = None
        self.pending = 0
        self._lock = threading.Lock()

    def after_request(self) -> bool:
        """Trim if the process grew by more than `growth` since the last trim (or a follow-up is due); True when
        it trimmed."""
        if MALLOC_TRIM is None:
            return False
        resident = resident_bytes()
        with self._lock:
            if self.floor is None or resident < self.floor:
                self.floor = resident
                return False
            if resident - self.floor > self.growth:
                self.pending = self.FOLLOW_UPS + 1
            if not self.pending:
                return False
            self.pending -= 1
            gc.collect()  # a request's objects caught in reference cycles are freed only by a collection
            MALLOC_TRIM(0)
            self.floor = resident_bytes()
            return True


TRIMMER = Trimmer()
