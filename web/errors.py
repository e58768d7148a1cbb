"""The one place that turns errors into HTTP answers: JSON under /api, a friendly page elsewhere, never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from corpus.errors import KwarchiveError
from index.errors import IndexUnavailable
from search.errors import BadRequest, NotFound

from web.exports import TooLarge
from web.fairness import TooManyCostly

log = logging.getLogger("kwarchive.web")

STATUS = {BadRequest: 400, NotFound: 404, TooLarge: 413, TooManyCostly: 429, IndexUnavailable: 503}

TITLES = {
    400: "That request could not be understood",
    404: "Not found",
    405: "Method not allowed",
    413: "Too many documents to export",
    429: "Too many costly searches",
    500: "Something went wrong",
    503: "The archive index is unavailable",
}


def status_for(exc: KwarchiveError) -> int:
    for cls, status in STATUS.items():
        if isinstance(exc, cls):
            return status
    return 500


def wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/healthz" or request.args.get("format") == "json"


def error_response(status: int, message: str, parameter: str = "", title: str | None = None):
    headers = {"Retry-After": "30"} if status == 503 else {"Retry-After": "5"} if status == 429 else {}
    if wants_json():
        error = {"status": status, "message": message}
        if parameter:
            error["parameter"] = parameter
        return {"error": error}, status, headers
    page = render_template(
        "error.html", status=status, title=title or TITLES.get(status, "Error"), message=message, parameter=parameter,
    )
    return page, status, headers


def handle_kwarchive(exc: KwarchiveError):
    status = status_for(exc)
    if status == 500:
        log.error("unmapped kwarchive error: %s", exc.message)
    return error_response(status, exc.message, getattr(exc, "parameter", ""))


def handle_http(exc: HTTPException):
    status = exc.code or 500
    body, code, headers = error_response(status, exc.description or TITLES.get(status, "Error"))
    if status == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return body, code, headers


def handle_untrusted_host(exc: SecurityError):
    """A Host header outside TRUSTED_HOSTS: no URL can be built for it, so the answer is plain text or JSON."""
    message = (f"This service does not answer to that host name ({exc.description}). "
               "Its operator can add it to KWARCHIVE_TRUSTED_HOSTS.")
    if wants_json():
        return {"error": {"status": 400, "message": message}}, 400
    return message + "\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s", request.path)
    return error_response(500, "The server could not answer this request. It has been logged.")


def register(app: Flask) -> None:
    app.register_error_handler(KwarchiveError, handle_kwarchive)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
