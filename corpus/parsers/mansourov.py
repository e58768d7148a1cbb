"""Mansourov's CWIHP Bulletin translations (documents 7–17) from a web capture.

Each document opens with "Document N: <title>, <date>"; the capture adds download/size lines, page-number bars
and a second copy of document 7's header (with no text under it), all of which are dropped here.
"""
from __future__ import annotations

import re

from corpus.archive import note_translator, split_source_notes
from corpus.dates import parse_date
from corpus.doctypes import detect_classification, detect_doc_type
from corpus.manifest import Manifest
from corpus.model import DateRange, Document, document_id
from corpus.parsers.parties import parse_parties, split_header_clauses

_HEADER = re.compile(r"^Document\s+(\d+)\s*:\s*(.+?)\s*$", re.MULTILINE)
_FURNITURE = re.compile(
    r"^\s*(?:Download\s+[\d.]+\s*[KM]b\.?|Size\s*[\d.]+\s*[KM]b\.?|\d+(?:\s+\d+)+|Share with your friends:?|"
    r"The database is protected by copyright.*|send message|Main page)\s*$",
    re.IGNORECASE,
)


def parse(text: str, manifest: Manifest) -> list[Document]:
    """One Document per numbered document; of repeated numbers the copy with the longest text wins."""
    chosen: dict[str, Document] = {}
    for number, header, chunk in _segments(text):
        document = _document(number, header, chunk, manifest)
        kept = chosen.get(number)
        if kept is None or len(document.body) > len(kept.body):
            chosen[number] = document
    return sorted(chosen.values(), key=lambda d: int(d.number))


def _segments(text: str) -> list[tuple[str, str, str]]:
    matches = list(_HEADER.finditer(text))
    ends = [m.start() for m in matches[1:]] + [len(text)]
    return [(m.group(1), m.group(2), text[m.end():end]) for m, end in zip(matches, ends)]


def _document(number: str, header: str, chunk: str, manifest: Manifest) -> Document:
    lines = [line.rstrip() for line in chunk.splitlines() if not _FURNITURE.match(line)]
    body, archive = split_source_notes("\n".join(lines))
    body = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", body).strip()
    title, date = _title_and_date(header)
    clauses = split_header_clauses(title)
    senders, recipients, via = parse_parties(next((c for c in clauses if " to " in c), ""))
    return Document(
        id=document_id(manifest.slug, number),
        collection=manifest.slug,
        number=number,
        title=title,
        doc_type=detect_doc_type(clauses[0] if clauses else ""),
        date=date,
        senders_raw=senders,
        recipients_raw=recipients,
        via_raw=via,
        classification=detect_classification("\n".join([title] + body.splitlines()[:5])),
        archive=archive,
        translator=note_translator(archive.raw) or manifest.translator,
        language=manifest.language,
        original_language=manifest.original_languages[0] if manifest.original_languages else "",
        body=body,
    )


def _title_and_date(header: str) -> tuple[str, DateRange]:
    """The header's first clause that reads as a date is the document's date; the rest is its title."""
    clauses = split_header_clauses(header)
    for index, clause in enumerate(clauses):
        date = parse_date(clause)
        if date.is_dated:
            return ", ".join(clauses[:index] + clauses[index + 1:]), date
    return header.strip(), DateRange()
