"""The facet registry: every facet declared once, every facet table in the project derived from it.

A facet is a list of exact values per document (a sender's canonical name, a document type, a year) that users
count and filter by. `FacetSpec` says where a facet's values come from (`read`, a Document → values), where they
are kept (`field`: the index field and the column of the same name), how users name it (`name`: the URL parameter,
the API key and the query-language field, plus `aliases` in the query language), whether its values are
authority names (looked up in any spelling), and how it is shown (`title`, the `phrase` that describes a
selection in plain words, `value_order`). `FACETS` is in display order.

Adding or renaming a facet is one line here (and `kwarchive reindex`): the schema, the columns, request parsing,
the query language, counting, the search page and the OpenAPI parameters all read this tuple. The registry sits
in `index/` because the schema and columns are the first stage that needs it; `search/` and `web/` derive
from it. It imports nothing but `corpus.model`, so the pure query syntax can use it without Whoosh.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from corpus.model import Document


@dataclass(frozen=True)
class FacetSpec:
    """One facet, everything each stage needs to know about it."""

    name: str  # URL parameter, API facet key and query-language field: `type=telegram`, `type:telegram`
    field: str  # index field and column holding the values
    read: Callable[[Document], tuple[str, ...]]  # the document's values, exact (canonical names for `authority`)
    title: str  # heading in the page's sidebar and in chips ("Type: telegram")
    phrase: str  # a selection in plain words, `{}` standing for the values ("sent by {}")
    aliases: tuple[str, ...] = ()  # further query-language field names (`from:` for `sender:`)
    authority: bool = False  # values are name-authority canonical names: a user's value resolves in any spelling
    value_order: Literal["count", "value"] = "count"  # values listed by count (then A–Z), or by value

    @property
    def query_fields(self) -> tuple[str, ...]:
        """The query-language field names that search this facet."""
        return (self.name, *self.aliases)


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def years_overlapped(doc: Document) -> range:
    """Every calendar year a document's date range touches (none when undated)."""
    if not doc.date.start or not doc.date.end:
        return range(0)
    return range(int(doc.date.start[:4]), int(doc.date.end[:4]) + 1)


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("collection", "collection", lambda d: _one(d.collection), "Collection", "in the collection {}"),
    FacetSpec("type", "doc_type", lambda d: _one(d.doc_type), "Type", "of type {}"),
    FacetSpec("sender", "senders", lambda d: d.senders, "Sender", "sent by {}", aliases=("from",), authority=True),
    FacetSpec("recipient", "recipients", lambda d: d.recipients, "Recipient", "addressed to {}", aliases=("to",),
              authority=True),
    FacetSpec("person", "people", lambda d: d.people, "People mentioned", "mentioning {}", authority=True),
    FacetSpec("place", "places", lambda d: d.places, "Places", "naming the place {}", authority=True),
    FacetSpec("year", "years", lambda d: tuple(str(y) for y in years_overlapped(d)), "Year", "dated in {}",
              value_order="value"),
    FacetSpec("classification", "classification", lambda d: _one(d.classification), "Classification",
              "classified {}"),
    FacetSpec("archive", "archive", lambda d: _one(d.archive.repository), "Archive", "held in {}",
              aliases=("ref",)),  # archive:/ref: also take a citation ("AP RF f. 3 op. 65 d. 830")
    FacetSpec("language", "language", lambda d: _one(d.language), "Language", "in {}"),
)

FACET_BY_NAME: dict[str, FacetSpec] = {spec.name: spec for spec in FACETS}
FACET_BY_FIELD: dict[str, FacetSpec] = {spec.field: spec for spec in FACETS}
