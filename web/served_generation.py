"""Which index generation answered: views note it, and every response carries it as `X-Kwarchive-Generation`
(the access log prints it too), so a reindex under load can be checked response by response."""
from __future__ import annotations

from flask import Flask, g

HEADER = "X-Kwarchive-Generation"


def note(generation) -> None:
    """Record the generation a result came from; the first one noted wins (a page is built from one search)."""
    if generation is not None and "served_generation" not in g:
        g.served_generation = str(generation)


def add_header(response):
    generation = g.get("served_generation")
    if generation:
        response.headers[HEADER] = generation
    return response


def register(app: Flask) -> None:
    app.after_request(add_header)
