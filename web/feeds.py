"""An Atom feed of a search, so that a saved query can be followed in a feed reader."""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from flask import Response, render_template

from search.request import SearchRequest

from web import collections, served_generation
from web.app import corpus_dir, get_searcher
from web.exports import CONTENT_TYPES, doc_path
from web.public_url import absolute_url, current_url
from web.templating import safe_highlight


def atom_response(req: SearchRequest) -> Response:
    found = get_searcher().search(req)
    served_generation.note(found.generation)
    result = found.to_dict()
    page_url = absolute_url(req.url())
    body = render_template(
        "feed.xml",
        req=req,
        result=result,
        title=f"Korean War Documents: {req.describe()}",
        page_url=page_url,
        self_url=current_url(),
        updated=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        doc_link=lambda hit: absolute_url(doc_path(hit["id"])),
        titles=collections.titles(corpus_dir()),
        summary_html=summary_html,
    )
    return Response(body, headers={"Content-Type": CONTENT_TYPES["atom"]})


def summary_html(hit: dict) -> str:
    """The entry's HTML as a plain string, so the XML template escapes it once more (Atom `type="html"`)."""
    when = (hit.get("date") or {}).get("label") or "Undated"
    parties = " → ".join(filter(None, ("; ".join(hit.get("senders") or ()), "; ".join(hit.get("recipients") or ()))))
    head = escape(" · ".join(filter(None, (when, hit.get("doc_type", ""), parties))))
    return f"<p>{head}</p><p>{safe_highlight(hit.get('snippet', ''))}</p>"
