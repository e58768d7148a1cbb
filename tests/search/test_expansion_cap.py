"""A prefix, wildcard or fuzzy word that matches more index terms than the cap searches the most frequent of them,
and the result says so."""
from search import snapshot as snapshots
from search.request import SearchRequest
from search.searcher import Searcher


def test_a_wide_prefix_is_cut_to_its_most_frequent_terms_with_a_notice(tiny_root, monkeypatch):
    whole = Searcher(tiny_root).search(SearchRequest(q="re*"))
    assert not any("most frequent" in notice for notice in whole.notices)
    monkeypatch.setattr(snapshots, "MAX_EXPANSION_TERMS", 1)
    cut = Searcher(tiny_root).search(SearchRequest(q="re*"))
    notice = next(notice for notice in cut.notices if "most frequent" in notice)
    assert "'re*' matches 2 words" in notice and "only the 1 most frequent" in notice
    assert 0 < cut.total_documents <= whole.total_documents
