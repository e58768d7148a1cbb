"""A busy wait for deadline tests: the request deadline lands between bytecodes, never inside a sleep."""
from __future__ import annotations

import time


def busy(seconds: float) -> None:
    """Keep the CPU busy for `seconds`, as a long search or export does."""
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        pass
