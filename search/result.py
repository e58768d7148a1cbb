"""Hit and SearchResult: frozen, and `to_dict()` is exactly the `/api/search` JSON body (see docs/CONTRACTS.md)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import quote, urlencode


def doc_url(doc_id: str, **params: str) -> str:
    """The document page's path, `/doc/<collection>/<number>` with each part quoted, and `params` (such as the `q`
    whose words the page marks) as its query string, empty ones left out. The one builder of document URLs."""
    collection, _, number = doc_id.partition("/")
    path = f"/doc/{quote(collection, safe='')}/{quote(number, safe='')}"
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{path}?{query}" if query else path


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
    search_instead: str | None = None  # when words were corrected: the URL searching them as typed

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
            "search_instead": self.search_instead,
            "notices": list(self.notices),
        }
