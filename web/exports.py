"""All results of a search as CSV, JSON, RIS, BibTeX or CSL-JSON: every matching document, versions included
(what the page counts as documents), streamed page by page, each format with its type and file name. The record
of each document in each format is `web/reference_formats.py`'s."""
from __future__ import annotations

import csv
import io
import json
import logging
import re
import time
from datetime import date
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from flask import Response, current_app, request

from corpus.errors import KwarchiveError
from search.request import SearchRequest
from search.result import doc_url

from web import deadline, manifests, served_generation
from web.export_spool import Entry, Spool
from web.public_url import absolute_url, public_root
from web.reference import Reference, reference
from web.reference_formats import CSV_COLUMNS, bibtex_entry, bibtex_key, csl_item, csv_row, ris_record
from web.services import corpus_dir, get_searcher
from web.shared_dirs import shared_dir
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
ROWS_HEADER = "X-Kwarchive-Rows"
SEND_BLOCK = 64 * 1024
ROW_COST = 100  # an exported row (stored fields, snippet) costs about as much as reading 100 postings
log = logging.getLogger("kwarchive.web")


def file_name(req: SearchRequest, fmt: str) -> str:
    """kwarchive-armistice-1951-20240101.ris: the search's words, ASCII only, then today's date."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(filter(None, (req.q, req.date_from, req.date_to)))).strip("-")
    stem = "-".join(filter(None, ("kwarchive", words[:40].strip("-"), date.today().strftime("%Y%m%d"))))
    return f"{stem}.{EXTENSIONS[fmt]}"


def attachment_headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"}


def export_response(fmt: str, req: SearchRequest) -> Response:
    """The whole export, written within the export budget before its first byte is sent, or a clear error.

    Every row comes from one index generation (pinned until the file is written). The file's length is sent as
    Content-Length and its row count as X-Kwarchive-Rows, so a client can tell a whole file from a cut one; a
    download still running when the budget ends is cut off, which every HTTP client reports as an error. The
    written file is kept in the export spool (web/export_spool.py): the same export asked for again, in any
    worker, is sent from it without being written again.
    """
    budget = float(current_app.config["EXPORT_DEADLINE"])
    deadline.arm(budget, f"The export could not be written within its {budget:g} s budget. Narrow the search (a "
                         "date range, a collection or a type) and export it in parts.", "The export took too long")
    ends = time.monotonic() + budget
    searcher = get_searcher()
    spool = export_spool()
    with searcher.pinned() as generation:
        key = spool.key(generation, fmt, req.to_query_string(), public_root(), manifests.fingerprint(corpus_dir()))
        entry = spool.open(key)
        if entry is None and not spool.keeps:
            entry = write_export(spool, key, fmt, req)
        elif entry is None:
            with spool.writer_turn(key, wait=max(0.0, ends - time.monotonic())):
                entry = spool.open(key) or write_export(spool, key, fmt, req)
    deadline.disarm()
    try:
        check_size(entry.rows)
    except TooLarge:
        entry.handle.close()
        raise
    served_generation.note(generation)
    headers = {"Content-Type": CONTENT_TYPES[fmt], "Content-Length": str(entry.size), ROWS_HEADER: str(entry.rows),
               **attachment_headers(file_name(req, fmt))}
    return Response(send_by(entry.handle, ends, request.full_path), headers=headers, direct_passthrough=True)


def write_export(spool: Spool, key: str, fmt: str, req: SearchRequest) -> Entry:
    """Write every document of the search into the spool (inside `pinned()`, so from one generation)."""
    searcher = get_searcher()
    to_reference = reference_maker()
    total, _, documents = searcher.every_document(req)
    check_size(total)
    with searcher.gate(total * ROW_COST):  # a long export takes a turn like a costly search (web/fairness.py)
        items = ((to_reference(record), hit.to_dict()) for record, hit in documents)
        return spool.write(key, total, (text.encode("utf-8") for text in WRITERS[fmt](items, req)))


def export_spool() -> Spool:
    config = current_app.config
    return Spool(Path(config.get("EXPORT_SPOOL") or shared_dir(config["INDEX"], "exports")),
                 int(config["EXPORT_SPOOL_BYTES"]))


def check_size(total: int) -> None:
    """Refuse an export over the row limit (also one written before the limit was lowered)."""
    limit = int(current_app.config["EXPORT_MAX_ROWS"])
    if total > limit:
        raise TooLarge(f"This search matches {total:,} documents; an export holds at most {limit:,}. Narrow it "
                       "(a date range, a collection or a type) and export it in parts.")


class TooLarge(KwarchiveError):
    """An export that would exceed its documented limit (EXPORT_MAX_ROWS); the message names the limit."""


class DownloadTooSlow(TimeoutError):
    """The client had not taken the whole file when the export budget ended; the connection is cut short (a
    TimeoutError, which the worker treats like any client too slow to take its answer)."""


def send_by(body, ends: float, label: str) -> Iterator[bytes]:
    """The file in blocks; raising when the budget is spent makes gunicorn close the connection mid-file."""
    with body:
        while block := body.read(SEND_BLOCK):
            if time.monotonic() > ends:
                log.warning("export download stopped at its budget: %s", label)
                raise DownloadTooSlow(f"export download ran past EXPORT_DEADLINE: {label}")
            yield block


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
    by_slug = manifests.by_slug(root)
    authority = manifests.authority(root)
    site = public_root()
    return lambda record: reference(record, by_slug.get(record.get("collection", "")), authority,
                                    absolute_url(doc_url(record.get("id", "")), site))


def reference_for(record: dict) -> Reference:
    return reference_maker()(record)


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
