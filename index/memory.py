"""Handing freed memory back to the system: glibc keeps freed heap blocks for reuse, so a process that once held
a large corpus or answer stays that large. The one place that reaches for `malloc_trim` (glibc only)."""
from __future__ import annotations

import ctypes
import ctypes.util


def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


MALLOC_TRIM = _malloc_trim()  # None where the C library has no malloc_trim


def return_freed_memory() -> None:
    """Give the heap's free pages back to the system; nothing happens where there is no malloc_trim."""
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)
