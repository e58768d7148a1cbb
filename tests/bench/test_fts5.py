"""The FTS5 peer answers the query mix correctly, so the comparison is between equal amounts of work."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from bench import fts5
from bench.generate import changed_copy, generate
from bench.queries import BenchQuery, query_mix, years
from corpus.loader import load_corpus


@pytest.fixture(scope="module")
def real():
    return load_corpus()


@pytest.fixture(scope="module")
def built(real, tmp_path_factory):
    documents = generate(300, seed=1, source=real)
    path = tmp_path_factory.mktemp("fts") / "bench.sqlite"
    fts5.build(documents, path)
    searcher = fts5.FtsSearcher(path, real.authority)
    yield documents, searcher, path
    searcher.close()


def _mentions(doc, word: str) -> bool:
    return bool(re.search(rf"\b{word}\b", doc.title + "\n" + doc.body, re.IGNORECASE))


def _overlaps(doc, low: str, high: str) -> bool:
    return doc.date.is_dated and doc.date.start <= high and doc.date.end >= low


def test_translation_to_fts5_syntax(real):
    assert fts5.to_match(BenchQuery("words", "plain", "air force Manchuria"), real.authority) == \
        '"air" OR "force" OR "Manchuria"'
    assert fts5.to_match(BenchQuery("phrase", "plain", '"38th parallel"'), real.authority) == '"38th parallel"'
    assert fts5.to_match(BenchQuery("prefix", "plain", "armist*"), real.authority) == '"armist"*'
    variant = fts5.to_match(BenchQuery("variant", "plain", "Shtikov"), real.authority)
    assert '"Shtykov"' in variant and '"Shtikov"' in variant


def test_every_query_of_the_mix_runs(built):
    _, searcher, _ = built
    for query in query_mix():
        result = searcher.search(query)
        assert len(result.hits) <= 10 and result.total >= len(result.hits)


def test_totals_filters_and_counts_equal_a_brute_force_count(built):
    documents, searcher, _ = built
    query = BenchQuery("word", "facets", "armistice", date_from="1950-06", date_to="1951-12",
                       filters=(("type", ("telegram",)), ("year", ("1951",))))
    expected = [d for d in documents if _mentions(d, "armistice") and _overlaps(d, "1950-06-01", "1951-12-31")
                and d.doc_type == "telegram" and "1951" in years(d)]
    result = searcher.search(query)
    assert expected and result.total == len(expected)
    senders = Counter(name for d in expected for name in d.senders)
    assert dict(result.facets["sender"]) == dict(senders)
    assert {hit["id"] for hit in result.hits} <= {d.id for d in expected}
    assert all("<mark>" in hit["snippet"] or "<mark>" in hit["title"] for hit in result.hits)


def test_update_one_replaces_the_record(built):
    documents, _, path = built
    edited = changed_copy(documents[5], revision=9)
    fts5.update_one(path, edited)
    with fts5.FtsSearcher(path, None) as searcher:
        hits = searcher.search(BenchQuery("phrase", "plain", '"Bench revision 9"'))
    assert [hit["id"] for hit in hits.hits] == [edited.id]
