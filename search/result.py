"""Hit and SearchResult: frozen, and `to_dict()` is exactly the `/api/search` JSON body (see docs/CONTRACTS.md)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


def doc_url(doc_id: str) -> str:
    return f"/doc/{doc_id}"


@dataclass(frozen=True)
class Hit:
    id: str
    url: str
    title: str  # highlighted HTML
    collection: str
    number: str
    date: dict
    doc_type: str
    senders: tuple[str, ...]
    recipients: tuple[str, ...]
    classification: str
    archive: str
    score: float
    versions: tuple[dict, ...]  # {id, collection, url, title}
    snippet: str  # HTML

    def to_dict(self) -> dict[str, Any]:
        """Built field by field: `asdict` deep-copies recursively and cost a third of an API request's time."""
        d = {name: getattr(self, name) for name in _HIT_FIELDS}
        d["date"] = dict(self.date)
        d["senders"], d["recipients"] = list(self.senders), list(self.recipients)
        d["versions"] = [dict(version) for version in self.versions]
        return d


_HIT_FIELDS = tuple(f.name for f in fields(Hit))


@dataclass(frozen=True)
class SearchResult:
    query: dict  # {q, query_string, description}
    total: int  # result hits after grouping versions (what the pager pages over)
    total_documents: int  # matching documents, versions counted apart (what facet counts add up from)
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: dict  # facet name -> [{value, label, count, selected}]
    histogram: dict  # {unit, bins: [{key, label, from, to, count}], undated}
    suggestion: str | None
    notices: tuple[str, ...]
    generation: int = 0
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "total_documents": self.total_documents,
            "page": self.page,
            "per_page": self.per_page,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": self.facets,
            "histogram": self.histogram,
            "suggestion": self.suggestion,
            "notices": list(self.notices),
        }
