"""Searching an index that has been updated in place several times: segments with deletions, segments whose
every document is deleted, merged segments. Each answer must equal that of a fresh full build."""
from dataclasses import replace

import pytest

from corpus.loader import Corpus
from index.build import build_full, build_incremental
from search.request import SearchRequest
from search.searcher import Searcher
from small_corpus import AUTHORITY, TINY_DOCUMENTS

QUERIES = ["armistice", '"armistice talks"', "Shtikov", "armist*", "Kaesong", "telegram revision", "Stalin~"]


def corpus(root, documents):
    return Corpus(root=root, documents=list(documents), authority=AUTHORITY, manifests=[])


def answer(searcher, q):
    result = searcher.search(SearchRequest.from_args({"q": [q], "per_page": ["100"]}))
    facets = {name: sorted((e["value"], e["count"]) for e in entries) for name, entries in result.facets.items()}
    return [hit.id for hit in result.hits], result.total_documents, facets


@pytest.fixture(scope="module")
def updated_and_fresh(tmp_path_factory):
    documents = list(TINY_DOCUMENTS)
    updated = tmp_path_factory.mktemp("updated")
    build_full(corpus(updated, documents), updated)
    for revision in range(1, 7):  # the same document changed again and again, others now and then
        documents[0] = replace(documents[0], body=f"{documents[0].body} Telegram revision {revision}.")
        if revision == 3:
            documents[3] = replace(documents[3], places=("Kaesong",))
        if revision == 5:
            documents = documents[:-1]
        assert build_incremental(corpus(updated, documents), updated).mode == "incremental"
    fresh = tmp_path_factory.mktemp("fresh")
    build_full(corpus(fresh, documents), fresh)
    searchers = Searcher(updated), Searcher(fresh)
    yield searchers
    for searcher in searchers:
        searcher.close()


@pytest.mark.parametrize("q", QUERIES)
def test_updated_index_answers_like_a_fresh_build(updated_and_fresh, q):
    updated, fresh = updated_and_fresh
    got, expected = answer(updated, q), answer(fresh, q)
    assert got == expected
    assert got[1] > 0
