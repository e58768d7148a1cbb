"""Editors' date strings ("5 July 1950", "7, 10, 13 September", "No date; written after 27 July [1953]") as the
date range a document really covers, with the label a reader sees; stdlib only, and it never raises."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from corpus.model import DateRange

MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
ROMAN_MONTHS = {r: i for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII".split(), start=1)}
MONTH_NAMES = tuple(calendar.month_name)  # "", "January" … "December": a month's name by its number

_MONTH = r"(?P<{0}>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>\d{{1,2}})(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>1[89]\d\d|20\d\d)"


def _pattern(template: str) -> re.Pattern[str]:
    """Expand {m1} {d1} {y1}… into named groups so each shape reads like the text it matches."""
    def expand(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(0)[1:-1]
        return {"m": _MONTH, "d": _DAY, "y": _YEAR}[kind].format(name)

    return re.compile("^" + re.sub(r"\{([mdy])\d\}", expand, template) + "$", re.IGNORECASE)


@dataclass(frozen=True)
class _Day:
    year: int | None
    month: int
    day: int


# Shapes of a single day or a span; "y" groups are optional where editors leave the year to the context.
_SPANS = tuple(
    _pattern(p)
    for p in (
        r"{d1}\s*-\s*{d2}\s+{m1},?(?:\s+{y1})?",                        # 16-17 June 1950
        r"{m1}\s+{d1}\s*-\s*{d2},?(?:\s+{y1})?",                        # June 16-17, 1950
        r"{d1}\s+{m1}(?:\s+{y1})?\s*-\s*{d2}\s+{m2},?(?:\s+{y2})?",     # 30 June - 1 July 1950
        r"{m1}\s+{d1},?(?:\s+{y1})?\s*-\s*{m2}\s+{d2},?(?:\s+{y2})?",   # Sept. 16-Oct. 15, 1950
        r"{d1}\s+{m1}\s+{y1}\s+to\s+{d2}\s+{m2}\s+{y2}",                # 1 March 1953 to 30 April 1953
        r"(?:between\s+)?{d1}\s+{m1}(?:\s+{y1})?\s+(?:and|to)\s+{d2}\s+{m2},?(?:\s+{y2})?",
    )
)
_DAY_SHAPES = tuple(
    _pattern(p)
    for p in (
        r"{d1}\s+{m1},?(?:\s+{y1})?",                                   # 5 July 1950
        r"{m1}\s+{d1},?(?:\s+{y1})?",                                   # July 5, 1950
    )
)
_DAY_LIST = _pattern(r"(?P<days>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})+)\s+{m1},?(?:\s+{y1})?")
_MONTH_SHAPE = _pattern(r"{m1},?\s+{y1}")
_MONTH_SPAN = _pattern(r"{m1}(?:\s+{y1})?\s*-\s*{m2},?\s+{y2}")
_YEAR_SHAPE = _pattern(r"{y1}")
_BARE_MONTH = _pattern(r"{m1}")
_NUMERIC = re.compile(r"^(\d{1,2})([./])(\d{1,2}|[IVX]{1,4})\2(\d{2}|\d{4})$", re.IGNORECASE)

_PART_OF_MONTH = re.compile(r"^(early|beginning of|mid|middle of|late|end of)[\s-]+(?:of\s+)?(.+)$", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:circa|ca\.|c\.|approx\.?|approximately|about|around)\s*(.+)$", re.IGNORECASE)
_AFTER = re.compile(r"^(?:no date[;:,.]?\s*)?(?:written\s+)?(?:after|not earlier than|later than)\s+(.+)$",
                    re.IGNORECASE)
_BEFORE = re.compile(r"^(?:no date[;:,.]?\s*)?(?:written\s+)?(?:before|not later than|by)\s+(.+)$", re.IGNORECASE)
_NO_DATE = re.compile(r"^(?:no date|undated|n\.\s?d\.)\s*[;:,.]?\s*", re.IGNORECASE)


def parse_date(text: str, year_hint: int | None = None) -> DateRange:
    """The range `text` names; year-less dates take `year_hint`; anything unreadable is "unknown", never an error."""
    cleaned = clean_date_text(text)
    try:
        for candidate in _bracket_readings(cleaned):
            found = _parse_clean(candidate, year_hint)
            if found is not None:
                return found
    except (ValueError, OverflowError):
        pass  # an impossible day such as 31 June falls through to "unknown"
    return DateRange(label=cleaned, precision="unknown")


def clean_date_text(text: str) -> str:
    """Whitespace collapsed, dashes unified, wrapping parentheses and trailing punctuation dropped."""
    value = re.sub(r"\s+", " ", str(text or "")).strip()
    value = re.sub(r"\s*[\u2012\u2013\u2014\u2015\u2212]\s*", " - ", value)
    value = re.sub(r"(?<=\w)-(?=\s*[A-Za-z])", " - ", value) if re.search(r"\d", value) else value
    while len(value) > 1 and value[0] == "(" and value[-1] == ")":
        value = value[1:-1].strip()
    return value.strip(" .,;:")


def _bracket_readings(text: str) -> list[str]:
    """Editors' brackets either supply ("[1953]") or correct ("8 [7] October"): try both readings."""
    corrected = re.sub(r"(?<=\d)\s*\[\d{1,2}\]", "", text)
    unwrapped = re.sub(r"[\[\]]", "", corrected)
    dropped = re.sub(r"\s*\[[^\]]*\]", "", corrected)
    readings = []
    for reading in (unwrapped, dropped):
        reading = re.sub(r"\s+", " ", reading).strip(" .,;:")
        if reading and reading not in readings:
            readings.append(reading)
    return readings


