"""The catalogue page of "The Korean War in Secret Documents": numbered entries and a few quoted excerpts.

An entry is a head line "#001 Telegram from Shtikov to Vyshinsky: (Top Secret)" and a title line ending with its
date "(May 15, 1949)". Excerpts end with '---From "#161 <head and title>"'; some entries appear only there.
Every numbered entry becomes one record; an excerpt is its entry's body, and entries without one have an empty
body (the page gives no more). Marketing text, chapter headings and the stray '"syncopation"' lines are skipped.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from corpus.dates import parse_date
from corpus.doctypes import detect_classification, detect_doc_type
from corpus.manifest import Manifest
from corpus.model import DateRange, Document, document_id
from corpus.parsers.parties import parse_parties

LANGUAGES_FILE = Path(__file__).with_suffix(".toml")

_ENTRY = re.compile(r"^#(\d{3})\s+(.*\S)\s*$")
_EXCERPT_SOURCE = re.compile(r'^---From\s+"#(\d{3})\s+(.*)"\s*$')
_EXCERPTS_START = re.compile(r"^Into the book\s*$")
_DATE = re.compile(r"\s*\(([A-Z][a-z]+\s+\d{1,2},\s+\d{4})\)\s*$")
_CLASSIFICATION = re.compile(r"\s*\((?:Top Secret|Strictly Secret|Secret|Confidential)\)\s*", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\((?:draft|summary)\)", re.IGNORECASE)
_TYPE_PREFIX = re.compile(r"^(Telegram|Letter|Memorandum|Report|Note|Cable)\s*:\s*", re.IGNORECASE)
# Catalogue words the shared vocabulary lookup does not know.
_EXTRA_TYPES = (("resolution", r"\bdecision\b"), ("note", r"\b(?:remarks|comments)\b"), ("document", r"^document\b"))
_SUBMITTED = re.compile(r"\bsubmitted\s+(?:to\s+(?P<r>.+?)\s+)?by\s+(?P<s>.+?)(?:\s+to\s+(?P<r2>.+))?$",
                        re.IGNORECASE)
_POSSESSIVE = re.compile(r"^(?P<s>[^'’]+?)['’]s\s+(?P<what>.+?)(?:\s+to\s+(?P<r>.+))?$")
_ISSUED_BY = re.compile(r"^(?:Report|Resolution|Decision)\s+of\s+(?P<s>.+)$", re.IGNORECASE)
_COMMA_NAMED = re.compile(r"^(?P<s>[^,]+),\s+(?:Speech|Report|Statement|Memorandum)\b", re.IGNORECASE)
_NAMED_FIRST = re.compile(r"^(?P<s>[^,'’]+?)\s+(?:Report|Memorandum)\s+on\b")
# A head that only says what the entry is about ("Regarding the passage of …") names neither type nor parties.
_SUBJECT_ONLY = re.compile(r"^(?:Regarding|Concerning|On)\b", re.IGNORECASE)


def parse(text: str, manifest: Manifest) -> list[Document]:
    """One record per entry number, catalogue metadata first, the excerpt as body."""
    lines = text.splitlines()
    split = next((i for i, line in enumerate(lines) if _EXCERPTS_START.match(line)), len(lines))
    entries = _catalogue(lines[:split])
    excerpts = _excerpts(lines[split + 1:])
    for number, (head, body) in excerpts.items():
        entries.setdefault(number, (head, ""))
    documents = [_document(number, head, title_line, excerpts.get(number, ("", ""))[1], manifest)
                 for number, (head, title_line) in entries.items()]
    return sorted(documents, key=lambda d: int(d.number))


def _catalogue(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Entry number → (head line, title line); the title line is the first line after the head to end in a date."""
    entries = {}
    for index, line in enumerate(lines):
        match = _ENTRY.match(line.strip())
        if not match:
            continue
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _DATE.search(match.group(2)) or not _DATE.search(following):
            following = ""
        entries[str(int(match.group(1)))] = (match.group(2), following)
    return entries


