"""The numpy evaluator must find the same documents with the same scores as Whoosh's own matchers."""
import numpy as np
import pytest

from search.query import parse_query
from search.searcher import _run, _walk

QUERIES = ["armistice", "Stalin telegram", '"Kim Il Sung"', "Shtykov", "armist*", "telegrams", "title:telegram",
           "(Stalin OR Mao) AND armistice", "+armistice Stalin", "ar?istice", "김일성"]


@pytest.mark.parametrize("text", QUERIES)
def test_vectorised_scores_match_whoosh(tiny, text):
    snapshot = tiny._current()
    query = parse_query(text, snapshot.analyzer, snapshot.resolve_field_value).query
    docnums, scores = _run(snapshot, query, scored=True)
    expected, expected_scores = _walk(snapshot, query.normalize(), scored=True)
    assert docnums.tolist() == expected.tolist()
    assert len(expected) > 0
    assert np.allclose(scores, expected_scores, rtol=1e-4)


def test_postings_arrays_are_cached_per_generation(tiny):
    snapshot = tiny._current()
    first = snapshot.postings.term("body", "armistice")
    assert snapshot.postings.term("body", "armistice") is first
    assert len(first[0]) == len(first[1])
