"""An Atom feed of a search, so that a saved query can be followed in a feed reader."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from html import escape

from flask import Response, render_template

from search.request import MAX_PAGE, SearchRequest
from search.result import doc_url

from web import manifests, served_generation
from web.exports import CONTENT_TYPES
from web.public_url import absolute_url
from web.services import corpus_dir, get_searcher
from web.templating import safe_highlight


def atom_response(req: SearchRequest) -> Response:
    """One page of the search as an Atom feed: newest documents first unless the search sorts otherwise,
    `rel="next"` to the following page, and times that change only when the index does."""
    if req.sort == "relevance":
        req = replace(req, sort="date_desc")
    searcher = get_searcher()
    found = searcher.search(req)
    served_generation.note(found.generation)
    result = found.to_dict()
    built_at = _timestamp(searcher.built_at)
    feed_url = lambda r: absolute_url(r.url() + ("&" if r.to_query_string() else "?") + "format=atom")
    last = max(1, -(-int(result.get("total", 0)) // req.per_page))
    body = render_template(
        "feed.xml",
        req=req,
        result=result,
        title=f"Korean War Documents: {req.describe()}",
        page_url=absolute_url(req.url()),
        self_url=feed_url(req),
        first_url=feed_url(req.with_page(1)),
        next_url=feed_url(req.with_page(req.page + 1)) if req.page < min(last, MAX_PAGE) else None,
        previous_url=feed_url(req.with_page(req.page - 1)) if req.page > 1 else None,
        updated=built_at,
        entry_time=lambda hit: entry_time(hit.get("date") or {}, built_at),
        doc_link=lambda hit: absolute_url(doc_url(hit["id"])),
        titles=manifests.titles(corpus_dir()),
        summary_html=summary_html,
    )
    return Response(body, headers={"Content-Type": CONTENT_TYPES["atom"]})


def entry_time(date: dict, fallback: str) -> str:
    """An entry's `published`/`updated`: the day the document was written (the first day of its range; Atom
    wants a full timestamp), or the index generation's time for an undated document."""
    return f"{date['start']}T00:00:00Z" if date.get("start") else fallback


def _timestamp(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return "1970-01-01T00:00:00Z"


def summary_html(hit: dict) -> str:
    """The entry's HTML as a plain string, so the XML template escapes it once more (Atom `type="html"`)."""
    when = (hit.get("date") or {}).get("label") or "Undated"
    parties = " → ".join(filter(None, ("; ".join(hit.get("senders") or ()), "; ".join(hit.get("recipients") or ()))))
    head = escape(" · ".join(filter(None, (when, hit.get("doc_type", ""), parties))))
    return f"<p>{head}</p><p>{safe_highlight(hit.get('snippet', ''))}</p>"
