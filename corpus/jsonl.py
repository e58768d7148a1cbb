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
    problems: list[Problem] = []
    documents = [doc for _line, doc in iter_documents(path, manifest, problems)]
    return documents, problems


def iter_documents(path: Path, manifest: Manifest, problems: list[Problem], start: int = 0, stop: int = -1,
                   first_line: int = 1, wanted: frozenset[int] | None = None) -> Iterator[tuple[int, Document]]:
    """The good records of the lines between byte offsets `start` and `stop` (-1: the end), one at a time with
    their line number (the first is `first_line`); a Problem in `problems` for each bad one.

    `wanted`: only these lines are read (the others are not even decoded), lines an earlier full read yielded:
    a number used again is then not noticed, since the line that used it first is not read."""
    first_use: dict[str, int] = {}  # number → the line that used it first
    for line_no, line in _lines(path, problems, start, stop, first_line, wanted):
        record, errors = _check_record(line, manifest)
        if record is not None and record.number in first_use:
            errors = [("number", f"{record.number} is already used on line {first_use[record.number]}; "
                                 "this record is skipped")]
        problems.extend(Problem(str(path), line_no, name, msg, f"line {line_no}") for name, msg in errors)
        if record is not None and not errors:
            first_use[record.number] = line_no
            yield line_no, record


def _lines(path: Path, problems: list[Problem], start: int, stop: int, first_line: int,
           wanted: frozenset[int] | None = None) -> Iterator[tuple[int, str]]:
    """Non-blank lines, read and decoded one at a time, so that undecodable bytes cost only the line they are on
    and a large file is never held whole.

    Split on newline bytes only: `str.splitlines` would also split inside a record at U+2028 and friends.
    """
    try:
        source = open(path, "rb")
    except OSError as exc:
        problems.append(Problem(str(path), 0, "", f"cannot read: {exc.strerror or exc}", "collection"))
        return
    last = max(wanted, default=0) if wanted is not None else None
    with source:
        source.seek(start)
        position = start
        for line_no, raw in enumerate(source, start=first_line):
            if 0 <= stop <= position or (last is not None and line_no > last):
                break
            position += len(raw)
            if wanted is not None and line_no not in wanted:
                continue
            if position == len(raw) and raw.startswith(b"\xef\xbb\xbf"):  # a BOM, on the file's first line
                raw = raw[3:]
            try:
                line = raw.rstrip(b"\n").decode("utf-8")
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
