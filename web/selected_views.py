"""Selected items (Blacklight's "Bookmarks"), without an account: the browser keeps the list, and the list is
a URL of document ids (`/selected?ids=nkidp-reader/16,nkidp-reader/47`) that shows the documents and exports them
in every format with no script at all, so it can be shared, bookmarked or cited."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, render_template, request

from search.errors import BadRequest, NotFound

from web import exports, search_controls, served_generation
from web.public_url import absolute_url
from web.services import get_searcher

bp = Blueprint("selected", __name__)

MAX_SELECTED = 500
FORMATS = {"ris": "ris", "bibtex": "bibtex", "csljson": "csljson", "csv": "csv", "json": "json"}


def selected_ids(args) -> list[str]:
    """Ids from `ids=a,b` and repeated `id=` parameters, in the order given, each once."""
    found: list[str] = []
    for value in [*args.getlist("ids"), *args.getlist("id")]:
        for doc_id in value.split(","):
            doc_id = doc_id.strip()
            if doc_id and doc_id not in found:
                found.append(doc_id)
    if len(found) > MAX_SELECTED:
        raise BadRequest(f"ids: at most {MAX_SELECTED} documents, got {len(found)}", parameter="ids")
    return found


def selected_url(ids: list[str], fmt: str = "") -> str:
    query = "ids=" + quote(",".join(ids), safe="/,") if ids else ""
    if fmt:
        query += ("&" if query else "") + f"format={fmt}"
    return "/selected" + (f"?{query}" if query else "")


@bp.get("/selected")
def selected():
    ids = selected_ids(request.args)
    fmt = (request.args.get("format") or "html").strip().lower()
    if fmt != "html" and fmt not in FORMATS:
        raise BadRequest(f"format: expected one of html, {', '.join(FORMATS)}, got '{fmt[:20]}'", parameter="format")
    searcher = get_searcher()
    records, missing = [], []
    for doc_id in ids:
        try:
            records.append(searcher.document(doc_id))
        except NotFound:
            missing.append(doc_id)
    served_generation.note(searcher.generation)
    if fmt != "html":
        return exports.records_response(FORMATS[fmt], records, f"kwarchive-selected-{len(records)}")
    kept = [r["id"] for r in records]
    return render_template(
        "selected.html", records=records, missing=missing, ids=kept,
        share_url=absolute_url(selected_url(kept)) if kept else "",
        export_links=[{"label": label, "url": selected_url(kept, fmt)} for fmt, label in search_controls.EXPORT_FORMATS],
        header_q="")
