"""Costly searches take turns, so a few clients sending them cannot slow everyone else down.

A search whose estimated cost (postings read, `Searcher.cost`) is over `EXPENSIVE_COST`, and over
`EXPENSIVE_COST_PER_DOCUMENT` postings per document of the index, needs a turn. (Per document because an
ordinary search's cost grows with the index: 'Stalin' reads ~3 postings per document, every spelling in every
field a name goes in, while two two-letter prefixes read 7–9.) At most
`EXPENSIVE_SLOTS` such searches run at once in the whole service (all workers), and one per client. A client that
already has one running gets 429 at once; when every turn is taken a search waits up to `EXPENSIVE_WAIT` seconds
for one, then gets 429 with Retry-After. The turns are `flock`s on small files beside each other in the temporary
directory, so they are shared by every worker process and released by the kernel if a worker dies. A costly
search's time budget is `EXPENSIVE_DEADLINE` (its wait included), not the request budget. While a worker has any
search under way it accepts no new connections (web/gunicorn_worker.py), so other searches go to the others.
"""
from __future__ import annotations

import fcntl
import hashlib
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, has_request_context, request

from corpus.errors import KwarchiveError

from web import deadline
from web.shared_dirs import shared_dir

_running = 0
_searching = 0  # searches of this process past the gate's door: waiting for a turn, for the process's lock, or running
_running_lock = threading.Lock()


class TooManyCostly(KwarchiveError):
    """No turn for a costly search (answered 429 with Retry-After)."""


def running_costly() -> int:
    """How many costly searches this process is running now."""
    return _running


def searching() -> int:
    """How many searches this process has under way (a worker with one accepts no new connection: its searches
    run one at a time, so a new client is served sooner by another worker; web/gunicorn_worker.py)."""
    return _searching


@contextmanager
def _counted():
    global _searching
    with _running_lock:
        _searching += 1
    try:
        yield
    finally:
        with _running_lock:
            _searching -= 1


def slots_dir(index: str) -> Path:
    """The turn files of one index's service."""
    return shared_dir(index, "turns")


def try_lock(path: Path):
    """An open, exclusively flocked file, or None when someone else holds it."""
    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def gate_for(app: Flask):
    """The `Searcher.gate` for this app's settings: a context manager per search, given its cost."""
    threshold = int(app.config["EXPENSIVE_COST"])
    per_document = float(app.config["EXPENSIVE_COST_PER_DOCUMENT"])
    slots = max(1, int(app.config["EXPENSIVE_SLOTS"]))
    wait = float(app.config["EXPENSIVE_WAIT"])
    budget = float(app.config["EXPENSIVE_DEADLINE"])
    folder = slots_dir(app.config["INDEX"])

    @contextmanager
    def gate(cost: int, documents: int = 0):
        with _counted():
            if cost <= max(threshold, per_document * documents) or not has_request_context():
                yield
            else:
                # Costly searches take turns, so one may run longer than the request budget without holding
                # others up; stopped at 10 s it would also cost its worker every cache it had warmed (web/deadline.py).
                deadline.arm(budget)
                with turn(folder, slots, wait, request.remote_addr or "unknown"):
                    yield

    return gate


@contextmanager
def turn(folder: Path, slots: int, wait: float, client: str):
    global _running
    mine = try_lock(folder / f"client-{hashlib.sha1(client.encode()).hexdigest()[:16]}")
    if mine is None:
        raise TooManyCostly("You already have a costly search running (very short prefixes or many fuzzy words). "
                            "Wait for it to finish, or make the words longer.")
    slot = None
    try:
        ends = time.monotonic() + wait
        while slot is None:
            slot = next(filter(None, (try_lock(folder / f"slot-{n}") for n in range(slots))), None)
            if slot is None:
                if time.monotonic() >= ends:
                    raise TooManyCostly("The archive is busy with other costly searches (very short prefixes or "
                                        "many fuzzy words). Try again in a few seconds, or make the words longer.")
                time.sleep(0.05)
        with _running_lock:
            _running += 1
        try:
            yield
        finally:
            with _running_lock:
                _running -= 1
    finally:
        for handle in (slot, mine):
            if handle is not None:
                handle.close()
