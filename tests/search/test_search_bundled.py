"""Search over the real bundled corpus: facet counts against a brute-force count, variants, scripts, dates."""
from collections import Counter

import pytest

from bundled import search
from index.facets import FACETS

pytestmark = pytest.mark.slow


def test_facet_counts_equal_brute_force(bundled_searcher, indexed_corpus):
    result = search(bundled_searcher)
    assert result.total_documents == len(indexed_corpus.documents)
    for spec in FACETS:
        expected = Counter(v for d in indexed_corpus.documents for v in set(spec.read(d)))
        expected["__none__"] = sum(1 for d in indexed_corpus.documents if not spec.read(d))  # the "unknown" bucket
        assert {e["value"]: e["count"] for e in result.facets[spec.name]} == +expected, spec.name


def test_filtered_counts_equal_brute_force(bundled_searcher, indexed_corpus):
    result = search(bundled_searcher, sender="Filippov", **{"from": "1950-06", "to": "1950-12"})
    def keep(d):
        return bool("Joseph Stalin" in d.senders and d.date.start and d.date.start <= "1950-12-31"
                and d.date.end >= "1950-06-01")
    assert result.total_documents == sum(map(keep, indexed_corpus.documents))


@pytest.mark.parametrize("q, expected", [("Shtikov", "Terentii Shtykov"), ("김일성", "Kim Il Sung"),
                                         ("Штыков", "Terentii Shtykov"), ("Vishinsky", "Andrei Vyshinsky")])
def test_variant_queries_find_the_person(bundled_searcher, indexed_corpus, q, expected):
    result = search(bundled_searcher, q=q)
    assert result.hits
    top = indexed_corpus.by_id[result.hits[0].id]
    assert expected in top.people + top.senders + top.recipients
    assert "<mark>" in result.hits[0].title + result.hits[0].snippet
