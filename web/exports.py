"""All results of a search as CSV, JSON, RIS, BibTeX or CSL-JSON: every matching document, versions included
(what the page counts as documents), streamed page by page, each format with its type and file name. The record
of each document in each format is `web/reference_formats.py`'s."""
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

from search.request import MAX_PER_PAGE, SearchRequest

from web import collections, names, served_generation
from web.app import corpus_dir, get_searcher
from web.public_url import absolute_url, public_root
from web.reference import Reference, reference
from web.reference_formats import CSV_COLUMNS, bibtex_entry, bibtex_key, csl_item, csv_row, ris_record
from web.templating import plain_text

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bibtex": "application/x-bibtex; charset=utf-8",
    "csljson": "application/vnd.citationstyles.csl+json; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
EXTENSIONS = {"csv": "csv", "json": "json", "ris": "ris", "bibtex": "bib", "csljson": "csl.json", "atom": "atom"}


def iter_documents(searcher, req: SearchRequest) -> Iterator[tuple[dict, dict]]:
    """(record, hit) of every matching document, versions included, page after page at the largest page size.
    The first page is read at once (inside the request, so its generation is noted); the rest as streamed."""
    req = replace(req, page=1, per_page=MAX_PER_PAGE)
    total, found = searcher.documents(req, 0, MAX_PER_PAGE)
    served_generation.note(searcher.generation)
    return _pages(searcher, req, total, found)


def _pages(searcher, req: SearchRequest, total: int, found: list) -> Iterator[tuple[dict, dict]]:
    start = 0
    while True:
        for record, hit in found:
            yield record, hit.to_dict()
        start += len(found)
        if not found or start >= total:
            return
        total, found = searcher.documents(req, start, MAX_PER_PAGE)


def file_name(req: SearchRequest, fmt: str) -> str:
    """kwarchive-armistice-1951-20240101.ris: the search's words, ASCII only, then today's date."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(filter(None, (req.q, req.date_from, req.date_to)))).strip("-")
    stem = "-".join(filter(None, ("kwarchive", words[:40].strip("-"), date.today().strftime("%Y%m%d"))))
    return f"{stem}.{EXTENSIONS[fmt]}"


def attachment_headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"}


def export_response(fmt: str, req: SearchRequest) -> Response:
    to_reference = reference_maker()
    items = ((to_reference(record), hit) for record, hit in iter_documents(get_searcher(), req))
    body = WRITERS[fmt](items, req)
    return Response(body, headers={"Content-Type": CONTENT_TYPES[fmt], **attachment_headers(file_name(req, fmt))})


def records_response(fmt: str, records: list[dict], name: str) -> Response:
    """Given documents (one document, or the selected items) in one format, as a download named `name`."""
    to_reference = reference_maker()
    body = "".join(WRITERS[fmt]([(to_reference(record), {}) for record in records], None))
    return Response(body, headers={"Content-Type": CONTENT_TYPES[fmt],
                                   **attachment_headers(f"{name}.{EXTENSIONS[fmt]}")})


def document_response(fmt: str, record: dict) -> Response:
    """One document as a download (`/doc/<c>/<n>.ris`): the same record the search's exports hold."""
    return records_response(fmt, [record], bibtex_key(record.get("id", "")))


def reference_maker() -> Callable[[dict], Reference]:
    """record → Reference with its collection's manifest, the name authority and its public URL; everything it
    needs from the request is read now, so it can run while a response streams."""
    root = corpus_dir()
    manifests = collections.manifests(root)
    authority = names.load_authority(root)
    site = public_root()
    return lambda record: reference(record, manifests.get(record.get("collection", "")), authority,
                                    absolute_url(doc_path(record.get("id", "")), site))


def reference_for(record: dict) -> Reference:
    return reference_maker()(record)


def doc_path(doc_id: str) -> str:
    collection, _, number = doc_id.partition("/")
    return f"/doc/{quote(collection)}/{quote(number)}"


def write_csv(items, req: SearchRequest | None) -> Iterator[str]:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for ref, hit in items:
        out.writerow(csv_row(ref, plain_text(hit.get("snippet", ""))))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_json(items, req: SearchRequest | None) -> Iterator[str]:
    """`{"query": …, "description": …, "hits": [...]}` written document by document: the hit's fields (titles and
    snippets as plain text) with the record's people, places, translator, archive signature and date precision."""
    req = req or SearchRequest()
    yield '{"query": ' + json.dumps(req.to_query_string()) + ', "description": ' + json.dumps(req.describe())
    yield ', "hits": ['
    for i, (ref, hit) in enumerate(items):
        entry = dict(hit, id=ref.id, url=ref.url, title=plain_text(hit.get("title", "")) or ref.title,
                     snippet=plain_text(hit.get("snippet", "")),
                     date={"start": ref.date.start, "end": ref.date.end, "label": ref.date.label,
                           "precision": ref.date.precision},
                     people=list(ref.people), places=list(ref.places),
                     translator=[c.natural for c in ref.translators],
                     archive={"repository": ref.archive, "signature": ref.archive_location})
        yield ("," if i else "") + "\n" + json.dumps(entry, ensure_ascii=False)
    yield "\n]}\n"


def write_ris(items, req: SearchRequest | None) -> Iterator[str]:
    for ref, _ in items:
        yield ris_record(ref) + "\r\n"


def write_bibtex(items, req: SearchRequest | None) -> Iterator[str]:
    for ref, _ in items:
        yield bibtex_entry(ref) + "\n\n"


def write_csl_json(items, req: SearchRequest | None) -> Iterator[str]:
    """A CSL-JSON array (what citeproc-js, pandoc and Zotero's "CSL JSON" import read)."""
    yield "["
    for i, (ref, _) in enumerate(items):
        yield ("," if i else "") + "\n" + json.dumps(csl_item(ref), ensure_ascii=False)
    yield "\n]\n"


WRITERS = {"csv": write_csv, "json": write_json, "ris": write_ris, "bibtex": write_bibtex,
           "csljson": write_csl_json}
