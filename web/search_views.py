"""The search page (`/`, `/search`), its exports and feed (`format=`), and the OpenSearch description."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from index.facets import FACET_BY_NAME
from search.errors import BadRequest, NotFound
from search.request import SearchRequest, is_excluded, plain_value

from web import exports, feeds, manifests, search_controls, served_generation
from web.public_url import absolute_url
from web.reference_formats import coins_title
from web.services import corpus_dir, get_searcher
from web.templating import compare_path, plain_text
from web.timeline import timeline

bp = Blueprint("search", __name__)

FORMATS = ("html", "atom", "csv", "json", "ris", "bibtex", "csljson")
MAX_RELAXATIONS = 6
DATE_FIELDS = ("from", "to")


def request_format() -> str:
    fmt = (request.args.get("format") or "html").strip().lower()
    if fmt not in FORMATS:
        raise BadRequest(f"format: expected one of {', '.join(FORMATS)}, got '{fmt[:20]}'", parameter="format")
    return fmt


@bp.get("/", endpoint="search_page")
@bp.get("/search", endpoint="search_page")
def search_page_view():
    fmt = request_format()
    if fmt != "html":
        req = SearchRequest.from_args(request.args)
        return feeds.atom_response(req) if fmt == "atom" else exports.export_response(fmt, req)
    req, date_errors = read_page_request(request.args)
    found = get_searcher().search(req, facet_limit=None)
    served_generation.note(found.generation)
    result = found.to_dict()
    context = page_context(req, result)
    if date_errors:
        context["date_errors"] = date_errors
        context["date_values"] = {name: request.args.get(name, "") for name in DATE_FIELDS}
    return render_template("search.html", **context), 400 if date_errors else 200


def read_page_request(args: MultiDict) -> tuple[SearchRequest, dict[str, str]]:
    """The search, and for each date the page cannot use, the reason to show beside its field.

    A bad date does not end the search: the page is drawn again with the query and filters kept and the dates
    left out until they are corrected (any other bad parameter is still a plain 400).
    """
    try:
        return SearchRequest.from_args(args), {}
    except BadRequest as exc:
        if exc.parameter not in DATE_FIELDS:
            raise
        errors = {exc.parameter: _reason(exc)}
    for name in DATE_FIELDS:
        try:
            SearchRequest.from_args({name: args.getlist(name)})
        except BadRequest as exc:
            errors.setdefault(name, _reason(exc))
    without_dates = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in DATE_FIELDS])
    return SearchRequest.from_args(without_dates), {name: errors[name] for name in DATE_FIELDS if name in errors}


def _reason(exc: BadRequest) -> str:
    return exc.message.removeprefix(f"{exc.parameter}: ")


def page_context(req: SearchRequest, result: dict) -> dict:
    root = corpus_dir()
    titles = manifests.titles(root)
    facets = search_controls.with_display_labels(result.get("facets") or {}, titles)
    labels = search_controls.value_labels(facets)
    to_reference = exports.reference_maker()
    chips = search_controls.chips(req, labels)
    return {
        "req": req,
        "result": result,
        "description": req.describe(lambda name, value: labels.get((name, value), value)),
        "facet_groups": search_controls.facet_groups(req, facets, visible=current_app.config["FACET_VISIBLE"]),
        "chips": chips,
        "date_errors": {},
        "date_values": {"from": req.date_from, "to": req.date_to},
        "clear_url": SearchRequest(q=req.q, sort=req.sort, per_page=req.per_page).url(),
        "timeline": timeline(req, result.get("histogram")),
        "pager": search_controls.pager(req, int(result.get("total", 0))),
        "sort_links": search_controls.sort_links(req),
        "export_links": search_controls.export_links(req),
        "feed_url": search_controls.feed_url(req),
        "hidden_fields": [],
        "per_page_choices": sorted({*search_controls.PER_PAGE_CHOICES, req.per_page}),
        "suggestion_url": (req.with_query(result["suggestion"]).url()
                           if result.get("suggestion") and not result.get("search_instead") else None),
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
            plain = plain_value(value)
            label = ("not " if is_excluded(value) else "") + labels.get((name, plain), plain)
            options.append((f"{FACET_BY_NAME[name].title}: {label}", req.without_filter(name, value)))
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


@bp.get("/search/facet/<name>", endpoint="facet_window")
def facet_window_view(name: str):
    """Every value of one facet for this search, paged, by count or A–Z, found by any spelling: no script needed."""
    if name not in FACET_BY_NAME:
        raise NotFound(f"unknown facet '{name}'")
    req = SearchRequest.from_args(request.args)
    facet_q, sort, page = search_controls.facet_window_args(request.args, name)
    values = get_searcher().facet_values(req, name, facet_q=facet_q, sort=search_controls.FACET_SORTS[sort][1])
    values = search_controls.with_display_labels({name: values}, manifests.titles(corpus_dir()))[name]
    labels = search_controls.value_labels({name: values})
    return render_template("facet_window.html", window=search_controls.facet_window(req, name, values, facet_q, sort, page),
                           description=req.describe(lambda facet, value: labels.get((facet, value), value)),
                           header_q=req.q)
