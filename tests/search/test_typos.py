"""Typo tolerance without operators: a misspelt word or name still finds its documents, exact matches rank above
corrected ones, a correction is announced with a way back, and stop words alone never make a hit."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


def test_a_misspelt_name_finds_the_man(real):
    assert search(real, q="Vishinski").total_documents == search(real, q="Vyshinsky").total_documents


def test_misspelt_words_are_corrected_and_the_correction_is_shown(real):
    result = search(real, q="armstice talks Kaesung")
    assert result.suggestion == "armistice talks Kaesong"  # the case typed is kept
    assert result.notices[0] == "Showing results for armistice talks Kaesong — search instead for armstice talks Kaesung"
    assert result.search_instead == "/search?q=armstice%20talks%20Kaesung&typos=off"
    assert result.hits[0].id == search(real, q="armistice talks Kaesong").hits[0].id


def test_typos_off_searches_as_typed(real):
    exact = search(real, q="armstice talks Kaesung", typos="off")
    assert exact.search_instead is None
    assert exact.total_documents == search(real, q="talks").total_documents


def test_exact_spelling_ranks_above_corrected(real):
    result = search(real, q="Kaesong", per_page="100")
    tolerant = search(real, q="Kaesung", per_page="100")
    assert [h.id for h in tolerant.hits][:3] == [h.id for h in result.hits][:3]


def test_a_correct_query_is_not_corrected(real):
    result = search(real, q="armistice negotiations")
    assert result.search_instead is None and not any(n.startswith("Showing") for n in result.notices)


def test_stop_words_alone_never_make_a_hit(real):
    result = search(real, q="memorandom of the zzzqqq", per_page="100")
    assert result.hits
    for hit in result.hits:
        record = real.document(hit.id)
        assert "memorand" in (record["title"] + record["body"]).lower(), hit.id
