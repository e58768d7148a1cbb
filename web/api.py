"""The JSON API: `/api/search`, `/api/doc/…`, `/api/names`, `/api/openapi.json`, and `/healthz`."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from corpus.errors import KwarchiveError
from corpus.model import document_id
from index.errors import IndexUnavailable
from index.facets import FACET_BY_NAME
from search.errors import NotFound
from search.names import name_suggestions
from search.request import SearchRequest

from web import manifests, search_controls, served_generation
from web.errors import status_for
from web.openapi import openapi_document
from web.public_url import absolute_url
from web.services import corpus_dir, get_searcher

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    req = SearchRequest.from_args(request.args)
    result = get_searcher().search(req)
    served_generation.note(result.generation)
    return jsonify(result.to_dict())


@bp.get("/api/doc/<collection>/<number>")
def document(collection: str, number: str):
    searcher = get_searcher()
    record = searcher.document(document_id(collection, number))
    served_generation.note(searcher.generation)
    return jsonify(record)


@bp.get("/api/names", endpoint="names")
def names_view():
    typed = request.args.get("q", "")
    try:
        return jsonify(get_searcher().name_suggestions(typed))
    except IndexUnavailable:  # the search box still completes names while the index is being rebuilt
        return jsonify(name_suggestions(manifests.authority(corpus_dir()), typed))


@bp.get("/api/facet/<name>")
def facet(name: str):
    """Every value of one facet for the search in the query string; `facet_q` keeps those whose name in any
    spelling or script contains it, `facet_sort` is count (default) or az."""
    req = SearchRequest.from_args(request.args)
    if name not in FACET_BY_NAME:
        raise NotFound(f"unknown facet '{name}'")
    facet_q, sort, _ = search_controls.facet_window_args(request.args, name)
    values = get_searcher().facet_values(req, name, facet_q=facet_q, sort=search_controls.FACET_SORTS[sort][1])
    return jsonify({"facet": name, "values": values})


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(absolute_url("/")))


@bp.get("/healthz")
def healthz():
    """Ready when the live index opens and answers a one-hit search; 503 with the reason otherwise."""
    try:
        result = get_searcher().search(SearchRequest(per_page=1))
    except KwarchiveError as exc:
        status = status_for(exc)
        body = {"status": "unavailable", "error": {"status": status, "message": exc.message}}
        return body, status, {"Retry-After": "30"}
    served_generation.note(result.generation)
    # documents and generation come from the same search, so they agree even while a reindex switches.
    return {"status": "ok", "documents": result.total_documents, "generation": result.generation}
