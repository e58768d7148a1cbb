"""The fixed query mix every engine answers: five kinds of query, each plain, with a date range, with two facets.

Queries are written in kwarchive's query language; the peers (`bench.fts5`, `bench.tantivy_engine`) read them
through `query_parts` and index a record's facets as `facet_values` says. Each class holds several queries so
repetitions can cycle through distinct requests rather than hit a result cache.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {
    "word": ("armistice", "aviation", "Seoul", "ammunition"),
    "words": ("prisoners exchange negotiations", "air force Manchuria", "ammunition volunteers supply",
              "Kaesong talks delegation"),
    "phrase": ('"38th parallel"', '"Security Council"', '"air force"', '"prisoners of war"'),
    "variant": ("Shtikov", "Vishinsky", "Razubayev", "Filippov"),
    "prefix": ("armist*", "negotiat*", "volunt*", "aviat*"),
}
VARIANTS = ("plain", "dates", "facets")
DATE_FROM, DATE_TO = "1950-06", "1951-12"
# Two facets whose values are common in the real corpus, so filtered queries still have work to do.
FACET_FILTERS = (("type", ("telegram",)), ("year", ("1951",)))
COUNTED_FACETS = ("type", "sender", "person", "year")
PER_PAGE = 10
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    variant: str
    q: str
    date_from: str = ""
    date_to: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def query_class(self) -> str:
        return f"{self.kind}/{self.variant}"

    def args(self) -> dict[str, list[str]]:
        """URL parameters, the form both `SearchRequest.from_args` and the HTTP API take."""
        args: dict[str, list[str]] = {"q": [self.q], "per_page": [str(PER_PAGE)]}
        for name, values in self.filters:
            args[name] = list(values)
        if self.date_from:
            args["from"] = [self.date_from]
        if self.date_to:
            args["to"] = [self.date_to]
        return args


def query_mix() -> list[BenchQuery]:
    return [_query(kind, variant, q) for kind, queries in KINDS.items() for variant in VARIANTS for q in queries]


def by_class(queries: list[BenchQuery]) -> dict[str, list[BenchQuery]]:
    classes: dict[str, list[BenchQuery]] = {}
    for query in queries:
        classes.setdefault(query.query_class, []).append(query)
    return classes


def _query(kind: str, variant: str, q: str) -> BenchQuery:
    if variant == "dates":
        return BenchQuery(kind, variant, q, date_from=DATE_FROM, date_to=DATE_TO)
    if variant == "facets":
        return BenchQuery(kind, variant, q, filters=FACET_FILTERS)
    return BenchQuery(kind, variant, q)


def query_parts(query: BenchQuery, authority) -> list[tuple[str, str]]:
    """What a peer must match, as (kind, text) OR-ed together: kind is "phrase" (words in order; a single word
    is a one-word phrase) or "prefix". A name variant becomes every spelling the authority lists for it."""
    if query.kind == "variant":
        entry = authority.resolve(query.q)
        forms = entry.forms if entry else (query.q,)
        return [("phrase", form) for form in dict.fromkeys(forms)]
    parts = []
    for phrase, word in _PHRASE_OR_WORD.findall(query.q):
        if phrase:
            parts.append(("phrase", phrase))
        elif word.endswith("*"):
            parts.append(("prefix", word[:-1]))
        else:
            parts.append(("phrase", word))
    return parts


FACET_NAMES = ("type", "sender", "recipient", "person", "place", "classification", "archive", "collection",
               "language", "year")


def facet_values(doc) -> dict[str, tuple[str, ...]]:
    """A record's values per facet (FACET_NAMES, as kwarchive's URL parameters name them): what the peers index."""
    return dict(zip(FACET_NAMES, (
        _present(doc.doc_type), doc.senders, doc.recipients, doc.people, doc.places, _present(doc.classification),
        _present(doc.archive.repository), _present(doc.collection), _present(doc.language), years(doc))))


def years(doc) -> tuple[str, ...]:
    if not doc.date.is_dated:
        return ()
    return tuple(str(y) for y in range(int(doc.date.start[:4]), int(doc.date.end[:4]) + 1))


def day_number(bound: str, end: bool) -> int:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first (or last) day it covers, YYYYMMDD."""
    parts = bound.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
    day = int(parts[2]) if len(parts) > 2 else (31 if end else 1)
    return year * 10000 + month * 100 + day


def _present(value: str) -> tuple[str, ...]:
    return (value,) if value else ()
