"""The fixed query mix both engines answer: five kinds of query, each plain, with a date range, with two facets.

Queries are written in kwarchive's query language; `bench.fts5` translates them for SQLite. Each class holds
several queries so repetitions can cycle through distinct requests rather than hit a result cache.
"""
from __future__ import annotations

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
