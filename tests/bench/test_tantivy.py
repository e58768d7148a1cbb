"""The tantivy peer does the same work as the FTS5 peer, so the benchmark compares equal amounts of work."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from bench import fts5, tantivy_engine
from bench.generate import changed_copy, generate
from bench.queries import BenchQuery, query_mix, years
from corpus.loader import load_corpus


@pytest.fixture(scope="module")
def real():
    return load_corpus()


@pytest.fixture(scope="module")
def documents(real):
    return generate(300, seed=1, source=real)


@pytest.fixture(scope="module")
def built(real, documents, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tantivy")
    assert tantivy_engine.build(iter(documents), folder / "index") == len(documents)
    fts5.build(documents, folder / "fts.sqlite")
    with fts5.FtsSearcher(folder / "fts.sqlite", real.authority) as peer:
        expected = {query: peer.search(query) for query in query_mix()}
    return folder / "index", tantivy_engine.TantivySearcher(folder / "index", real.authority), expected


def test_every_query_of_the_mix_finds_what_fts5_finds(built):
    """Same analysis (word boundaries, lowercase, accents folded, no stemming): same totals and facet counts."""
    _, searcher, expected = built
    for query, theirs in expected.items():
        ours = searcher.search(query)
        assert ours.total == theirs.total, query
        assert len(ours.hits) == min(10, ours.total)
        for name in ("type", "sender", "person", "year"):
            assert dict(ours.facets[name]) == dict(theirs.facets[name]), (query, name)


def test_totals_filters_and_counts_equal_a_brute_force_count(built, documents):
    _, searcher, _ = built
    query = BenchQuery("word", "facets", "armistice", date_from="1950-06", date_to="1951-12",
                       filters=(("type", ("telegram",)), ("year", ("1951",))))
    expected = [d for d in documents if re.search(r"\barmistice\b", d.title + "\n" + d.body, re.IGNORECASE)
                and d.date.is_dated and d.date.start <= "1951-12-31" and d.date.end >= "1950-06-01"
                and d.doc_type == "telegram" and "1951" in years(d)]
    result = searcher.search(query)
    assert expected and result.total == len(expected)
    assert dict(result.facets["sender"]) == dict(Counter(name for d in expected for name in d.senders))
    assert {hit["id"] for hit in result.hits} <= {d.id for d in expected}


def test_hits_are_ranked_and_highlighted(built):
    _, searcher, _ = built
    for kind, text in (("phrase", '"38th parallel"'), ("prefix", "negotiat*"), ("variant", "Shtikov")):
        hits = searcher.search(BenchQuery(kind, "plain", text)).hits
        assert hits and [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
        assert all("<b>" in hit["snippet"] or "<b>" in hit["title"] for hit in hits), text


def test_a_prefix_is_every_word_that_begins_with_it(built, documents):
    _, searcher, _ = built
    words = {w.lower() for d in documents for w in re.findall(r"\w+", d.title + " " + d.body)}
    assert {w for w in words if w.startswith("negotiat")} >= {"negotiations", "negotiate"}
    expected = sum(1 for d in documents if re.search(r"\bnegotiat", d.title + " " + d.body, re.IGNORECASE))
    assert searcher.search(BenchQuery("prefix", "plain", "negotiat*")).total == expected


def test_update_one_replaces_the_record(real, built, documents):
    path, _, _ = built
    edited = changed_copy(documents[5], revision=9)
    tantivy_engine.update_one(path, edited)
    searcher = tantivy_engine.TantivySearcher(path, real.authority)
    assert [hit["id"] for hit in searcher.search(BenchQuery("phrase", "plain", '"Bench revision 9"')).hits] == \
        [edited.id]
    assert searcher.searcher.num_docs == len(documents)
