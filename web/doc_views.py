"""The document page: metadata, body, highlighted query words, citation and its downloads (RIS, BibTeX, CSL-JSON),
versions, its place in the result list it was opened from, neighbours in time, similar documents."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from corpus.model import document_id
from search.errors import BadRequest
from search.request import SearchRequest
from search.result import doc_url

from web import exports, manifests, search_controls, served_generation
from web.citation import chicago
from web.highlight import highlight_paragraphs
from web.reference import archive_location
from web.reference_formats import highwire_tags
from web.services import corpus_dir, get_searcher
from web.templating import compare_path, language_name, plain_text

bp = Blueprint("doc", __name__)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
PART_CHARS = 100_000  # a longer text is shown in parts of about this many characters, with the full text a link away
SIMILAR_UP_TO_CHARS = 2_000_000  # a longer text is shown without "More like this" (finding it reads the text again)


DOWNLOADS = {"ris": "ris", "bib": "bibtex", "json": "csljson"}  # path suffix → export format
DOWNLOAD_LABELS = (("ris", "RIS"), ("bib", "BibTeX"), ("json", "CSL-JSON"))
FORMAT_PARAMETER = {"ris": "ris", "bibtex": "bibtex", "csljson": "csljson"}


@bp.get("/doc/<collection>/<number>")
def document(collection: str, number: str):
    number, suffix = _download_suffix(number)
    fmt = DOWNLOADS.get(suffix) if suffix else _format_parameter()
    searcher = get_searcher()
    doc_id = document_id(collection, number)
    record = searcher.document(doc_id)
    served_generation.note(searcher.generation)
    if fmt:
        return exports.document_response(fmt, record)
    search = SearchRequest.from_args(request.args)
    q = search.q
    body = record.pop("body", "")
    parts = part_spans(body)
    part = part_number(request.args.get("part"), len(parts))
    by_lines = _PARAGRAPH_BREAK.search(body.strip()) is None
    shown = paragraphs_of(body[slice(*parts[part - 1])], by_lines) if parts else []
    long_text = len(body) > SIMILAR_UP_TO_CHARS
    del body  # the whole text is not needed past here: a very long one goes back to the allocator at once
    paragraphs, marks = highlight_paragraphs(shown, q, searcher)
    known = manifests.by_slug(corpus_dir())
    ref = exports.reference_for(record)
    return render_template(
        "document.html",
        record=record,
        q=q,
        paragraphs=paragraphs,
        marks=marks,
        rows=metadata_rows(record, known),
        citation=chicago(ref, known.get(collection)),
        highwire=highwire_tags(ref),
        canonical_url=ref.url,
        downloads=[{"label": label, "url": doc_url(doc_id) + "." + suffix,
                    "type": exports.CONTENT_TYPES[DOWNLOADS[suffix]].split(";")[0]}
                   for suffix, label in DOWNLOAD_LABELS],
        versions=[{"id": v, "label": manifests.version_label(v, corpus_dir())} for v in record.get("versions") or ()],
        compare_url=compare_path(doc_id) if record.get("versions") else None,
        neighbours=_neighbours(searcher, doc_id),
        similar=[] if long_text else _similar(searcher, doc_id),
        header_q=q,
        trail=result_trail(searcher, search, _position(), doc_id),
        search=search,
        part=part,
        parts=len(parts),
        part_url=part_url,
    )


def _download_suffix(number: str) -> tuple[str, str]:
    """"16.ris" → ("16", "ris"); a number without a known suffix is left whole."""
    stem, dot, suffix = number.rpartition(".")
    if dot and suffix in DOWNLOADS:
        return stem.removesuffix(".csl") if suffix == "json" else stem, suffix
    return number, ""


def _format_parameter() -> str | None:
    value = (request.args.get("format") or "").strip().lower()
    if not value or value == "html":
        return None
    if value not in FORMAT_PARAMETER:
        raise BadRequest(f"format: expected one of html, {', '.join(FORMAT_PARAMETER)}, got '{value[:20]}'",
                         parameter="format")
    return FORMAT_PARAMETER[value]


def _position() -> int:
    try:
        return max(0, int(request.args.get("hit", "0")))
    except ValueError:
        return 0


def result_trail(searcher, search: SearchRequest, position: int, doc_id: str) -> dict | None:
    """Where this document stands in the result list it was opened from: "3 of 41", the previous and next
    results, and the way back to the whole search (filters, dates, sort and page kept). Without a place in a
    list, only the way back, when there was a search."""
    back = search.with_page(1).url() if not search.is_empty else None
    if position < 1:
        return {"back_url": back} if back else None
    per_page = search.per_page
    found = searcher.search(search.with_page(search_controls.page_of(position, per_page))).to_dict()
    total = int(found.get("total", 0))
    hits = found.get("hits") or []
    index = (position - 1) % per_page
    if position > total or index >= len(hits) or hits[index]["id"] != doc_id:
        return {"back_url": back} if back else None

    def neighbour(at: int) -> dict | None:
        if not 1 <= at <= total:
            return None
        page = search_controls.page_of(at, per_page)
        rows = hits if page == search_controls.page_of(position, per_page) else \
            searcher.search(search.with_page(page)).to_dict().get("hits") or []
        hit = rows[(at - 1) % per_page] if (at - 1) % per_page < len(rows) else None
        return hit and {"title": plain_text(hit["title"]), "url": search_controls.hit_url(search, hit["id"], at)}

    return {
        "position": position, "total": total,
        "previous": neighbour(position - 1), "next": neighbour(position + 1),
        "back_url": search.with_page(search_controls.page_of(position, per_page)).url() + f"#hit-{position}",
    }


@bp.get("/doc/<collection>/<number>/text")
def full_text(collection: str, number: str):
    """The whole text as plain text, for documents too long to show on one page."""
    searcher = get_searcher()
    record = searcher.document(document_id(collection, number))
    served_generation.note(searcher.generation)
    return Response(record.get("body", ""), mimetype="text/plain")


def part_spans(body: str, limit: int = PART_CHARS) -> list[tuple[int, int]]:
    """Where each part of a text starts and ends (offsets into `body`), at most `limit` characters each: cut at
    the last paragraph break in reach, else a line break, else between words. A few searches per part, so a text
    of 50 MB is cut into parts without splitting all of it; only the part shown is split into paragraphs."""
    spans, start, end = [], 0, len(body)
    while start < end:
        stop = end if end - start <= limit else _cut(body, start, start + limit)
        if not body[start:stop].isspace():
            spans.append((start, stop))
        start = stop
    return spans


def _cut(body: str, start: int, stop: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = body.rfind(separator, start + 1, stop)
        if at > start:
            return at + 1
    return stop


def part_url(part: int) -> str:
    """This page (its search and place in the results kept) at another part of the text."""
    args = request.args.copy()
    args["part"] = str(part)
    return f"{request.path}?{urlencode(list(args.items(multi=True)))}"


def part_number(raw: str | None, count: int) -> int:
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= max(count, 1):
        raise BadRequest(f"part: expected a whole number from 1 to {max(count, 1)}, got '{raw[:20]}'",
                         parameter="part")
    return int(raw)


def paragraphs_of(body: str, by_lines: bool | None = None) -> list[str]:
    """Blank lines separate paragraphs; a body without them is split on single line breaks (`by_lines` says
    which, for a part of a longer text)."""
    text = body.strip()
    if by_lines is None:
        by_lines = _PARAGRAPH_BREAK.search(text) is None
    parts = text.splitlines() if by_lines else _PARAGRAPH_BREAK.split(text)
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
    language = language_name(record.get("language", ""))
    original = language_name(record.get("original_language", ""))
    if original and original != language:
        language = f"{language} (original: {original})"
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
        ("Archive", [{"text": _archive_text(record.get("archive") or {})}]
         if _archive_text(record.get("archive") or {}) else []),
        ("Translator", [{"text": record.get("translator", "")}] if record.get("translator") else []),
        ("Language", [{"text": language}] if language else []),
        ("Collection", [{"text": manifest.title if manifest else record.get("collection", ""),
                         "url": facet_link("collection", record.get("collection", ""))},
                        {"text": f"no. {record.get('number', '')}"}]),
        ("People", [{"text": p, "url": facet_link("person", p)} for p in record.get("people") or ()]),
        ("Places", [{"text": p, "url": facet_link("place", p)} for p in record.get("places") or ()]),
    ]
    return [{"label": label, "links": links} for label, links in rows if links]


def _archive_text(archive: dict) -> str:
    """"RGASPI, f. 558, op. 11, d. 334, p. 79", or the source note as written when it could not be parsed."""
    parsed = ", ".join(filter(None, (archive.get("repository", ""), archive_location(archive))))
    return parsed or (archive.get("raw") or "").strip("[] ").removeprefix("Source:").strip()


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
