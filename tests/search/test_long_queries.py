"""Long, descriptive queries rank their target well; short queries keep 'every word first'."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("q, target", [
    ("Soviet specialists report on the Chinese-Korean talks about military cooperation", "nkidp-reader/3"),
    ("decree of the Council of Ministers to make the 64th fighter aviation corps more effective in combat",
     "nkidp-reader/89"),
])
def test_a_paraphrase_finds_its_document_first(real, q, target):
    assert search(real, q=q).hits[0].id == target


def test_a_long_query_needs_only_some_of_its_words(real):
    result = search(real, q="Stalin Mao volunteers divisions parallel comrades Yalu Sochi")
    assert result.total_documents > search(real, q="Stalin AND Mao AND volunteers AND divisions AND parallel "
                                                 "AND comrades AND Yalu AND Sochi").total_documents
