"""What views share with the app: the process's Searcher and the corpus root, set up by `init_app` (the
flaskr/db.py pattern). Blueprints import this module, never `web.app`, so web/ has no import cycle."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, current_app

from search.searcher import Searcher

from web.fairness import gate_for

SEARCHER = "kwarchive.searcher"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Resolve the corpus root once (a test's own config wins over KWARCHIVE_CORPUS) and reserve the Searcher."""
    if not app.config.get("CORPUS"):
        app.config["CORPUS"] = os.environ.get("KWARCHIVE_CORPUS") or None
    app.extensions.setdefault(SEARCHER, None)


def get_searcher() -> Searcher:
    """The process's one Searcher, opened on first use (it reopens itself when the generation changes)."""
    app = current_app._get_current_object()
    searcher = app.extensions.get(SEARCHER)
    if searcher is None:
        with _lock:
            searcher = app.extensions.get(SEARCHER)
            if searcher is None:
                searcher = Searcher(Path(app.config["INDEX"]))
                searcher.gate = gate_for(app)
                app.extensions[SEARCHER] = searcher
    return searcher


def drop_searcher() -> None:
    """Forget the process's Searcher; the next request opens a new one. The old one is not closed here (another
    thread of this worker may still be reading it); it goes when unreferenced."""
    current_app.extensions[SEARCHER] = None


def corpus_dir() -> str | None:
    """The corpus root the index was built from (for manifests and the authority); None means the bundled one."""
    return current_app.config.get("CORPUS")
