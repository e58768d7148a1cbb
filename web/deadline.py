"""A time budget per request: a search that runs past it answers 503 "took too long" at once, instead of holding
a worker thread until the client gives up.

The budget is kept by one watchdog thread per process, which raises `SearchTooSlow` inside the request's own
thread when its time is up (CPython's `PyThreadState_SetAsyncExc`), so it works in any thread of gunicorn's
threaded workers and in the test client alike. Like a signal, the exception lands between Python bytecodes
wherever the search is (a single long C call finishes first), so the process's Searcher is dropped afterwards and
the next request opens a fresh one. Exports arm a longer budget of their own (`EXPORT_DEADLINE`).
"""
from __future__ import annotations

import ctypes
import heapq
import itertools
import logging
import os
import threading
import time

from flask import Flask, current_app, g, request

from corpus.errors import KwarchiveError

from web import services

log = logging.getLogger("kwarchive.web")

DEFAULT_SECONDS = 10.0  # below gunicorn's timeout, so a slow search answers 503, not a reset
TOO_SLOW_MESSAGE = ("The search took too long and was stopped. Try fewer words, a narrower date range or fewer "
                    "filters.")


class SearchTooSlow(KwarchiveError):
    """The request ran past its budget (raised into the request's thread, so it takes no arguments)."""

    def __init__(self, message: str = TOO_SLOW_MESSAGE):
        super().__init__(message)


class Watchdog:
    """Deadlines per thread; a daemon thread raises `SearchTooSlow` in a thread whose deadline passes."""

    def __init__(self):
        self._cond = threading.Condition()
        self._due: dict[int, tuple[float, int]] = {}  # thread id → (deadline, token)
        self._heap: list[tuple[float, int, int]] = []
        self._tokens = itertools.count(1)
        self._pid = None

    def arm(self, seconds: float) -> int:
        """Start this thread's budget; returns a token for `disarm`."""
        with self._cond:
            self._ensure_thread()
            token = next(self._tokens)
            due = time.monotonic() + seconds
            self._due[threading.get_ident()] = (due, token)
            heapq.heappush(self._heap, (due, token, threading.get_ident()))
            self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._cond:
            if self._due.get(threading.get_ident(), (0, None))[1] == token:
                del self._due[threading.get_ident()]

    def _ensure_thread(self) -> None:
        # gunicorn forks workers after the app is loaded: a thread started in the master does not exist there.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._due.clear()
            self._heap.clear()
            threading.Thread(target=self._watch, name="kwarchive-deadline", daemon=True).start()

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, token, thread_id = heapq.heappop(self._heap)
                    if self._due.get(thread_id, (0, None))[1] == token:
                        del self._due[thread_id]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                                   ctypes.py_object(SearchTooSlow))
                self._cond.wait(timeout=self._heap[0][0] - now if self._heap else None)


WATCHDOG = Watchdog()


def budget() -> float:
    return float(current_app.config.get("REQUEST_DEADLINE") or 0)


def arm(seconds: float | None = None, message: str = "", title: str = "") -> None:
    """Start (or restart, with a different budget and the message and page title a user gets past it) this
    request's deadline."""
    disarm()
    seconds = budget() if seconds is None else seconds
    if seconds > 0:
        g.deadline_token = WATCHDOG.arm(seconds)
        g.deadline_seconds = seconds
        g.deadline_message = message
        g.deadline_title = title


def disarm(_exc=None) -> None:
    token = g.pop("deadline_token", None)
    if token is not None:
        WATCHDOG.disarm(token)


def disarm_response(response):
    disarm()
    return response


def handle_too_slow(exc: SearchTooSlow):
    from web.errors import error_response

    disarm()
    services.drop_searcher()  # the interrupted search may have left it mid-update
    log.warning("request over its %.1f s budget: %s", g.get("deadline_seconds", budget()), request.full_path)
    return error_response(503, g.get("deadline_message") or exc.message,
                          title=g.get("deadline_title") or "The search took too long")


def register(app: Flask) -> None:
    app.before_request(arm)
    app.after_request(disarm_response)
    app.teardown_request(disarm)
    app.register_error_handler(SearchTooSlow, handle_too_slow)
