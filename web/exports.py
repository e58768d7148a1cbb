"""All results of a search as CSV, JSON, RIS or BibTeX: streamed page by page, each with its type and file name."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from typing import Callable, Iterator
from urllib.parse import quote

from flask import Response

from search.request import MAX_PAGE, MAX_PER_PAGE, SearchRequest

from web import collections, served_generation
from web.app import corpus_dir, get_searcher
from web.public_url import absolute_url, public_root
from web.templating import plain_text

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bibtex": "application/x-bibtex; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
EXTENSIONS = {"csv": "csv", "json": "json", "ris": "ris", "bibtex": "bib", "atom": "atom"}
CSV_COLUMNS = ("id", "url", "title", "date_label", "date_start", "date_end", "doc_type", "senders",
               "recipients", "classification", "archive", "collection", "number", "versions", "snippet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iter_hits(searcher, req: SearchRequest) -> Iterator[dict]:
    """Every hit of the search, page after page at the largest page size (grouped versions count once)."""
    req = replace(req, per_page=MAX_PER_PAGE, page=1)
    found = searcher.search(req)
    served_generation.note(found.generation)
    return _pages(searcher, req, found.to_dict())


def _pages(searcher, req: SearchRequest, first: dict) -> Iterator[dict]:
    page, body = 1, first
    while True:
        yield from body.get("hits", [])
        if not body.get("hits") or page * req.per_page >= int(body.get("total", 0)) or page >= MAX_PAGE:
            return
        page += 1
        body = searcher.search(req.with_page(page)).to_dict()


def file_name(req: SearchRequest, fmt: str) -> str:
    """kwarchive-armistice-1951-20240101.ris: the search's words, ASCII only, then today's date."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(filter(None, (req.q, req.date_from, req.date_to)))).strip("-")
    stem = "-".join(filter(None, ("kwarchive", words[:40].strip("-"), date.today().strftime("%Y%m%d"))))
    return f"{stem}.{EXTENSIONS[fmt]}"


def attachment_headers(req: SearchRequest, fmt: str) -> dict[str, str]:
    name = file_name(req, fmt)
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"}


def export_response(fmt: str, req: SearchRequest) -> Response:
    searcher = get_searcher()
    hits = iter_hits(searcher, req)
    titles = collections.titles(corpus_dir())
    writer = WRITERS[fmt]
    root = public_root()
    body = writer(hits, lambda hit: absolute_url(doc_path(hit["id"]), root), titles, req)
    return Response(body, headers={"Content-Type": CONTENT_TYPES[fmt], **attachment_headers(req, fmt)})


def doc_path(doc_id: str) -> str:
    collection, _, number = doc_id.partition("/")
    return f"/doc/{quote(collection)}/{quote(number)}"


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula starts with ' instead."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def version_ids(hit: dict) -> list[str]:
    return [v["id"] if isinstance(v, dict) else str(v) for v in hit.get("versions") or ()]


def csv_row(hit: dict, url: str) -> list[str]:
    when = hit.get("date") or {}
    values = {
        "id": hit.get("id", ""), "url": url, "title": plain_text(hit.get("title", "")),
        "date_label": when.get("label", ""), "date_start": when.get("start", ""), "date_end": when.get("end", ""),
        "doc_type": hit.get("doc_type", ""), "senders": "; ".join(hit.get("senders") or ()),
        "recipients": "; ".join(hit.get("recipients") or ()), "classification": hit.get("classification", ""),
        "archive": hit.get("archive", ""), "collection": hit.get("collection", ""),
        "number": str(hit.get("number", "")), "versions": "; ".join(version_ids(hit)),
        "snippet": plain_text(hit.get("snippet", "")),
    }
    return [neutralise(str(values[column])) for column in CSV_COLUMNS]


def write_csv(hits, url_of: Callable, titles: dict, req: SearchRequest) -> Iterator[str]:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for hit in hits:
        out.writerow(csv_row(hit, url_of(hit)))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_json(hits, url_of: Callable, titles: dict, req: SearchRequest) -> Iterator[str]:
    """`{"query": …, "hits": [...]}` written hit by hit; titles and snippets as plain text."""
    yield '{"query": ' + json.dumps(req.to_query_string()) + ', "description": ' + json.dumps(req.describe())
    yield ', "hits": ['
    for i, hit in enumerate(hits):
        record = dict(hit, url=url_of(hit), title=plain_text(hit.get("title", "")),
                      snippet=plain_text(hit.get("snippet", "")))
        yield ("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]}\n"


def write_ris(hits, url_of: Callable, titles: dict, req: SearchRequest) -> Iterator[str]:
    for hit in hits:
        yield "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in ris_fields(hit, url_of(hit), titles))
        yield "ER  - \r\n\r\n"


def ris_fields(hit: dict, url: str, titles: dict) -> list[tuple[str, str]]:
    when = hit.get("date") or {}
    fields = [("TY", "GEN"), ("ID", hit.get("id", "")), ("TI", plain_text(hit.get("title", "")))]
    fields += [("AU", name) for name in hit.get("senders") or ()]
    if when.get("start"):
        fields += [("PY", when["start"][:4]), ("DA", when["start"].replace("-", "/"))]
    fields += [("T2", titles.get(hit.get("collection", ""), hit.get("collection", ""))),
               ("M1", str(hit.get("number", ""))), ("UR", url)]
    notes = [when.get("label", ""), hit.get("doc_type", ""), _recipients_note(hit), hit.get("classification", ""),
             hit.get("archive", "")]
    fields.append(("N1", "; ".join(n for n in notes if n)))
    return [(tag, value) for tag, value in fields if value]


def _recipients_note(hit: dict) -> str:
    recipients = "; ".join(hit.get("recipients") or ())
    return f"to {recipients}" if recipients else ""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def write_bibtex(hits, url_of: Callable, titles: dict, req: SearchRequest) -> Iterator[str]:
    for hit in hits:
        yield bibtex_entry(hit, url_of(hit), titles) + "\n\n"


def bibtex_entry(hit: dict, url: str, titles: dict) -> str:
    when = hit.get("date") or {}
    fields = [
        ("title", plain_text(hit.get("title", ""))),
        ("author", " and ".join(hit.get("senders") or ())),
        ("year", when.get("start", "")[:4]),
        ("date", when.get("start", "")),
        ("howpublished", titles.get(hit.get("collection", ""), hit.get("collection", ""))),
        ("number", str(hit.get("number", ""))),
        ("url", url),
        ("note", "; ".join(n for n in (when.get("label", ""), hit.get("doc_type", ""), _recipients_note(hit),
                                       hit.get("archive", "")) if n)),
    ]
    key = re.sub(r"[^A-Za-z0-9]+", "-", hit.get("id", "")).strip("-") or "document"
    lines = [f"  {name} = {{{value if name == 'url' else bibtex_escape(value)}}}" for name, value in fields if value]
    return f"@misc{{{key},\n" + ",\n".join(lines) + "\n}"


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#",
    "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in _one_line(text))


WRITERS = {"csv": write_csv, "json": write_json, "ris": write_ris, "bibtex": write_bibtex}
