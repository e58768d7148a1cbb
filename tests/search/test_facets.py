"""Facet counting, selection and lookup (`search/facets.py`) on a column written by hand: the one counting path."""
from dataclasses import replace

import numpy as np

from index.columns import Facet
from index.facets import FACET_BY_NAME
from search.facets import FacetColumn, facet_entries
from small_corpus import AUTHORITY

# Four documents: 0 sent by Stalin, 1 by Stalin and Mao, 2 by nobody, 3 by Mao.
SENDERS = Facet("senders", ("Joseph Stalin", "Mao Zedong"), np.array([0, 1, 3, 3, 4], dtype=np.int32),
                np.array([0, 0, 1, 1], dtype=np.int32))
YEARS = Facet("years", ("1951", "1950", "1953"), np.array([0, 1, 2, 3, 5], dtype=np.int32),
              np.array([0, 0, 1, 2, 0], dtype=np.int32))
ALL = np.ones(4, dtype=bool)


def column(name="sender", facet=SENDERS, **spec_changes):
    return FacetColumn.build(replace(FACET_BY_NAME[name], **spec_changes), facet)


def test_counts_are_documents_per_value_within_the_mask():
    senders = column()
    assert senders.counts(ALL).tolist() == [2, 2]
    assert senders.counts(np.array([False, True, True, False])).tolist() == [1, 1]


def test_selection_is_an_or_within_the_facet():
    senders = column()
    assert senders.mask_for([0], 4).tolist() == [True, True, False, False]
    assert senders.mask_for([0, 1], 4).tolist() == [True, True, False, True]
    assert senders.mask_for([], 4).tolist() == [False] * 4


def test_names_are_looked_up_in_any_spelling_other_values_by_folded_text():
    senders = column()
    assert senders.lookup("Filippov", AUTHORITY) == [0]
    assert senders.lookup("毛泽东", AUTHORITY) == [1]
    assert senders.lookup("joseph stalin", AUTHORITY) == [0]
    assert senders.lookup("Truman", AUTHORITY) == []
    not_names = column(authority=False)
    assert not_names.lookup("Filippov", AUTHORITY) == []


def test_entries_by_count_then_name_with_selected_and_unknown_values_kept():
    entries = facet_entries(column(), ALL, {1}, ["Truman"], limit=1)
    assert [(e["value"], e["count"], e["selected"]) for e in entries] == [
        ("Joseph Stalin", 2, False), ("Mao Zedong", 2, True), ("Truman", 0, True)]


def test_entries_filtered_by_folded_text_and_in_value_order_when_the_facet_says_so():
    assert [e["value"] for e in facet_entries(column(), ALL, set(), [], None, facet_q="MAO")] == ["Mao Zedong"]
    by_count = facet_entries(column("year", YEARS, value_order="count"), ALL, set(), [], None)
    assert [e["value"] for e in by_count] == ["1951", "1950", "1953"]
    by_value = facet_entries(column("year", YEARS, value_order="value"), ALL, set(), [], None)
    assert [(e["value"], e["count"]) for e in by_value] == [("1950", 1), ("1951", 3), ("1953", 1)]


def test_find_looks_names_up_in_any_spelling_or_script():
    def find(typed):
        entries = facet_entries(column(), ALL, {0}, [], None, facet_q=typed, authority=AUTHORITY)
        return [e["value"] for e in entries]

    assert find("Filippov") == ["Joseph Stalin"]
    assert find("Mao Tse") == ["Mao Zedong"]
    assert find("毛") == ["Mao Zedong"]
    assert find("стал") == ["Joseph Stalin"]
    assert find("Truman") == [], "a selected value that does not match is not listed while finding"
    assert find("") == ["Joseph Stalin", "Mao Zedong"]


def test_a_sort_asked_for_overrides_the_facets_own_order():
    years = column("year", YEARS)
    assert [e["value"] for e in facet_entries(years, ALL, set(), [], None)] == ["1950", "1951", "1953"]
    assert [e["value"] for e in facet_entries(years, ALL, set(), [], None, sort="count")] == ["1951", "1950", "1953"]
    senders = column()
    assert [e["value"] for e in facet_entries(senders, ALL, set(), [], None, sort="value")] == [
        "Joseph Stalin", "Mao Zedong"]


def test_common_values_counted_from_bitmaps_agree_with_rare_values_counted_from_entries():
    """A large facet counts its common values from bitmaps and the others from their entries: every split
    between the two gives the same counts and the same selections."""
    rng = np.random.default_rng(7)
    size, values = 1_000, 40
    per_document = rng.integers(0, 4, size)
    ids = np.concatenate([rng.choice(values, n, replace=False, p=_skewed(values)) for n in per_document])
    facet = Facet("people", tuple(f"Person {i}" for i in range(values)),
                  np.concatenate(([0], np.cumsum(per_document))).astype(np.int32), ids.astype(np.int32))
    masks = [rng.random(size) < share for share in (0.0, 0.1, 0.5, 1.0)]
    expected = [np.bincount(ids[mask[np.repeat(np.arange(size), per_document)]], minlength=values)
                for mask in masks]
    for bitmap_values in (0, 3, values):
        people = FacetColumn.build(FACET_BY_NAME["person"], facet, bitmap_values=bitmap_values)
        assert len(people.common) == min(bitmap_values, int((np.bincount(ids) * 64 >= size).sum()))
        for mask, counts in zip(masks, expected):
            assert people.counts(mask).tolist() == counts.tolist()
        for chosen in ([0], [1, 39], [5, 6, 7]):
            carries = np.array([bool(set(chosen) & set(facet.value_ids[start:end].tolist()))
                                for start, end in zip(facet.offsets[:-1], facet.offsets[1:])])
            assert people.mask_for(chosen, size).tolist() == carries.tolist()


def _skewed(values):
    weights = 1 / np.arange(1, values + 1)
    return weights / weights.sum()