def _parse_clean(text: str, hint: int | None) -> DateRange | None:
    text = re.sub(r"\s*-\s*", " - ", text)
    for pattern, handler in ((_AFTER, _after), (_BEFORE, _before), (_CIRCA, _circa), (_PART_OF_MONTH, _part)):
        match = pattern.match(text)
        if match:
            return handler(match, hint)
    text = _NO_DATE.sub("", text)
    return _exact(text, hint)


def _exact(text: str, hint: int | None) -> DateRange | None:
    """A day, a list of days, a span, a month, or a year: the shapes without qualifiers."""
    for pattern in _SPANS:
        match = pattern.match(text)
        if match:
            return _span_from_match(match, hint)
    for pattern in _DAY_SHAPES:
        match = pattern.match(text)
        if match:
            return _single_day(_day(match, 1, hint))
    match = _DAY_LIST.match(text)
    if match:
        days = [int(d) for d in re.findall(r"\d+", match.group("days"))]
        year = _year(match, 1, hint)
        month = MONTH_NUMBERS[match.group("m1").lower()]
        return _span(_Day(year, month, min(days)), _Day(year, month, max(days)))
    match = _NUMERIC.match(text)
    if match:
        return _numeric(match)
    match = _MONTH_SHAPE.match(text)
    if match:
        return _whole_month(int(match.group("y1")), MONTH_NUMBERS[match.group("m1").lower()])
    match = _MONTH_SPAN.match(text)
    if match:
        return _month_span(match)
    match = _BARE_MONTH.match(text)
    if match and hint:
        return _whole_month(hint, MONTH_NUMBERS[match.group("m1").lower()])
    match = _YEAR_SHAPE.match(text)
    if match:
        year = int(match.group("y1"))
        return DateRange(f"{year:04d}-01-01", f"{year:04d}-12-31", str(year), "year")
    return None


def _year(match: re.Match[str], index: int, hint: int | None) -> int | None:
    names = match.groupdict()
    own = names.get(f"y{index}")
    if own:
        return int(own)
    other = names.get(f"y{3 - index}")  # "16 June - 17 July 1950": the one year covers both ends
    return int(other) if other else hint


def _day(match: re.Match[str], index: int, hint: int | None) -> _Day:
    names = match.groupdict()
    month = names.get(f"m{index}") or names.get("m1")
    return _Day(_year(match, index, hint), MONTH_NUMBERS[month.lower()], int(names[f"d{index}"]))


def _span_from_match(match: re.Match[str], hint: int | None) -> DateRange | None:
    first, last = _day(match, 1, hint), _day(match, 2, hint)
    if first.year is not None and last.year is not None and (last.month, last.day) < (first.month, first.day) \
            and not match.groupdict().get("y1"):
        first = _Day(first.year - 1, first.month, first.day)  # "30 December - 2 January 1951"
    return _span(first, last)


def _span(first: _Day, last: _Day) -> DateRange | None:
    if first.year is None or last.year is None:
        return None
    start, end = _iso(first), _iso(last)
    if start == end:
        return _single_day(first)
    return DateRange(start, end, _span_label(first, last), "range")


