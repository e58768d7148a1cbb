"""Everything the search page shows, built from one SearchRequest and its result dict (no HTML here)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from index.facets import FACET_BY_NAME, FACETS
from search.dates import bound_label
from search.errors import BadRequest
from search.request import (MAX_PAGE, NONE, SearchRequest, as_excluded, as_selected, clean_text, is_excluded,
                            plain_value)
from search.result import doc_url

from web.templating import language_name

FACET_WINDOW_SIZE = 20
FACET_SORTS = {"count": ("By count", "count"), "az": ("A–Z", "value")}  # URL value: (link text, search's sort)
MAX_FACET_Q = 200

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
        values = [dict(v, toggle_url=_toggle(req, name, v).url(),
                       exclude_url=None if v.get("excluded") else req.excluding(name, str(v["value"])).url(),
                       url_value=as_selected(str(v["value"])), excluded_value=as_excluded(str(v["value"])))
                  for v in facets.get(name, ())]
        if not values:
            continue
        if spec.value_order == "count":
            values.sort(key=lambda v: not (v.get("selected") or v.get("excluded")))  # what is chosen first
        base = replace(req, page=1)
        groups.append({
            "name": name, "title": spec.title,
            "shown": values[:visible], "folded": values[visible:], "total": len(values),
            "window_url": facet_window_url(req, name),
            "api_url": f"/api/facet/{quote(name)}?{base.to_query_string()}",
        })
    return groups


def _toggle(req: SearchRequest, name: str, entry: dict) -> SearchRequest:
    """Selecting a value (or undoing its exclusion): the link on the value itself."""
    value = str(entry["value"])
    if entry.get("excluded"):
        return req.without_filter(name, as_excluded(value))
    return req.toggle_filter(name, value)


def with_display_labels(facets: dict, titles: dict) -> dict:
    """Values that are codes get words: a collection's slug its title, a language code its name ('ru' → Russian)."""
    readable = {
        "collection": lambda value, label: titles.get(value, label),
        "language": lambda value, label: language_name(value),
    }
    return {name: [dict(v, label=readable[name](str(v["value"]), v.get("label"))) for v in values]
            if name in readable else values for name, values in facets.items()}


def chips(req: SearchRequest, labels: dict[tuple[str, str], str]) -> list[Chip]:
    found = []
    for name, values in req.filters:
        for value in values:
            plain = plain_value(value)
            label = "unknown" if plain == NONE else labels.get((name, plain), plain)
            label = f"not {label}" if is_excluded(value) else label
            found.append(Chip(f"{FACET_BY_NAME[name].title}: {label}", req.without_filter(name, value).url()))
    if req.date_from and req.date_from == req.date_to:
        found.append(Chip(f"Date: {bound_label(req.date_from)}", req.with_dates("", "").url()))
        return found
    if req.date_from:
        found.append(Chip(f"Date from: {bound_label(req.date_from)}", req.with_dates("", req.date_to).url()))
    if req.date_to:
        found.append(Chip(f"Date to: {bound_label(req.date_to)}", req.with_dates(req.date_from, "").url()))
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



def facet_window_url(req: SearchRequest, name: str, **extra) -> str:
    """The facet window of one facet for this search, with `facet_q`/`facet_sort`/`facet_page` when given."""
    pairs = replace(req, page=1).to_pairs() + [(k, str(v)) for k, v in extra.items() if v not in ("", None)]
    query = urlencode(pairs, quote_via=quote)
    return f"/search/facet/{quote(name)}" + (f"?{query}" if query else "")


def facet_window_args(args, name: str) -> tuple[str, str, int]:
    """`facet_q`, `facet_sort` (count or az; a facet listed by value defaults to az) and `facet_page` (from 1)."""
    facet_q = clean_text(args.get("facet_q", ""))[:MAX_FACET_Q]
    default = "az" if FACET_BY_NAME[name].value_order == "value" else "count"
    sort = clean_text(args.get("facet_sort", "")) or default
    if sort not in FACET_SORTS:
        raise BadRequest(f"facet_sort: expected one of {', '.join(FACET_SORTS)}, got '{sort[:20]}'",
                         parameter="facet_sort")
    page_text = clean_text(args.get("facet_page", "")) or "1"
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text[:6]) <= MAX_PAGE:
        raise BadRequest(f"facet_page: expected a number from 1 to {MAX_PAGE}, got '{page_text[:20]}'",
                         parameter="facet_page")
    return facet_q, sort, int(page_text[:6])


def facet_window(req: SearchRequest, name: str, values: list[dict], facet_q: str, sort: str, page: int) -> dict:
    """One page of a facet's values (Blacklight's facet window): links that toggle each value in the search,
    sort links, a find box and previous/next, all plain links and forms."""
    last = max(1, -(-len(values) // FACET_WINDOW_SIZE))
    page = min(page, last)
    shown = values[(page - 1) * FACET_WINDOW_SIZE: page * FACET_WINDOW_SIZE]
    url = lambda **extra: facet_window_url(req, name, **{"facet_q": facet_q, "facet_sort": sort, **extra})
    return {
        "name": name, "title": FACET_BY_NAME[name].title, "path": f"/search/facet/{quote(name)}",
        "entries": [dict(v, toggle_url=_toggle(req, name, v).url(),
                         exclude_url=None if v.get("excluded") or v.get("selected")
                         else req.excluding(name, str(v["value"])).url()) for v in shown],
        "total": len(values), "page": page, "last_page": last, "facet_q": facet_q, "sort": sort,
        "sorts": [{"label": label, "url": url(facet_sort=key), "current": key == sort}
                  for key, (label, _) in FACET_SORTS.items()],
        "prev_url": url(facet_page=page - 1) if page > 1 else None,
        "next_url": url(facet_page=page + 1) if page < last else None,
        "all_url": facet_window_url(req, name, facet_sort=sort),
        "search_pairs": replace(req, page=1).to_pairs(), "back_url": req.url(),
    }