def _excerpts(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Entry number → (head as quoted, excerpt text) for every quotation attributed to a numbered entry."""
    found, block = {}, []
    for line in lines:
        match = _EXCERPT_SOURCE.match(line.strip())
        if match:
            found[str(int(match.group(1)))] = (match.group(2), "\n".join(block))
        if line.strip().startswith("---From"):
            block = []
        elif line.strip():
            block.append(line.strip())
    return found


def _document(number: str, head: str, title_line: str, body: str, manifest: Manifest) -> Document:
    classification = detect_classification(head)
    descriptor, _, remainder = _CLASSIFICATION.sub(" ", head).partition(":")
    descriptor = _QUALIFIER.sub("", descriptor).strip()
    remainder, title_line, date = _take_date(remainder.strip(), title_line.strip())
    type_prefix = _TYPE_PREFIX.match(title_line)
    title_line = _TYPE_PREFIX.sub("", title_line)
    senders, recipients = ((), ()) if _SUBJECT_ONLY.match(descriptor) else _parties(descriptor)
    doc_type = ("" if _SUBJECT_ONLY.match(descriptor) else _doc_type(descriptor)) or (detect_doc_type(type_prefix.group(1)) if type_prefix else "")
    return Document(
        id=document_id(manifest.slug, number),
        collection=manifest.slug,
        number=number,
        title=_title(descriptor, remainder, title_line, bool(doc_type or senders)),
        doc_type=doc_type,
        date=date,
        senders_raw=senders,
        recipients_raw=recipients,
        classification=classification,
        translator=manifest.translator,
        language=manifest.language,
        original_language=original_language(senders),
        body=body,
    )


def _take_date(remainder: str, title_line: str) -> tuple[str, str, DateRange]:
    """Strip the trailing "(Month D, YYYY)" from whichever part carries it and parse it."""
    for part in ("title_line", "remainder"):
        text = title_line if part == "title_line" else remainder
        match = _DATE.search(text)
        if match:
            stripped = text[:match.start()].strip()
            date = parse_date(match.group(1))
            return (remainder, stripped, date) if part == "title_line" else (stripped, title_line, date)
    return remainder, title_line, DateRange()


def _title(descriptor: str, remainder: str, title_line: str, descriptor_is_head: bool) -> str:
    """The catalogue's title; words after the head's colon run on into the title line."""
    parts = [part for part in (remainder, title_line) if part]
    if not descriptor_is_head or not parts:
        parts.insert(0, descriptor)
    title = parts[0]
    for part in parts[1:]:
        title += " " + part if re.search(r"[.!?:]$", title) else ": " + part
    return title


def _doc_type(descriptor: str) -> str:
    """The type the head names, ignoring what it comments on ("comments on Nie Yingzhen's report")."""
    own = re.split(r"\s+on\s+", descriptor, maxsplit=1)[0]
    for name, pattern in _EXTRA_TYPES:
        if re.search(pattern, own, re.IGNORECASE):
            return name
    return detect_doc_type(own)


def _parties(descriptor: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    descriptor = re.sub(r"^(?:A|An|The)\s+", "", descriptor)
    submitted = _SUBMITTED.search(descriptor)
    if submitted:
        return _names(submitted.group("s")), _names(submitted.group("r") or submitted.group("r2") or "")
    if re.search(r"\bfrom\b.+\bto\b", descriptor):
        return parse_parties(descriptor)[:2]
    comma_named = _COMMA_NAMED.match(descriptor)
    if comma_named:
        return _names(comma_named.group("s")), ()
    possessive = _POSSESSIVE.match(descriptor)
    if possessive:
        return _names(possessive.group("s")), _names(possessive.group("r") or "")
    for pattern in (_ISSUED_BY, _NAMED_FIRST):
        match = pattern.match(descriptor)
        if match:
            return _names(match.group("s")), ()
    return parse_parties(descriptor)[:2]


def _names(text: str) -> tuple[str, ...]:
    return parse_parties(f"{text} to x")[0] if text.strip() else ()


def original_language(senders: tuple[str, ...]) -> str:
    """The language the first recognisable sender wrote in, from the table beside this module."""
    table = _language_table()
    for sender in senders:
        for language, words in table:
            if any(re.search(rf"\b{re.escape(word)}\b", sender, re.IGNORECASE) for word in words):
                return language
    return ""


@lru_cache(maxsize=1)
def _language_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = tomllib.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))["original_language"]
    return tuple((language, tuple(words)) for language, words in raw.items())
