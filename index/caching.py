"""The one cache class: least recently used out first, bounded by the bytes its entries take, thread-safe.

Every memo of the project uses it — per generation (postings arrays, expansions, highlight spans, fuzzy name
matches), per searcher (results) and per process (the analysis of a word) — so none can grow without bound,
however many distinct queries, terms or words come along. Sizes are estimates (`estimate_bytes`), close enough
to keep a budget, cheap enough to compute on every store.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from functools import wraps
from typing import Any, Callable, Hashable

import numpy as np

ENTRY_BYTES = 150  # what an entry costs beyond its key and value: the pair, links, table slot


def estimate_bytes(value: Any, _depth: int = 0) -> int:
    """Roughly how much memory `value` holds: numpy buffers, strings and containers followed a few levels down."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return sys.getsizeof(value)
    if _depth > 6:
        return 64
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(estimate_bytes(k, _depth + 1) + estimate_bytes(v, _depth + 1)
                                          for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(estimate_bytes(item, _depth + 1) for item in value)
    if is_dataclass(value):
        return 64 + sum(estimate_bytes(getattr(value, f.name), _depth + 1) for f in fields(value))
    return sys.getsizeof(value)


class BoundedCache:
    """A mapping from hashable keys to values holding at most `max_bytes` (keys and values as `sizeof`
    estimates them, plus `ENTRY_BYTES` each). A value larger than the whole budget is returned but not kept."""

    def __init__(self, max_bytes: int, sizeof: Callable[[Any], int] = estimate_bytes):
        self.max_bytes = max_bytes
        self._sizeof = sizeof
        self._entries: OrderedDict = OrderedDict()  # key → (value, cost), least recently used first
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        # No lock: each OrderedDict call is atomic under the GIL, and an entry dropped between the two is
        # simply not moved. (Hits are the common case, and the analysis memos take many per query.)
        found = self._entries.get(key)
        if found is None:
            return default
        try:
            self._entries.move_to_end(key)
        except KeyError:
            pass
        return found[0]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def put(self, key: Hashable, value):
        """Keep `value` under `key` (dropping the least recently used entries to make room); returns it."""
        cost = self._sizeof(key) + self._sizeof(value) + ENTRY_BYTES
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if cost > self.max_bytes:
                return value
            self._entries[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]):
        """The value kept under `key`, or `compute()` kept and returned (computed outside the lock)."""
        found = self.get(key, _MISSING)
        if found is _MISSING:
            found = self.put(key, compute())
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def nbytes(self) -> int:
        """The estimated bytes held now."""
        return self._bytes


_MISSING = object()


def memoize(max_bytes: int, sizeof: Callable[[Any], int] = estimate_bytes):
    """Decorator: remember a function's results by its (hashable) positional arguments in a `BoundedCache`,
    reachable as the function's `.cache`."""
    def decorate(function):
        cache = BoundedCache(max_bytes, sizeof)

        get, put = cache.get, cache.put

        @wraps(function)
        def remembered(*args):
            found = get(args, _MISSING)
            if found is _MISSING:
                found = put(args, function(*args))
            return found

        remembered.cache = cache
        return remembered
    return decorate
