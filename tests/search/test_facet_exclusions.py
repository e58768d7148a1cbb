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


@pytest.mark.parametrize("q", ["", "armistice", "-type:telegram"])
@pytest.mark.parametrize("facet", ["type", "sender", "classification"])
def test_a_value_and_its_exclusion_add_up_to_the_total_and_agree_with_the_facet(bundled_searcher, q, facet):
    """Every value the facet lists (the unknown bucket too, and the hostile sender '-2+3', which starts like an
    exclusion) selects as many documents as its count, and selecting plus excluding it gives the total."""
    base = bundled_searcher.search(SearchRequest(q=q), facet_limit=None)
    request = SearchRequest(q=q)
    for entry in base.facets[facet]:
        chosen = bundled_searcher.search(request.with_filter(facet, entry["value"]), facet_limit=None)
        left_out = bundled_searcher.search(request.excluding(facet, entry["value"]), facet_limit=None)
        assert chosen.total_documents == entry["count"], entry
        if facet != "sender":  # several senders per document: a document may be both chosen and left out
            assert chosen.total_documents + left_out.total_documents == base.total_documents, entry


def test_a_value_that_starts_with_a_minus_is_selected_not_excluded(bundled_searcher):
    request = SearchRequest().with_filter("sender", "-2+3")
    assert request.to_query_string() == "sender=%5C-2%2B3"
    assert SearchRequest.from_args(parse_qs(request.to_query_string())) == request
    assert request.describe() == "sent by -2+3"
    result = bundled_searcher.search(request)
    assert [hit.senders for hit in result.hits] == [("-2+3",)]
    assert next(v for v in result.facets["sender"] if v["value"] == "-2+3")["selected"]
    left_out = SearchRequest().excluding("sender", "-2+3")
    assert left_out.values("sender") == ("-\\-2+3",) and left_out.describe() == "not sent by -2+3"
    assert bundled_searcher.search(left_out).total_documents == bundled_searcher.search(
        SearchRequest()).total_documents - 1
    assert SearchRequest().toggle_filter("sender", "-2+3").toggle_filter("sender", "-2+3") == SearchRequest()
