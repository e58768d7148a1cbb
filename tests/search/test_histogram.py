"""The timeline's bins: months for short spans, years for long ones, long empty stretches left out."""
import numpy as np

from search.facets import _without_long_gaps, histogram


def test_a_late_outlier_does_not_flatten_the_war_years():
    starts = np.array([19500705, 19510101, 19950805])
    ends = np.array([19500705, 19511231, 19950805])
    keys = [b["key"] for b in histogram(starts, ends, None)["bins"]]
    assert keys == ["1950", "1951", "1995"]


def test_short_gaps_and_month_bins_are_kept():
    assert _without_long_gaps(np.array([3, 0, 0, 4, 0, 0, 0, 1])).tolist() == [True] * 4 + [False] * 3 + [True]
    short = histogram(np.array([19500705]), np.array([19500915]), None)
    assert short["unit"] == "month" and [b["count"] for b in short["bins"]] == [1, 1, 1]
