"""The Whoosh schema and the mapping of a Document onto its fields.

Facet fields (one per `index/facets.py` entry) hold exact canonical values (names contain spaces and commas), so several values are joined with
a separator no value contains (U+001F) and split back by `ValuesTokenizer`; search filters with
``Term(field, "Joseph Stalin")``. `reference` holds the archive reference as keys from the archive down to each
page (`corpus.archive.reference_keys`), so a pasted citation finds its documents.
"""
from __future__ import annotations

from array import array

from whoosh import fields, formats
from whoosh.system import pack_uint
from whoosh.analysis import Tokenizer
from whoosh.analysis.acore import Token

from corpus.archive import reference_keys
from corpus.hashes import record_json
from corpus.model import Document
from index.analysis import make_analyzer
from index.facets import FACETS

SEPARATOR = "\x1f"
_COUNT_SIZE = len(pack_uint(0))  # bytes of the occurrence count heading an `OffsetsFormat` value
_TRIPLE_SIZE = 12  # bytes of one occurrence: int32 pos, startchar, endchar
TITLE_BOOST = 3.0

class ValuesTokenizer(Tokenizer):
    """One token per separator-joined value, unchanged: facet values are matched exactly."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        parts = value.split(SEPARATOR) if tokenize else [value]
        for i, part in enumerate(p for p in parts if p):
            yield Token(text=part, pos=start_pos + i, boost=1.0, stopped=False, removestops=removestops,
                        positions=positions, chars=chars, mode=mode)


class OffsetsFormat(formats.Characters):
    """Whoosh's `Characters` (positions plus character spans per posting) with a cheaper encoding.

    A value is the occurrence count then flat int32 triples (pos, startchar, endchar): no pickling at index time,
    and decoding is one `array.frombytes`. Postings come straight from `IcuAnalyzer.postings`, already packed, when
    the analyzer has it, so indexing creates no Token objects.
    """

    def word_values(self, value, analyzer, **kwargs):
        fast = getattr(analyzer, "postings", None)
        if fast is None or kwargs.get("mode", "index") not in ("index", ""):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text, triples in fast(value).items():
            count = len(triples) // _TRIPLE_SIZE
            yield text, count, count * boost, pack_uint(count) + triples

    def index_terms(self, value, analyzer) -> list[tuple[bytes, int, float, bytes]] | None:
        """What `FieldType.index` yields for `value` — (term as UTF-8, frequency, weight, value) per term — as one
        list, for `FastSegmentWriter`; None when the analyzer has no `postings`."""
        fast = getattr(analyzer, "postings", None)
        if fast is None or not isinstance(value, str):
            return None
        boost = self.field_boost
        return [(text.encode("utf-8"), count, count * boost, stored)
                for text, stored in fast(value, counted=True).items()
                for count in ((len(stored) - _COUNT_SIZE) // _TRIPLE_SIZE,)]

    def encode(self, poslist):
        return self.pack([n for occurrence in poslist for n in occurrence])

    @staticmethod
    def pack(flat: list[int]) -> bytes:
        """The value of one posting from its flat (pos, startchar, endchar) triples."""
        return pack_uint(len(flat) // 3) + array("i", flat).tobytes()

    @staticmethod
    def _triples(valuestring) -> array:
        flat = array("i")
        flat.frombytes(valuestring[_COUNT_SIZE:_COUNT_SIZE + (len(valuestring) - _COUNT_SIZE) // _TRIPLE_SIZE * _TRIPLE_SIZE])
        return flat

    def decode_characters(self, valuestring):
        flat = self._triples(valuestring)
        return list(zip(flat[0::3], flat[1::3], flat[2::3]))

    def decode_positions(self, valuestring):
        return self._triples(valuestring)[0::3].tolist()

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]


def _text_field(analyzer, **boost) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, phrase=True, chars=True, stored=True, **boost)
    field.format = OffsetsFormat(field_boost=field.format.field_boost)
    return field


def _facet_field(stored: bool = False) -> fields.KEYWORD:
    return fields.KEYWORD(stored=stored, scorable=False, analyzer=ValuesTokenizer())


def make_schema(authority=None) -> fields.Schema:
    analyzer = make_analyzer(authority)
    facets = {spec.field: _facet_field() for spec in FACETS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        number=fields.ID(stored=True),
        title=_text_field(analyzer, field_boost=TITLE_BOOST),
        body=_text_field(analyzer),
        date_start=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        date_end=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        date_label=fields.STORED(),
        versions=_facet_field(stored=False),
        reference=_facet_field(),
        content_hash=fields.ID(stored=True),
        record=fields.STORED(),
        **facets,
    )


def date_int(iso: str) -> int:
    """YYYY-MM-DD as the int YYYYMMDD; 0 when undated."""
    return int(iso.replace("-", "")) if iso else 0


def document_fields(doc: Document, content_hash: str, record: str | None = None) -> dict:
    """The keyword arguments for `writer.add_document`; `record`: `record_json(doc)`, when already made."""
    values = {spec.field: SEPARATOR.join(spec.read(doc)) for spec in FACETS}
    return {
        "id": doc.id,
        "number": doc.number,
        "title": doc.title,
        "body": doc.body,
        "date_start": date_int(doc.date.start),
        "date_end": date_int(doc.date.end),
        "date_label": doc.date.label,
        "versions": SEPARATOR.join(doc.versions),
        "reference": SEPARATOR.join(reference_keys(doc.archive) + reference_keys(doc.archive, repository=False)),
        "content_hash": content_hash,
        "record": record_json(doc) if record is None else record,
        **{name: value for name, value in values.items() if value},
    }

