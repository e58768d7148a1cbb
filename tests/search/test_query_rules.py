"""The pure rules of query compilation: edits tolerated per word length, minimum-should-match, the case of a
correction."""
import pytest

from search.query import minimum_should_match, typo_distance
from search.suggest import in_case_of


@pytest.mark.parametrize("word, edits", [("talk", 0), ("talks", 1), ("armistice", 2), ("kaesung", 1),
                                         ("a" * 2000, 0)])
def test_typo_distance_grows_with_length(word, edits):
    assert typo_distance(word) == edits


@pytest.mark.parametrize("count, needed", [(1, 1), (3, 3), (4, 3), (6, 3), (9, 3), (10, 4), (15, 5)])
def test_minimum_should_match_relaxes_with_length(count, needed):
    assert minimum_should_match(count) == needed


@pytest.mark.parametrize("raw, word, shown", [("Kaesung", "kaesong", "Kaesong"), ("KAESUNG", "kaesong", "KAESONG"),
                                              ("armstice", "armistice", "armistice")])
def test_a_correction_keeps_the_case_typed(raw, word, shown):
    assert in_case_of(raw, word) == shown
