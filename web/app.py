"""The Flask application factory (the flaskr pattern): settings, blueprints, headers, errors."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from web import (advanced, api, compare_views, deadline, doc_views, errors, public_url, search_views, security,
                 selected_views, served_generation, services, templating)

REPO_ROOT = Path(__file__).resolve().parent.parent
EXPORT_DEADLINE = 120.0  # default seconds to write and send one export (gunicorn's graceful_timeout follows it)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; settings come from `KWARCHIVE_*` variables unless a test passes its own."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX=str(REPO_ROOT / "var" / "index"),
        CORPUS=None,
        EXPORT_MAX_ROWS=100_000,  # more matching documents than this: 413 naming the limit (web/exports.py)
        EXPORT_DEADLINE=EXPORT_DEADLINE,
        EXPORT_SPOOL=None,  # directory of written exports (default: one per index in the temporary directory)
        EXPORT_SPOOL_BYTES=256 * 2**20,  # written exports kept for the next request (web/export_spool.py); 0: none
        EXPENSIVE_COST=250_000,  # postings; a costlier search waits for a turn (web/fairness.py)
        EXPENSIVE_COST_PER_DOCUMENT=5,  # ... or this many postings per indexed document, whichever is more
        EXPENSIVE_SLOTS=1,  # costly searches at once, across all workers (and one per client)
        EXPENSIVE_WAIT=2.0,  # seconds a costly search waits for a turn before 429
        EXPENSIVE_DEADLINE=60.0,  # seconds a costly search may take, its wait for a turn included
        FACET_VISIBLE=8,
        BASE_URL="",  # the public address for absolute URLs (web/public_url.py)
        TRUSTED_HOSTS=None,
        PROXY_FIX=0,
        REQUEST_DEADLINE=deadline.DEFAULT_SECONDS,
    )
    if test_config is None:
        app.config.from_prefixed_env("KWARCHIVE")
    else:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    public_url.register(app)
    services.init_app(app)
    templating.register(app)
    security.register(app)
    served_generation.register(app)
    errors.register(app)
    deadline.register(app)  # registered last, so its after_request runs first and stops the timer
    app.register_blueprint(search_views.bp)
    app.register_blueprint(doc_views.bp)
    app.register_blueprint(compare_views.bp)
    app.register_blueprint(advanced.bp)
    app.register_blueprint(selected_views.bp)
    app.register_blueprint(api.bp)
    return app
