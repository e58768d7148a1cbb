"""An archivist's `documents.jsonl`: each line one record; a bad line is reported and skipped, never fatal."""
from __future__ import annotations

import json
from datetime import date
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterator

from corpus.manifest import Manifest
from corpus.model import ArchiveRef, DateRange, Document, document_id

_STRING_FIELDS = tuple(
    f.name for f in fields(Document) if f.type == "str" and f.name not in ("id", "collection", "number")
)
_LIST_FIELDS = tuple(f.name for f in fields(Document) if str(f.type).startswith("tuple"))
_DATE_KEYS = tuple(f.name for f in fields(DateRange))
_ARCHIVE_KEYS = tuple(f.name for f in fields(ArchiveRef))


@dataclass(frozen=True)
class Problem:
    """Something wrong in a collection file, located precisely enough to fix by hand."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


def read_documents(path: Path, manifest: Manifest) -> tuple[list[Document], list[Problem]]:
    """Every good record of the file, and a Problem for each bad one."""
    documents: list[Document] = []
    problems: list[Problem] = []
    for line_no, line in _lines(path, problems):
        record, errors = _check_record(line, manifest)
        problems.extend(Problem(str(path), line_no, name, msg) for name, msg in errors)
        if record is not None and not errors:
            documents.append(record)
    return documents, problems


def _lines(path: Path, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), 0, "", f"cannot read: {exc}"))
        return
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield line_no, line


def _check_record(line: str, manifest: Manifest) -> tuple[Document | None, list[tuple[str, str]]]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [("", f"not valid JSON ({exc.msg} at column {exc.colno})")]
    if not isinstance(raw, dict):
        return None, [("", "a record must be a JSON object")]
    errors = list(_field_errors(raw, manifest))
    if errors:
        return None, errors
    number = str(raw["number"]).strip()
    raw = {**raw, "number": number, "collection": manifest.slug,
           "id": document_id(manifest.slug, number)}
    raw.setdefault("language", manifest.language)
    raw.setdefault("translator", manifest.translator)
    return Document.from_dict(raw), []


def _field_errors(raw: dict[str, Any], manifest: Manifest) -> Iterator[tuple[str, str]]:
    number = raw.get("number")
    if not isinstance(number, (str, int)) or isinstance(number, bool) or not str(number).strip():
        yield "number", "required: a non-empty string or integer"
    elif "/" in str(number):
        yield "number", "must not contain '/'"
    if raw.get("collection") not in (None, "", manifest.slug):
        yield "collection", f"is {raw['collection']!r} but the folder is {manifest.slug!r}"
    for name in _STRING_FIELDS:
        if name in raw and not isinstance(raw[name], str):
            yield name, "must be a string"
    for name in _LIST_FIELDS:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            yield name, "must be a list of strings"
    yield from _object_errors(raw, "date", _DATE_KEYS)
    yield from _object_errors(raw, "archive", _ARCHIVE_KEYS)
    yield from _date_errors(raw.get("date"))


def _object_errors(raw: dict[str, Any], name: str, keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        yield name, "must be an object"
        return
    for key, item in value.items():
        if key not in keys:
            yield f"{name}.{key}", f"unknown key (known: {', '.join(keys)})"
        elif not isinstance(item, str):
            yield f"{name}.{key}", "must be a string"


def _date_errors(value: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(value, dict):
        return
    for key in ("start", "end"):
        text = value.get(key, "")
        if isinstance(text, str) and text:
            try:
                date.fromisoformat(text)
            except ValueError:
                yield f"date.{key}", f"expected an ISO date YYYY-MM-DD, got {text!r}"
    if bool(value.get("start")) != bool(value.get("end")):
        yield "date", "start and end must both be given or both be empty"
    elif value.get("start", "") > value.get("end", ""):
        yield "date", "start is after end"
