"""parse_date over the shapes the five collections really use."""
import pytest

from corpus.dates import parse_date
from corpus.model import PRECISIONS


@pytest.mark.parametrize(
    ("text", "hint", "start", "end", "label", "precision"),
    [
        ("5 July 1950", None, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        ("July 5, 1950", None, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        ("(May 15, 1949)", None, "1949-05-15", "1949-05-15", "15 May 1949", "day"),
        ("October 7, 1950", None, "1950-10-07", "1950-10-07", "7 October 1950", "day"),
        ("5.7.50", None, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        ("07/05/50", None, "1950-07-05", "1950-07-05", "5 July 1950", "day"),  # US month/day in mansourov
        ("1.X.1952", None, "1952-10-01", "1952-10-01", "1 October 1952", "day"),
        ("5.7.50 [5 July 1950]", None, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        ("8 [7] October 1950", None, "1950-10-08", "1950-10-08", "8 October 1950", "day"),
        ("5 July", 1950, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        ("June 1951", None, "1951-06-01", "1951-06-30", "June 1951", "month"),
        ("February 1952", None, "1952-02-01", "1952-02-29", "February 1952", "month"),
        ("June", 1951, "1951-06-01", "1951-06-30", "June 1951", "month"),
        ("1950", None, "1950-01-01", "1950-12-31", "1950", "year"),
        ("16-17 June 1950", None, "1950-06-16", "1950-06-17", "16–17 June 1950", "range"),
        ("16–17 June", 1950, "1950-06-16", "1950-06-17", "16–17 June 1950", "range"),
        ("7, 10, 13 September", 1952, "1952-09-07", "1952-09-13", "7–13 September 1952", "range"),
        ("30 June - 1 July 1950", None, "1950-06-30", "1950-07-01", "30 June – 1 July 1950", "range"),
        ("20 November – 31 December", 1952, "1952-11-20", "1952-12-31", "20 November – 31 December 1952", "range"),
        ("1 January– 28 February", 1953, "1953-01-01", "1953-02-28", "1 January – 28 February 1953", "range"),
        ("Sept. 16-Oct. 15, 1950", None, "1950-09-16", "1950-10-15", "16 September – 15 October 1950", "range"),
        ("30 December - 2 January 1951", None, "1950-12-30", "1951-01-02",
         "30 December 1950 – 2 January 1951", "range"),
        ("No date; between 19 May and 15 June", 1952, "1952-05-19", "1952-06-15", "19 May – 15 June 1952", "range"),
        ("NO DATE: May 19 – June 15 1952", None, "1952-05-19", "1952-06-15", "19 May – 15 June 1952", "range"),
        ("No date; written after 27 July [1953]", None, "1953-07-27", "1953-12-31", "after 27 July 1953", "after"),
        ("No date; Written after 15 September 1951", 1951, "1951-09-15", "1951-12-31",
         "after 15 September 1951", "after"),
        ("written after 27 July", 1953, "1953-07-27", "1953-12-31", "after 27 July 1953", "after"),
        ("before 25 June 1950", None, "1950-01-01", "1950-06-25", "before 25 June 1950", "before"),
        ("before September 1949", None, "1949-01-01", "1949-09-30", "before September 1949", "before"),
        ("circa June 1950", None, "1950-06-01", "1950-06-30", "circa June 1950", "circa"),
        ("approx. 5 July 1950", None, "1950-07-05", "1950-07-05", "circa 5 July 1950", "circa"),
        ("late June 1950", None, "1950-06-21", "1950-06-30", "late June 1950", "range"),
        ("early April 1949", None, "1949-04-01", "1949-04-10", "early April 1949", "range"),
        ("mid-August 1949", None, "1949-08-11", "1949-08-20", "mid-August 1949", "range"),
        ("mid October 1949", None, "1949-10-11", "1949-10-20", "mid-October 1949", "range"),
    ],
)
def test_shapes(text, hint, start, end, label, precision):
    date = parse_date(text, hint)
    assert (date.start, date.end, date.label, date.precision) == (start, end, label, precision)


@pytest.mark.parametrize("text", ["5 July", "June", "7, 10, 13 September", "written after 27 July"])
def test_year_less_dates_without_a_hint_are_unknown(text):
    date = parse_date(text)
    assert (date.start, date.end, date.precision) == ("", "", "unknown")
    assert date.label == text


@pytest.mark.parametrize(
    ("text", "label"),
    [("garbage", "garbage"), ("", ""), ("  31 June 1950 ", "31 June 1950"), ("30.2.51", "30.2.51"),
     ("\n  no   date \n", "no date"), (None, "")],
)
def test_unreadable_text_is_unknown_with_the_cleaned_text_as_label(text, label):
    date = parse_date(text)
    assert date == type(date)(label=label, precision="unknown")


def test_never_raises_and_always_answers_in_the_vocabulary():
    for text in ["99 Smarch 1950", "[", "(", "1950-1951-", "- -", "13/13/50", "0 July 1950", "32.1.50",
                 "after", "before ]", "late", "mid-", "x" * 10_000, "7, 10, 13 September 99999"]:
        date = parse_date(text, 1950)
        assert date.precision in PRECISIONS
        assert bool(date.start) == bool(date.end)
        assert date.start <= date.end
