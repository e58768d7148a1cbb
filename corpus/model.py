"""The Document record and its parts: frozen so that every stage downstream can trust what it is handed."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

PRECISIONS = ("day", "month", "year", "range", "after", "before", "circa", "unknown")

DOC_TYPES = (
    "telegram", "cable", "letter", "memorandum", "report", "note", "decree", "directive",
    "minutes", "record of conversation", "statement", "speech", "resolution", "article",
    "list", "order", "protocol", "draft", "information", "appeal", "document",
)

CLASSIFICATIONS = ("Top Secret", "Strictly Secret", "Secret", "Confidential")


@dataclass(frozen=True)
class DateRange:
    """A document's date as the range it really covers; start/end are ISO dates or "" when undated."""

    start: str = ""
    end: str = ""
    label: str = ""
    precision: str = "unknown"

    @property
    def is_dated(self) -> bool:
        return bool(self.start and self.end)


@dataclass(frozen=True)
class ArchiveRef:
    """Where the original lies, as parsed from a source note; `raw` keeps the note as written."""

    repository: str = ""
    fond: str = ""
    opis: str = ""
    delo: str = ""
    papka: str = ""
    pages: str = ""
    raw: str = ""


@dataclass(frozen=True)
class Document:
    id: str
    collection: str
    number: str
    title: str = ""
    doc_type: str = ""
    date: DateRange = field(default_factory=DateRange)
    senders: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    senders_raw: tuple[str, ...] = ()
    recipients_raw: tuple[str, ...] = ()
    via_raw: tuple[str, ...] = ()
    classification: str = ""
    archive: ArchiveRef = field(default_factory=ArchiveRef)
    translator: str = ""
    language: str = ""
    original_language: str = ""
    body: str = ""
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists); the jsonl record format.

        Built by hand rather than with `asdict`, which deep-copies and costs ~10x more per record.
        """
        record = {name: getattr(self, name) for name in _FIELD_NAMES}
        for name in _TUPLE_FIELDS:
            record[name] = list(record[name])
        record["date"] = dict(vars(self.date))
        record["archive"] = dict(vars(self.archive))
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "Document":
        """Inverse of to_dict; unknown keys are ignored, missing ones take their empty defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in known}
        values["date"] = DateRange(**(values.get("date") or {}))
        values["archive"] = ArchiveRef(**(values.get("archive") or {}))
        for name in _TUPLE_FIELDS:
            if name in values:
                values[name] = tuple(values[name] or ())
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(Document))
_TUPLE_FIELDS = tuple(
    f.name for f in fields(Document) if str(f.type).startswith("tuple")
)


def document_id(collection: str, number: str) -> str:
    return f"{collection}/{number}"
