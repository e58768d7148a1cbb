"""'Did you mean': a search that finds nothing (or little) suggests a corrected query, and the suggestion finds
something; a search whose words are all known suggests nothing."""
import pytest

from search.request import SearchRequest


@pytest.mark.parametrize("q, corrected", [("armistise", "armistice"), ("negotiashions", "negotiations"),
                                          ("Shtykov armistise", "Shtykov armistice")])
def test_a_misspelling_suggests_a_query_that_finds_documents(tiny, q, corrected):
    result = tiny.search(SearchRequest(q=q, typos=False))
    assert result.suggestion == corrected
    assert tiny.search(SearchRequest(q=corrected)).total > result.total


def test_the_zero_result_search_carries_its_suggestion_into_the_api_shape(tiny):
    body = tiny.search(SearchRequest(q="armistise", typos=False)).to_dict()
    assert body["total"] == 0 and body["hits"] == [] and body["suggestion"] == "armistice"


@pytest.mark.parametrize("q", ["armistice", "zzzzqqq"])
def test_known_words_or_nothing_close_suggest_nothing(tiny, q):
    assert tiny.search(SearchRequest(q=q, typos=False)).suggestion is None