def _single_day(day: _Day) -> DateRange | None:
    if day.year is None:
        return None
    return DateRange(_iso(day), _iso(day), _day_label(day), "day")


def _numeric(match: re.Match[str]) -> DateRange | None:
    """"5.7.50" is day.month.year (Russian usage, roman months too); "07/05/50" is the US month/day/year."""
    first, sep, second, year_text = match.groups()
    year = int(year_text) + (1900 if len(year_text) == 2 else 0)
    if second.upper() in ROMAN_MONTHS:
        day, month = int(first), ROMAN_MONTHS[second.upper()]
    elif sep == "/":
        month, day = int(first), int(second)
    else:
        day, month = int(first), int(second)
    return _single_day(_Day(year, month, day))


def _whole_month(year: int, month: int) -> DateRange:
    last = calendar.monthrange(year, month)[1]
    return DateRange(f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}",
                     f"{MONTH_NAMES[month]} {year}", "month")


def _month_span(match: re.Match[str]) -> DateRange:
    year2 = int(match.group("y2"))
    year1 = int(match.group("y1") or year2)
    first = _whole_month(year1, MONTH_NUMBERS[match.group("m1").lower()])
    last = _whole_month(year2, MONTH_NUMBERS[match.group("m2").lower()])
    return DateRange(first.start, last.end, f"{first.label} \u2013 {last.label}"
                     if year1 != year2 else f"{MONTH_NAMES[MONTH_NUMBERS[match.group('m1').lower()]]} \u2013 {last.label}",
                     "range")


def _after(match: re.Match[str], hint: int | None) -> DateRange | None:
    """"Written after 27 July 1953": from that day to the end of its year, the latest the editors allow."""
    inner = _exact(match.group(1), hint)
    if inner is None or not inner.is_dated:
        return None
    return DateRange(inner.start, f"{inner.start[:4]}-12-31", f"after {inner.label}", "after")


def _before(match: re.Match[str], hint: int | None) -> DateRange | None:
    inner = _exact(match.group(1), hint)
    if inner is None or not inner.is_dated:
        return None
    return DateRange(f"{inner.end[:4]}-01-01", inner.end, f"before {inner.label}", "before")


def _circa(match: re.Match[str], hint: int | None) -> DateRange | None:
    inner = _exact(match.group(1), hint)
    if inner is None:
        return None
    return DateRange(inner.start, inner.end, f"circa {inner.label}", "circa")


_PARTS = {"early": (1, 10), "beginning of": (1, 10), "mid": (11, 20), "middle of": (11, 20),
          "late": (21, 31), "end of": (21, 31)}


def _part(match: re.Match[str], hint: int | None) -> DateRange | None:
    """"Late June 1950" is 21–30 June; of a year, "early 1951" is its first third."""
    part = re.sub(r"\s+", " ", match.group(1).lower())
    inner = _exact(match.group(2), hint)
    if inner is None or inner.precision not in ("month", "year"):
        return None
    written = re.sub(r"\s+", " ", match.group(1))
    label = f"{written}-{inner.label}" if part == "mid" else f"{written} {inner.label}"
    year = int(inner.start[:4])
    if inner.precision == "year":
        first_month, last_month = {"early": (1, 4), "beginning of": (1, 4), "mid": (5, 8), "middle of": (5, 8),
                                   "late": (9, 12), "end of": (9, 12)}[part]
        last_day = calendar.monthrange(year, last_month)[1]
        return DateRange(f"{year:04d}-{first_month:02d}-01", f"{year:04d}-{last_month:02d}-{last_day:02d}",
                         label, "range")
    month = int(inner.start[5:7])
    first, last = _PARTS[part]
    last = min(last, calendar.monthrange(year, month)[1])
    return DateRange(f"{year:04d}-{month:02d}-{first:02d}", f"{year:04d}-{month:02d}-{last:02d}", label, "range")


def _iso(day: _Day) -> str:
    calendar.monthrange(day.year, day.month)  # rejects month 13
    if not 1 <= day.day <= calendar.monthrange(day.year, day.month)[1]:
        raise ValueError(f"no day {day.day} in month {day.month}")
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _day_label(day: _Day) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def _span_label(first: _Day, last: _Day) -> str:
    if first.year != last.year:
        return f"{_day_label(first)} \u2013 {_day_label(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTH_NAMES[first.month]} \u2013 {_day_label(last)}"
    return f"{first.day}\u2013{last.day} {MONTH_NAMES[last.month]} {last.year}"
