"""The end of a request that grew the process hands the freed memory back to the system."""
from __future__ import annotations

import pytest

from web.memory import MALLOC_TRIM, Trimmer, resident_bytes

MB = 2**20


@pytest.mark.skipif(MALLOC_TRIM is None, reason="malloc_trim is glibc's")
def test_memory_freed_in_the_middle_of_the_heap_goes_back_after_a_request_that_grew_the_process():
    trimmer = Trimmer(growth=32 * MB)
    assert trimmer.after_request() is False  # the first request sets the floor
    blocks = [bytes(3000) for _ in range(40_000)]  # ~120 MB of a long text's pieces
    pins = blocks[::50]  # a few survive, so the freed pages sit between live ones, out of reach of free()
    grown = resident_bytes()
    del blocks
    assert resident_bytes() > grown - 20 * MB, "free() alone kept the pages"
    assert trimmer.after_request() is True
    assert resident_bytes() < grown - 80 * MB
    assert [trimmer.after_request() for _ in range(Trimmer.FOLLOW_UPS + 1)] == [True] * Trimmer.FOLLOW_UPS + [False]
    del pins


def test_a_small_growth_does_not_trim():
    trimmer = Trimmer(growth=512 * MB)
    trimmer.after_request()
    assert trimmer.after_request() is False
