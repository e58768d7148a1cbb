"""An archivist's `documents.jsonl`: each line one record; a bad line is reported and skipped, never fatal."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from corpus.manifest import Manifest
from corpus.model import Document, document_id
from corpus.record_format import normal_number, record_errors


@dataclass(frozen=True)
class Problem:
    """Something wrong in a collection file, located precisely enough to fix by hand."""

    file: str
    line: int
    field: str
    message: str
    skips: str = ""  # what was left out for it: "line 3", "document 12a", "collection"; "" for nothing

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


def read_documents(path: Path, manifest: Manifest) -> tuple[list[Document], list[Problem]]:
    """Every good record of the file, and a Problem for each bad one."""
    documents: list[Document] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}  # number → the line that used it first
    for line_no, line in _lines(path, problems):
        record, errors = _check_record(line, manifest)
        if record is not None and record.number in first_line:
            errors = [("number", f"{record.number} is already used on line {first_line[record.number]}; "
                                 "this record is skipped")]
        problems.extend(Problem(str(path), line_no, name, msg, f"line {line_no}") for name, msg in errors)
        if record is not None and not errors:
            first_line[record.number] = line_no
            documents.append(record)
    return documents, problems


def _lines(path: Path, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    """Non-blank lines, decoded one at a time, so that undecodable bytes cost only the line they are on.

    Split on newline bytes only: `str.splitlines` would also split inside a record at U+2028 and friends.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(str(path), 0, "", f"cannot read: {exc.strerror or exc}", "collection"))
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for line_no, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(str(path), line_no, "", (
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"), f"line {line_no}"))
            continue
        if line.strip():
            yield line_no, line


def _check_record(line: str, manifest: Manifest) -> tuple[Document | None, list[tuple[str, str]]]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [("", f"not valid JSON ({exc.msg} at column {exc.colno})")]
    except RecursionError:
        return None, [("", "not readable: JSON nested too deeply")]
    except ValueError as exc:  # e.g. an integer longer than Python will convert
        return None, [("", f"not readable: {exc}")]
    if not isinstance(raw, dict):
        return None, [("", "a record must be a JSON object")]
    errors = list(_errors(raw, manifest))
    if errors:
        return None, errors
    number = normal_number(raw["number"])
    raw = {**raw, "number": number, "collection": manifest.slug, "id": document_id(manifest.slug, number)}
    raw.setdefault("language", manifest.language)
    raw.setdefault("translator", manifest.translator)
    return Document.from_dict(raw), []


def _errors(raw: dict[str, Any], manifest: Manifest) -> Iterator[tuple[str, str]]:
    yield from record_errors(raw)
    if raw.get("collection") not in (None, "", manifest.slug):
        yield "collection", f"is {str(raw['collection'])[:40]!r} but the folder is {manifest.slug!r}"
