"""A time budget per request: a search that runs past it answers 503 "took too long" at once, instead of holding
the worker until gunicorn's timeout kills it and the reader sees a dropped connection.

The budget is a SIGALRM timer, so it is armed only on the main thread (gunicorn's sync workers, the test client);
threaded servers fall back on gunicorn's `timeout`. The exception lands between Python bytecodes wherever the
search is, so the process's Searcher is dropped afterwards and the next request opens a fresh one.
"""
from __future__ import annotations

import logging
import signal
import threading

from flask import Flask, current_app, g, request

from corpus.errors import KwarchiveError

log = logging.getLogger("kwarchive.web")

DEFAULT_SECONDS = 10.0
_armed = threading.Event()


class SearchTooSlow(KwarchiveError):
    """The request ran past REQUEST_DEADLINE seconds."""


def _expire(signum, frame) -> None:
    if _armed.is_set():
        _armed.clear()
        raise SearchTooSlow("The search took too long and was stopped. Try fewer words, a narrower date range "
                            "or fewer filters.")


def budget() -> float:
    return float(current_app.config.get("REQUEST_DEADLINE") or 0)


def arm() -> None:
    seconds = budget()
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGALRM, _expire)
    _armed.set()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    g.deadline_armed = True


def disarm(_exc=None) -> None:
    if g.pop("deadline_armed", False):
        _armed.clear()
        signal.setitimer(signal.ITIMER_REAL, 0)


def disarm_response(response):
    disarm()
    return response


def drop_searcher() -> None:
    """The interrupted search may have left the Searcher mid-update; the next request opens a new one."""
    searcher = current_app.extensions.pop("kwarchive.searcher", None)
    if searcher is not None:
        try:
            searcher.close()
        except Exception:  # closing a half-used snapshot may fail in any way; it is discarded either way
            log.warning("could not close the interrupted searcher", exc_info=True)


def handle_too_slow(exc: SearchTooSlow):
    from web.errors import error_response

    drop_searcher()
    log.warning("request over its %.1f s budget: %s", budget(), request.full_path)
    return error_response(503, exc.message, title="The search took too long")


def register(app: Flask) -> None:
    app.before_request(arm)
    app.after_request(disarm_response)
    app.teardown_request(disarm)
    app.register_error_handler(SearchTooSlow, handle_too_slow)
