"""Facet values can be excluded (`type=-telegram`) and the documents without a value selected (`sender=__none__`);
counts stay disjunctive."""
from urllib.parse import parse_qs

import pytest

from bundled import search
from search.request import SearchRequest

pytestmark = pytest.mark.slow


def test_excluding_a_facet_value(bundled_searcher, indexed_corpus):
    result = search(bundled_searcher, q="armistice", type="-telegram", per_page="100")
    assert result.hits and all(hit.doc_type != "telegram" for hit in result.hits)
    telegram = next(v for v in result.facets["type"] if v["value"] == "telegram")
    assert telegram["excluded"] and not telegram["selected"] and telegram["count"] > 0  # disjunctive
    assert result.total_documents == search(bundled_searcher, q="armistice -type:telegram").total_documents


def test_an_exclusion_round_trips_and_describes_itself():
    request = SearchRequest.from_args({"q": ["armistice"], "type": ["-telegram"], "sender": ["__none__"]})
    assert request.to_query_string() == "q=armistice&sender=__none__&type=-telegram"
    assert SearchRequest.from_args(parse_qs(request.to_query_string())) == request
    assert request.describe() == 'matching "armistice", sent by unknown, not of type telegram'
    assert SearchRequest(q="x").excluding("type", "telegram").values("type") == ("-telegram",)


def test_unknown_bucket_counts_and_selects_documents_without_a_value(bundled_searcher, indexed_corpus):
    facets = search(bundled_searcher).facets
    no_sender = sum(1 for d in indexed_corpus.documents if not d.senders)
    no_recipient = sum(1 for d in indexed_corpus.documents if not d.recipients)
    assert {"value": "__none__", "label": "unknown", "count": no_sender, "selected": False,
            "excluded": False} in facets["sender"]
    assert next(v for v in facets["recipient"] if v["value"] == "__none__")["count"] == no_recipient
    chosen = search(bundled_searcher, sender="__none__", per_page="100")
    assert chosen.total_documents == no_sender
    assert all(not hit.senders for hit in chosen.hits)
    assert search(bundled_searcher, sender="-__none__").total_documents == len(indexed_corpus.documents) - no_sender


def test_unknown_or_a_value(bundled_searcher, indexed_corpus):
    result = search(bundled_searcher, sender=["__none__", "Mao Zedong"])
    assert result.total_documents == sum(1 for d in indexed_corpus.documents
                                         if not d.senders or "Mao Zedong" in d.senders)
