"""Date bounds of a search: YYYY, YYYY-MM or YYYY-MM-DD, widened to whole months/years, as YYYYMMDD ints.

People type "June 1950", "1950/06", "25 June 1950" or "1950-6-25"; `read_bound` turns what they typed into the
canonical bound (or says exactly what is wrong). The index stores `date_start`/`date_end` as ints YYYYMMDD
(0 when undated), so the filter compares ints.
"""
from __future__ import annotations

import calendar
import re

from corpus.dates import MONTH_NAMES, parse_date

_BOUND_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TYPED_NUMERIC_RE = re.compile(r"^(\d{4})(?:\s*([-/.])\s*(\d{1,2})(?:\s*\2\s*(\d{1,2}))?)?$")
BOUND_EXAMPLES = "1950, June 1950, 25 June 1950 or 1950-06-25"


class DateInputError(ValueError):
    """A typed date that names no year, month or day; `reason` says why in words for the form."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_bound(text: str) -> str:
    """A date as a person types it, as the canonical bound it names: '1950', '1950-06' or '1950-06-25'.

    >>> [read_bound(t) for t in ("June 1950", "1950/06", "25 June 1950", "1950-6-25")]
    ['1950-06', '1950-06', '1950-06-25', '1950-06-25']
    """
    typed = " ".join(text.split())
    match = _TYPED_NUMERIC_RE.match(typed)
    if match:
        year, _, month, day = match.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    if re.search(r"[^\W\d_]", typed):
        found = parse_date(typed)
        if found.precision in ("year", "month", "day"):
            return found.start[: {"year": 4, "month": 7, "day": 10}[found.precision]]
        impossible = re.match(r"^(\d{1,2})\s+(\w+)\.?,?\s+(\d{4})$|^(\w+)\.?\s+(\d{1,2}),?\s+(\d{4})$", typed)
        if impossible:
            day, month_word, year = ((impossible.group(1), impossible.group(2), impossible.group(3))
                                     if impossible.group(1) else impossible.group(5, 4, 6))
            month = parse_date(f"{month_word} {year}")
            if month.precision == "month":
                return _checked(int(year), int(month.start[5:7]), int(day))
    raise DateInputError(f"'{_shown(typed)}' is not a date this search can read; write {BOUND_EXAMPLES}")


def _checked(year: int, month: int | None, day: int | None) -> str:
    if year < 1:
        raise DateInputError(f"there is no year {year:04d}; write {BOUND_EXAMPLES}")
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise DateInputError(f"there is no month {month} (months run from 1 to 12); write {BOUND_EXAMPLES}")
    if day is None:
        return f"{year:04d}-{month:02d}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateInputError(f"{MONTH_NAMES[month]} {year} has {last} days, so there is no {day} {MONTH_NAMES[month]} {year}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def parse_bound(text: str, *, end: bool) -> int | None:
    """YYYYMMDD of the first (or, with `end`, the last) day the text names; None when it is not a valid bound."""
    match = _BOUND_RE.match(text)
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if year < 1 or not 1 <= month <= 12:
        return None
    last_day = calendar.monthrange(year, month)[1]
    if match.group(3):
        day = int(match.group(3))
        if not 1 <= day <= last_day:
            return None
    else:
        day = last_day if end else 1
    return year * 10000 + month * 100 + day


def bound_label(text: str) -> str:
    """Words for a bound as typed: '1950', 'June 1950', '25 June 1950'."""
    parts = text.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTH_NAMES[int(parts[1])]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def ymd_to_iso(value: int) -> str:
    """20 June 1950 as 19500620 → '1950-06-20'; 0 → ''."""
    if not value:
        return ""
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"

