"""The record format: what every record must be before it enters the corpus, whether read from an archivist's
`documents.jsonl` or made by a parser. One table of rules, checked field by field, so a bad record is reported
with the field that is wrong and skipped, never passed on to crash a later stage.

Hand-written rather than a schema library: the rules are a short table, the checks run on every record of a
100,000-document load (microseconds each), and the messages name the archive's own fields.
"""
from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from typing import Any, Iterator

from corpus.model import CLASSIFICATIONS, DOC_TYPES, PRECISIONS, ArchiveRef, DateRange, Document

# Document numbers as the collections print them: digits with an optional letter suffix ("12", "12a"). Being
# ASCII-only they are safe in a URL path segment and in a Whoosh id term as they stand.
NUMBER = re.compile(r"[0-9]{1,9}[A-Za-z]?")
NUMBER_RULE = "digits with an optional letter suffix, like 12 or 12a (at most 9 digits)"
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47 style: "en", "ru", "zh-Hant"
MAX_TEXT = 5_000  # characters in a title, a name, a label, an archive field
MAX_BODY = 10_000_000  # characters in a document's text
MAX_ITEMS = 1_000  # names in a list field
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_LIST_FIELDS = tuple(f.name for f in fields(Document) if str(f.type).startswith("tuple"))
_TEXT_FIELDS = tuple(f.name for f in fields(Document) if f.type == "str" and f.name not in ("id", "number"))
_KNOWN_FIELDS = frozenset(f.name for f in fields(Document))
_DATE_KEYS = tuple(f.name for f in fields(DateRange))
_ARCHIVE_KEYS = tuple(f.name for f in fields(ArchiveRef))
_ALLOWED = {"doc_type": DOC_TYPES, "classification": CLASSIFICATIONS}

Errors = Iterator[tuple[str, str]]  # (field, message)


def number_error(value: Any) -> str | None:
    """Why `value` cannot be a document number, or None when it can (after `normal_number`)."""
    if value is None:
        return f"required: {NUMBER_RULE}"
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return f"must be {NUMBER_RULE}; got {_kind(value)}"
    text = str(value).strip()
    if not NUMBER.fullmatch(text):
        return f"must be {NUMBER_RULE}; got {_shown(text)}"
    return None


def normal_number(value: str | int) -> str:
    """The number as the id and URL use it: JSON integers become text, surrounding spaces go."""
    return str(value).strip()


def record_errors(record: dict[str, Any]) -> Errors:
    """Every way a record (the jsonl form, as `Document.to_dict` writes it) breaks the format."""
    error = number_error(record.get("number"))
    if error:
        yield "number", error
    for name in record:
        if name not in _KNOWN_FIELDS:
            yield _shown(name), f"unknown field (known: {', '.join(sorted(_KNOWN_FIELDS))})"
    for name in _TEXT_FIELDS:
        if name in record:
            yield from _text_errors(name, record[name], MAX_BODY if name == "body" else MAX_TEXT)
    for name in _LIST_FIELDS:
        if name in record:
            yield from _list_errors(name, record[name])
    yield from _object_errors("archive", record.get("archive"), _ARCHIVE_KEYS)
    yield from _date_errors(record.get("date"))


def language_error(value: str) -> str | None:
    if value and not LANGUAGE.fullmatch(value):
        return f"must be a language code like en, ru or zh-Hant; got {_shown(value)}"
    return None


def text_error(value: Any, limit: int = MAX_TEXT) -> str | None:
    """Why `value` is not acceptable text: not a string, too long, or not encodable (a lone surrogate)."""
    if not isinstance(value, str):
        return f"must be a string; got {_kind(value)}"
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    bad = _SURROGATE.search(value)
    if bad:
        return f"contains an unpaired surrogate (\\u{ord(bad.group()):04x}) at character {bad.start() + 1}"
    return None


def _text_errors(name: str, value: Any, limit: int) -> Errors:
    error = text_error(value, limit)
    if error:
        yield name, error
        return
    if name in _ALLOWED and value and value not in _ALLOWED[name]:
        yield name, f"must be one of {', '.join(_ALLOWED[name])} (or empty); got {_shown(value)}"
    elif name in ("language", "original_language"):
        error = language_error(value)
        if error:
            yield name, error


def _list_errors(name: str, value: Any) -> Errors:
    if not isinstance(value, list):
        yield name, f"must be a list of strings; got {_kind(value)}"
        return
    if len(value) > MAX_ITEMS:
        yield name, f"has {len(value):,} entries; at most {MAX_ITEMS:,} are allowed"
        return
    for position, item in enumerate(value, 1):
        error = text_error(item)
        if error:
            yield f"{name}[{position}]", error
            return


def _object_errors(name: str, value: Any, keys: tuple[str, ...]) -> Errors:
    if value is None:
        return
    if not isinstance(value, dict):
        yield name, f"must be an object; got {_kind(value)}"
        return
    for key, item in value.items():
        if key not in keys:
            yield f"{name}.{_shown(key)}", f"unknown key (known: {', '.join(keys)})"
            continue
        error = text_error(item)
        if error:
            yield f"{name}.{key}", error


def _date_errors(value: Any) -> Errors:
    problems = list(_object_errors("date", value, _DATE_KEYS))
    yield from problems
    if problems or value is None:
        return
    for key in ("start", "end"):
        text = value.get(key, "")
        if text:
            try:
                date.fromisoformat(text)
            except ValueError:
                problems.append((f"date.{key}", f"expected an ISO date YYYY-MM-DD, got {_shown(text)}"))
    precision = value.get("precision", "unknown")
    if precision not in PRECISIONS:
        problems.append(("date.precision", f"must be one of {', '.join(PRECISIONS)}; got {_shown(precision)}"))
    yield from problems
    if problems:
        return
    start, end = value.get("start", ""), value.get("end", "")
    if bool(start) != bool(end):
        yield "date", "start and end must both be given or both be empty"
    elif start > end:
        yield "date", "start is after end"


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", bool: "true/false", type(None): "null", int: "a number",
             float: "a number", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _shown(text: str, limit: int = 40) -> str:
    """`text` quoted for a message, shortened, with control characters and surrogates escaped."""
    short = text if len(text) <= limit else text[:limit] + "…"
    return repr(short)
