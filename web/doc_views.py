"""The document page: metadata, body, highlighted query words, citation, versions, neighbours, similar documents."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from corpus.model import document_id
from search.request import SearchRequest

from web import collections, served_generation
from web.app import corpus_dir, get_searcher
from web.citation import archive_reference, chicago
from web.highlight import highlight_paragraphs
from web.public_url import absolute_url

bp = Blueprint("doc", __name__)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@bp.get("/doc/<collection>/<number>")
def document(collection: str, number: str):
    searcher = get_searcher()
    doc_id = document_id(collection, number)
    record = searcher.document(doc_id)
    served_generation.note(searcher.generation)
    q = request.args.get("q", "")[:2000]
    paragraphs, marks = highlight_paragraphs(paragraphs_of(record.get("body", "")), q)
    manifests = collections.manifests(corpus_dir())
    return render_template(
        "document.html",
        record=record,
        q=q,
        paragraphs=paragraphs,
        marks=marks,
        rows=metadata_rows(record, manifests),
        citation=chicago(record, manifests.get(collection), absolute_url(request.path)),
        versions=[{"id": v, "label": collections.version_label(v, corpus_dir())} for v in record.get("versions") or ()],
        neighbours=_neighbours(searcher, doc_id),
        similar=_similar(searcher, doc_id),
        header_q=q,
        back_url=SearchRequest(q=q).url() if q else None,
    )


def paragraphs_of(body: str) -> list[str]:
    """Blank lines separate paragraphs; a body without them is split on single line breaks."""
    parts = _PARAGRAPH_BREAK.split(body.strip()) if body.strip() else []
    if len(parts) == 1:
        parts = body.strip().splitlines()
    return [" ".join(p.split()) for p in parts if p.strip()]


def facet_link(facet: str, value: str) -> str:
    return SearchRequest().with_filter(facet, value).url()


def metadata_rows(record: dict, manifests: dict) -> list[dict]:
    """(label, items) rows for the table; an item with a URL links to the search filtered by it."""
    date = record.get("date") or {}
    dates = date.get("label", "")
    if date.get("start") and date.get("end") and date["start"] != date["end"]:
        dates = f"{dates} ({date['start']} to {date['end']})"
    elif date.get("start") and date["start"] not in dates:
        dates = f"{dates} ({date['start']})"
    manifest = manifests.get(record.get("collection", ""))
    language = record.get("language", "")
    if record.get("original_language") and record["original_language"] != language:
        language = f"{language} (original: {record['original_language']})"
    rows = [
        ("Date", [{"text": dates or "Undated"}]),
        ("Type", [{"text": record.get("doc_type", ""), "url": facet_link("type", record["doc_type"])}]
         if record.get("doc_type") else []),
        ("From", _people("sender", record.get("senders"), record.get("senders_raw"))),
        ("To", _people("recipient", record.get("recipients"), record.get("recipients_raw"))),
        ("Via", [{"text": v} for v in record.get("via") or record.get("via_raw") or ()]),
        ("Classification", [{"text": record.get("classification", ""),
                             "url": facet_link("classification", record["classification"])}]
         if record.get("classification") else []),
        ("Archive", [{"text": archive_reference(record.get("archive") or {})}]
         if archive_reference(record.get("archive") or {}) else []),
        ("Translator", [{"text": record.get("translator", "")}] if record.get("translator") else []),
        ("Language", [{"text": language}] if language else []),
        ("Collection", [{"text": manifest.title if manifest else record.get("collection", ""),
                         "url": facet_link("collection", record.get("collection", ""))},
                        {"text": f"no. {record.get('number', '')}"}]),
        ("People", [{"text": p, "url": facet_link("person", p)} for p in record.get("people") or ()]),
        ("Places", [{"text": p, "url": facet_link("place", p)} for p in record.get("places") or ()]),
    ]
    return [{"label": label, "links": links} for label, links in rows if links]


def _people(facet: str, canonical, raw) -> list[dict]:
    if canonical:
        return [{"text": name, "url": facet_link(facet, name)} for name in canonical]
    return [{"text": name} for name in raw or ()]


def _neighbours(searcher, doc_id: str) -> dict:
    """Previous and next document in time, as {"previous": hit-like dict | None, "next": …}."""
    found = searcher.neighbours(doc_id)
    if isinstance(found, dict):
        return {"previous": found.get("previous"), "next": found.get("next")}
    previous, following = found
    return {"previous": previous, "next": following}


def _similar(searcher, doc_id: str) -> list[dict]:
    return list(searcher.more_like_this(doc_id) or ())[:5]
