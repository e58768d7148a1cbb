"""An export (any read in a `pinned()` block) sees one generation from its first hit to its last, even when
reindexes switch the live generation and delete the old one's files meanwhile."""
from dataclasses import replace

from corpus.loader import Corpus
from index.build import build_full
from search.request import SearchRequest
from search.searcher import Searcher
from small_corpus import AUTHORITY, TINY_DOCUMENTS


def build(root, documents) -> None:
    build_full(Corpus(root=root, documents=list(documents), authority=AUTHORITY, manifests=[]), root)


def test_every_document_lists_what_the_pages_of_documents_list(tiny):
    total, generation, items = tiny.every_document(SearchRequest(), batch=3)
    paged_total, paged = tiny.documents(SearchRequest(), 0, 1000)
    assert [record["id"] for record, _ in items] == [record["id"] for record, _ in paged]
    assert total == paged_total == tiny.search(SearchRequest()).total_documents
    assert generation == tiny.generation


def test_a_pinned_export_keeps_its_generation_through_two_reindexes(tmp_path):
    documents = list(TINY_DOCUMENTS)
    build(tmp_path, documents)
    searcher = Searcher(tmp_path)
    expected = [record["id"] for record, _ in searcher.documents(SearchRequest(), 0, 1000)[1]]
    with searcher.pinned() as generation:
        total, _, hits = searcher.every_document(SearchRequest(), batch=2)
        seen = [next(hits)[0]["id"], next(hits)[0]["id"], next(hits)[0]["id"]]
        build(tmp_path, documents[:3])  # the live generation switches …
        build(tmp_path, [replace(d, title="renamed " + d.title) for d in documents[:2]])  # … and its files go
        assert not (tmp_path / f"gen-{generation}").exists()
        seen += [record["id"] for record, _ in hits]
        assert searcher.search(SearchRequest()).generation == generation  # paged reads in the block too
    assert seen == expected and total == len(expected)
    after = searcher.search(SearchRequest(per_page=100))
    assert after.generation == generation + 2 and after.total_documents == 2


def test_a_search_waiting_for_its_turn_survives_a_switch_made_meanwhile(tmp_path):
    """Threads share a Searcher: another thread may open the new generation (closing the old) while this one
    waits in `gate` between reading the generation and running the search."""
    from contextlib import contextmanager

    documents = list(TINY_DOCUMENTS)
    build(tmp_path, documents)
    searcher = Searcher(tmp_path)
    old = searcher.generation

    @contextmanager
    def switching_gate(cost, size=0):
        searcher.gate = lambda cost, size=0: __import__("contextlib").nullcontext()
        build(tmp_path, documents[:3])
        assert searcher.search(SearchRequest(q="armistice")).generation == old + 1  # "another thread"
        yield

    searcher.gate = switching_gate
    result = searcher.search(SearchRequest(q="telegram"))
    assert result.generation == old and result.total > 0
