"""Everything the search page shows, built from one SearchRequest and its result dict (no HTML here)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from index.facets import FACET_BY_NAME, FACETS
from search.dates import bound_label
from search.request import MAX_PAGE, SearchRequest
from search.result import doc_url

SORT_LABELS = {"relevance": "Relevance", "date_asc": "Oldest first", "date_desc": "Newest first",
               "title": "Title (A–Z)", "collection": "Collection and number"}
PER_PAGE_CHOICES = (10, 20, 50, 100)
EXPORT_FORMATS = (("csv", "CSV"), ("json", "JSON"), ("ris", "RIS"), ("bibtex", "BibTeX"), ("csljson", "CSL-JSON"))


@dataclass(frozen=True)
class Chip:
    """A selected filter shown above the results, with the URL that removes it."""

    label: str
    remove_url: str


def facet_groups(req: SearchRequest, facets: dict, visible: int) -> list[dict]:
    """The sidebar in the registry's order: each facet's values with toggle links, the selected ones first, the
    long tail folded after `visible` values."""
    groups = []
    for spec in FACETS:
        name = spec.name
        values = [dict(v, toggle_url=req.toggle_filter(name, str(v["value"])).url()) for v in facets.get(name, ())]
        if not values:
            continue
        values.sort(key=lambda v: not v.get("selected"))
        groups.append({
            "name": name, "title": spec.title,
            "shown": values[:visible], "folded": values[visible:], "total": len(values),
        })
    return groups


def with_collection_titles(facets: dict, titles: dict) -> dict:
    """Collection values are slugs; show the collection's title instead."""
    if "collection" not in facets:
        return facets
    labelled = [dict(v, label=titles.get(str(v["value"]), v.get("label"))) for v in facets["collection"]]
    return {**facets, "collection": labelled}


def chips(req: SearchRequest, labels: dict[tuple[str, str], str]) -> list[Chip]:
    found = []
    for name, values in req.filters:
        for value in values:
            label = labels.get((name, value), value)
            found.append(Chip(f"{FACET_BY_NAME[name].title}: {label}", req.without_filter(name, value).url()))
    if req.date_from:
        found.append(Chip(f"From {bound_label(req.date_from)}", req.with_dates("", req.date_to).url()))
    if req.date_to:
        found.append(Chip(f"Up to {bound_label(req.date_to)}", req.with_dates(req.date_from, "").url()))
    return found


def value_labels(facets: dict) -> dict[tuple[str, str], str]:
    return {(name, str(v["value"])): v.get("label") or str(v["value"]) for name, vs in facets.items() for v in vs}


def pager(req: SearchRequest, total: int, window: int = 2) -> dict | None:
    """Previous/next and a few page numbers around the current one; None when one page holds everything."""
    last = min(MAX_PAGE, max(1, -(-total // req.per_page)))
    if last == 1:
        return None
    low, high = max(1, req.page - window), min(last, req.page + window)
    numbers = sorted({1, last, *range(low, high + 1)})
    pages, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            pages.append({"gap": True})
        pages.append({"number": number, "url": req.with_page(number).url(), "current": number == req.page})
        previous = number
    return {
        "pages": pages, "last": last,
        "prev_url": req.with_page(req.page - 1).url() if req.page > 1 else None,
        "next_url": req.with_page(req.page + 1).url() if req.page < last else None,
    }


def sort_links(req: SearchRequest) -> list[dict]:
    return [{"value": key, "label": label, "selected": req.sort == key} for key, label in SORT_LABELS.items()]


def export_links(req: SearchRequest) -> list[dict]:
    base = replace(req, page=1)
    query = base.to_query_string()
    joiner = "&" if query else ""
    return [{"format": fmt, "label": label, "url": f"/search?{query}{joiner}format={fmt}"}
            for fmt, label in EXPORT_FORMATS]


def feed_url(req: SearchRequest) -> str:
    """The Atom feed that follows this search: its first page, newest documents first."""
    sort = req.sort if req.sort != "relevance" else "date_desc"
    query = replace(req, page=1, sort=sort).to_query_string()
    return f"/search?{query}&format=atom"


def page_of(position: int, per_page: int) -> int:
    return (position - 1) // per_page + 1


def hit_url(req: SearchRequest, doc_id: str, position: int) -> str:
    """A result's link: the document with the whole search and its place in the list (`hit=`), so the document
    page can offer "Back to the search", previous and next ("3 of 41")."""
    query = req.with_page(page_of(position, req.per_page)).to_query_string()
    return f"{doc_url(doc_id)}?" + (f"{query}&" if query else "") + f"hit={position}"
