"""The Whoosh schema and the mapping of a Document onto its fields.

Facet fields hold exact canonical values (names contain spaces and commas), so several values are joined with
a separator no value contains (U+001F) and split back by `ValuesTokenizer`; search filters with
``Term(field, "Joseph Stalin")``.
"""
from __future__ import annotations

import json

from whoosh import fields
from whoosh.analysis import Tokenizer
from whoosh.analysis.acore import Token

from corpus.model import Document
from index.analysis import make_analyzer

SEPARATOR = "\x1f"
TITLE_BOOST = 3.0

# Facet field name -> how to read its values from a Document.
FACETS = {
    "doc_type": lambda d: _one(d.doc_type),
    "senders": lambda d: d.senders,
    "recipients": lambda d: d.recipients,
    "people": lambda d: d.people,
    "places": lambda d: d.places,
    "classification": lambda d: _one(d.classification),
    "archive": lambda d: _one(d.archive.repository),
    "collection": lambda d: _one(d.collection),
    "language": lambda d: _one(d.language),
    "years": lambda d: tuple(str(y) for y in years_overlapped(d)),
}


class ValuesTokenizer(Tokenizer):
    """One token per separator-joined value, unchanged: facet values are matched exactly."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        parts = value.split(SEPARATOR) if tokenize else [value]
        for i, part in enumerate(p for p in parts if p):
            yield Token(text=part, pos=start_pos + i, boost=1.0, stopped=False, removestops=removestops,
                        positions=positions, chars=chars, mode=mode)


def _facet_field(stored: bool = False) -> fields.KEYWORD:
    return fields.KEYWORD(stored=stored, scorable=False, analyzer=ValuesTokenizer())


def make_schema(authority=None) -> fields.Schema:
    analyzer = make_analyzer(authority)
    facets = {name: _facet_field() for name in FACETS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        number=fields.ID(stored=True),
        title=fields.TEXT(analyzer=analyzer, phrase=True, chars=True, stored=True, field_boost=TITLE_BOOST),
        body=fields.TEXT(analyzer=analyzer, phrase=True, chars=True, stored=True),
        date_start=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        date_end=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        date_label=fields.STORED(),
        versions=_facet_field(stored=False),
        content_hash=fields.ID(stored=True),
        record=fields.STORED(),
        **facets,
    )


def date_int(iso: str) -> int:
    """YYYY-MM-DD as the int YYYYMMDD; 0 when undated."""
    return int(iso.replace("-", "")) if iso else 0


def years_overlapped(doc: Document) -> range:
    if not doc.date.start or not doc.date.end:
        return range(0)
    return range(int(doc.date.start[:4]), int(doc.date.end[:4]) + 1)


def document_fields(doc: Document, content_hash: str) -> dict:
    """The keyword arguments for `writer.add_document`."""
    values = {name: SEPARATOR.join(read(doc)) for name, read in FACETS.items()}
    return {
        "id": doc.id,
        "number": doc.number,
        "title": doc.title,
        "body": doc.body,
        "date_start": date_int(doc.date.start),
        "date_end": date_int(doc.date.end),
        "date_label": doc.date.label,
        "versions": SEPARATOR.join(doc.versions),
        "content_hash": content_hash,
        "record": json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True),
        **{name: value for name, value in values.items() if value},
    }


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()
