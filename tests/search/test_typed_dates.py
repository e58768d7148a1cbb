"""Dates as people type them into the search form, read into canonical bounds (a pure parser)."""
from __future__ import annotations

import pytest

from search.dates import DateInputError, read_bound


@pytest.mark.parametrize("typed, bound", [
    ("1950", "1950"), ("1950-06", "1950-06"), ("1950-06-25", "1950-06-25"),
    ("June 1950", "1950-06"), ("june 1950", "1950-06"), ("Jun. 1950", "1950-06"), ("Sept 1951", "1951-09"),
    ("1950/06", "1950-06"), ("1950/6", "1950-06"), ("1950.06", "1950-06"),
    ("25 June 1950", "1950-06-25"), ("June 25, 1950", "1950-06-25"), ("1950-6-25", "1950-06-25"),
    ("1950/6/25", "1950-06-25"), ("  25   June 1950 ", "1950-06-25"), ("1952-02-29", "1952-02-29"),
])
def test_what_people_type_becomes_a_canonical_bound(typed, bound):
    assert read_bound(typed) == bound


@pytest.mark.parametrize("typed, words", [
    ("1950-13", "no month 13"), ("1950-00", "no month 0"), ("1950-02-30", "February 1950 has 28 days"),
    ("1951-02-29", "February 1951 has 28 days"), ("31 June 1950", "June 1950 has 30 days"),
    ("June 31, 1950", "June 1950 has 30 days"), ("0000", "no year 0000"),
    ("Junk 1950", "not a date"), ("50", "not a date"), ("19500601", "not a date"), ("1950-06/25", "not a date"),
    ("late June 1950", "not a date"), ("between 1950 and 1951", "not a date"),
])
def test_impossible_or_unreadable_dates_say_why(typed, words):
    with pytest.raises(DateInputError) as caught:
        read_bound(typed)
    assert words in caught.value.reason
