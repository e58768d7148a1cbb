"""The advanced search form (`/advanced`): one field per part of a search, composed into the query syntax and the
URL parameters the README documents, so that the search box then shows a user how to write it themselves."""
from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request

from corpus.model import DOC_TYPES
from index.facets import FACETS
from search.request import SearchRequest

from web.search_controls import PER_PAGE_CHOICES, SORT_LABELS

bp = Blueprint("advanced", __name__)

# The name fields are the authority facets, each written in the query with its first alias (`from:Stalin`).
NAME_FIELDS = {spec.name: (spec.aliases or (spec.name,))[0] for spec in FACETS if spec.authority}
TEXT_FIELDS = ("all", "phrase", "any", "none", "title", *NAME_FIELDS)
_WORD = re.compile(r'[^\s"()]+')


def compose_query(form) -> str:
    """`armistice talks` + `38th parallel` + … → '+armistice +talks "38th parallel" (Kaesong OR Panmunjom)
    -airfield title:aviation from:"Kim Il Sung"'. Quotes and brackets typed into a field are dropped: each field
    says itself what it means."""
    words = {name: _WORD.findall(form.get(name, "")) for name in ("all", "any", "none", "title")}
    parts = [f"+{w}" for w in words["all"]]
    phrase = " ".join(_WORD.findall(form.get("phrase", "")))
    if phrase:
        parts.append(f'"{phrase}"')
    if words["any"]:
        parts.append("(" + " OR ".join(words["any"]) + ")" if len(words["any"]) > 1 else words["any"][0])
    parts += [f"-{w}" for w in words["none"]]
    parts += [f"title:{w}" for w in words["title"]]
    for name, prefix in NAME_FIELDS.items():
        value = " ".join(_WORD.findall(form.get(name, "")))
        if value:
            parts.append(f'{prefix}:"{value}"' if " " in value else f"{prefix}:{value}")
    return " ".join(parts)


def compose(form) -> SearchRequest:
    """The whole search the form describes (BadRequest, naming the field, for a date or sort it cannot take)."""
    args = {"q": [compose_query(form)], "from": [form.get("from", "")], "to": [form.get("to", "")],
            "sort": [form.get("sort", "")], "per_page": [form.get("per_page", "")]}
    if form.get("type", "") in DOC_TYPES:
        args["type"] = [form["type"]]
    return SearchRequest.from_args({k: v for k, v in args.items() if v[0]})


@bp.get("/advanced")
def advanced():
    """The form; submitted (any field filled), the search it composes."""
    if any(request.args.get(name, "").strip() for name in (*TEXT_FIELDS, "type", "from", "to")):
        return redirect(compose(request.args).url(), code=303)
    return render_template("advanced.html", doc_types=DOC_TYPES, sort_labels=SORT_LABELS.items(),
                           per_page_choices=PER_PAGE_CHOICES, header_q="")
