"""The compare page (`/compare/<collection>/<number>`): every version of a document side by side, paragraphs
aligned, wording differences marked, differing metadata flagged. Plain HTML (no script needed); the columns
stack on a narrow screen."""
from __future__ import annotations

from flask import Blueprint, render_template

from corpus.model import document_id
from search.result import doc_url

from web import manifests, served_generation
from web.doc_views import paragraphs_of
from web.services import corpus_dir, get_searcher
from web.version_compare import align, differing_fields, mark_row

bp = Blueprint("compare", __name__)


@bp.get("/compare/<collection>/<number>")
def compare(collection: str, number: str):
    searcher = get_searcher()
    first = searcher.document(document_id(collection, number))
    records = [first] + [searcher.document(v) for v in first.get("versions") or ()]
    served_generation.note(searcher.generation)
    root = corpus_dir()
    titles = manifests.titles(root)
    columns = [{"id": r["id"], "label": manifests.version_label(r["id"], root),
                "collection": titles.get(r["collection"], r["collection"]), "title": r.get("title", ""),
                "url": doc_url(r["id"])} for r in records]
    texts = [paragraphs_of(r.get("body", "")) for r in records]
    rows = []
    for indices in align(texts):
        cells = [texts[c][i] if i is not None else None for c, i in enumerate(indices)]
        rows.append(mark_row(cells))
    metadata = metadata_rows(records)
    return render_template("compare.html", record=first, columns=columns, rows=rows, metadata=metadata,
                           differing=differing_fields([(m["label"], m["cells"]) for m in metadata]),
                           empty=[not t for t in texts])


def metadata_rows(records: list[dict]) -> list[dict]:
    """The fields a reader compares between translations, one value per version."""
    def names(record, key):
        return "; ".join(record.get(key) or record.get(key + "_raw") or ())

    fields = (
        ("Title", lambda r: r.get("title", "")),
        ("Date", lambda r: (r.get("date") or {}).get("label", "")),
        ("Type", lambda r: r.get("doc_type", "")),
        ("From", lambda r: names(r, "senders")),
        ("To", lambda r: names(r, "recipients")),
        ("Classification", lambda r: r.get("classification", "")),
        ("Archive", lambda r: (r.get("archive") or {}).get("raw", "").strip("[] ")),
        ("Translator", lambda r: r.get("translator", "")),
    )
    return [{"label": label, "cells": [value(r) for r in records]} for label, value in fields]
