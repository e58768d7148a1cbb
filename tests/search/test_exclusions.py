"""-x is NOT x, for fielded terms and groups too."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


def test_excluding_a_type(real, corpus):
    result = search(real, q="armistice -type:telegram", per_page="100")
    assert result.hits and all(hit.doc_type != "telegram" for hit in result.hits)
    alone = search(real, q="-type:telegram")
    assert alone.total_documents == search(real).total_documents - search(real, q="type:telegram").total_documents


def test_excluding_a_sender(real, corpus):
    result = search(real, q="-from:Mao")
    assert result.total_documents == search(real).total_documents - search(real, q="from:Mao").total_documents > 0


def test_excluding_a_group(real, corpus):
    result = search(real, q="armistice -(from:Mao OR from:Stalin)", per_page="100")
    assert result.hits
    assert not [h.id for h in result.hits if {"Mao Zedong", "Joseph Stalin"} & set(h.senders)]
