"""The search page (`/`, `/search`), its exports and feed (`format=`), and the OpenSearch description."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, current_app, render_template, request, url_for

from index.facets import FACET_BY_NAME
from search.errors import BadRequest
from search.request import SearchRequest

from web import exports, feeds, manifests, search_controls, served_generation
from web.public_url import absolute_url
from web.reference_formats import coins_title
from web.services import corpus_dir, get_searcher
from web.templating import compare_path, plain_text
from web.timeline import timeline

bp = Blueprint("search", __name__)

FORMATS = ("html", "atom", "csv", "json", "ris", "bibtex", "csljson")
MAX_RELAXATIONS = 6


def request_format() -> str:
    fmt = (request.args.get("format") or "html").strip().lower()
    if fmt not in FORMATS:
        raise BadRequest(f"format: expected one of {', '.join(FORMATS)}, got '{fmt[:20]}'", parameter="format")
    return fmt


@bp.get("/", endpoint="search_page")
@bp.get("/search", endpoint="search_page")
def search_page_view():
    fmt = request_format()
    req = SearchRequest.from_args(request.args)
    if fmt == "atom":
        return feeds.atom_response(req)
    if fmt != "html":
        return exports.export_response(fmt, req)
    found = get_searcher().search(req, facet_limit=None)
    served_generation.note(found.generation)
    result = found.to_dict()
    return render_template("search.html", **page_context(req, result))


def page_context(req: SearchRequest, result: dict) -> dict:
    root = corpus_dir()
    titles = manifests.titles(root)
    facets = search_controls.with_collection_titles(result.get("facets") or {}, titles)
    labels = search_controls.value_labels(facets)
    to_reference = exports.reference_maker()
    return {
        "req": req,
        "result": result,
        "description": req.describe(lambda name, value: labels.get((name, value), value)),
        "facet_groups": search_controls.facet_groups(req, facets, visible=current_app.config["FACET_VISIBLE"]),
        "chips": search_controls.chips(req, labels),
        "clear_url": SearchRequest(q=req.q, sort=req.sort, per_page=req.per_page).url(),
        "timeline": timeline(req, result.get("histogram")),
        "pager": search_controls.pager(req, int(result.get("total", 0))),
        "sort_links": search_controls.sort_links(req),
        "export_links": search_controls.export_links(req),
        "feed_url": search_controls.feed_url(req),
        "hidden_fields": [],
        "per_page_choices": sorted({*search_controls.PER_PAGE_CHOICES, req.per_page}),
        "suggestion_url": req.with_query(result["suggestion"]).url() if result.get("suggestion") else None,
        "relaxations": relaxations(req, labels) if not result.get("total") else [],
        "collection_titles": titles,
        "version_label": lambda doc_id: manifests.version_label(doc_id, root),
        "header_q": req.q,
        "hit_url": search_controls.hit_url,
        "compare_url": compare_path,
        "coins": lambda hit: coins_title(to_reference(dict(hit, title=plain_text(hit["title"]), archive={}))),
    }


def relaxations(req: SearchRequest, labels: dict) -> list[dict]:
    """For an empty result: what each selected filter's removal would give, so the page can say which to drop."""
    options = []
    for name, values in req.filters:
        for value in values:
            options.append((f"{FACET_BY_NAME[name].title}: {labels.get((name, value), value)}",
                            req.without_filter(name, value)))
    if req.date_from or req.date_to:
        options.append(("the dates", req.with_dates("", "")))
    found = []
    for label, wider in options[:MAX_RELAXATIONS]:
        total = int(get_searcher().search(replace(wider, per_page=1)).to_dict().get("total", 0))
        if total:
            found.append({"label": label, "url": wider.url(), "total": total})
    return found


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml", root=absolute_url("/").rstrip("/"),
                           icon=absolute_url(url_for("static", filename="favicon.svg").removeprefix(request.script_root)))
    return Response(body, mimetype="application/opensearchdescription+xml")
