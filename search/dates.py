"""Date bounds of a search: YYYY, YYYY-MM or YYYY-MM-DD as typed, widened to whole months/years, as YYYYMMDD ints.

The index stores `date_start`/`date_end` as ints YYYYMMDD (0 when undated), so the filter compares ints.
"""
from __future__ import annotations

import calendar
import re

from corpus.dates import MONTH_NAMES

_BOUND_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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

