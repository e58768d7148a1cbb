"""The JSON API: `/api/search`, `/api/doc/…`, `/api/names`, `/api/openapi.json`, and `/healthz`."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from corpus.errors import KwarchiveError
from corpus.model import document_id
from search.request import SearchRequest

from web import names
from web.app import corpus_dir, get_searcher
from web.errors import status_for
from web.openapi import openapi_document

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    req = SearchRequest.from_args(request.args)
    return jsonify(get_searcher().search(req).to_dict())


@bp.get("/api/doc/<collection>/<number>")
def document(collection: str, number: str):
    return jsonify(get_searcher().document(document_id(collection, number)))


@bp.get("/api/names", endpoint="names")
def names_view():
    prefix = request.args.get("q", "")
    return jsonify({"names": names.suggest(names.load_authority(corpus_dir()), prefix)})


@bp.get("/api/facet/<name>")
def facet(name: str):
    """Every value of one facet for the search in the query string; `facet_q` keeps those containing it."""
    req = SearchRequest.from_args(request.args)
    facet_q = request.args.get("facet_q", "")[:200]
    return jsonify({"facet": name, "values": get_searcher().facet_values(req, name, facet_q=facet_q)})


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(request.url_root))


@bp.get("/healthz")
def healthz():
    """Ready when the live index opens and answers a one-hit search; 503 with the reason otherwise."""
    try:
        body = get_searcher().search(SearchRequest(per_page=1)).to_dict()
    except KwarchiveError as exc:
        status = status_for(exc)
        body = {"status": "unavailable", "error": {"status": status, "message": exc.message}}
        return body, status, {"Retry-After": "30"}
    return {"status": "ok", "documents": body.get("total", 0), "generation": _generation_name()}


def _generation_name() -> str:
    generation = getattr(get_searcher(), "generation", None)
    return str(getattr(generation, "name", generation or ""))
