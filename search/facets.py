"""Facet counting, selection and value lookup, and the timeline histogram, vectorised over boolean masks of
document numbers: the one place facet values are counted (facets are declared in `index/facets.py`).

Each facet is counted over the documents matching the query, the date range and every *other* facet's
filter, so values of a facet with a selection stay selectable (OR within a facet, AND across facets).
The histogram counts a document in every bin its date range overlaps (a "June–July 1950" document adds
one to June and one to July): by day when the span is at most 62 days, by month up to 48 months, else by year.
At the day level a document dated only to a longer stretch (a month, "late June") is not spread over days; it
is counted apart (`undated_days`), so a day's bar means documents of that day.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from corpus.authority import fold
from corpus.dates import MONTH_NAMES
from index.columns import Facet
from index.facets import FacetSpec
from search.dates import ymd_to_iso
from search.request import NONE

FACET_LIMIT = 10
MONTHLY_UP_TO = 48
DAILY_UP_TO = 62
_EPOCH = date(1970, 1, 1)
LONGEST_DAY_SPAN = 7  # days: "16–17 June" counts on both days, "June 1950" on none


BITMAP_SHARE = 64  # a value carried by at least 1/64 of the documents is counted from a bitmap …
BITMAP_VALUES = 128  # … for at most this many values per facet (each bitmap is documents/8 bytes)
BITMAP_CHUNK_BYTES = 32 * 2**20  # the boolean rows bitmaps are packed from, at most this much at a time


@dataclass(frozen=True)
class FacetColumn:
    """One facet of one generation: its spec, its CSR column, and what counting and masks read, built once per
    generation: a bitmap of documents for each common value (counting one is an AND and a popcount over
    documents/64 words, where walking its entries would touch each of them: at a million documents the
    "People mentioned" facet holds 7 million entries) and the (owner docnum, value id) entries of the rarer
    values; plus a folded value → id table for lookups."""

    spec: FacetSpec
    column: Facet
    size: int  # documents
    common: np.ndarray  # int64 ids of the values that have a bitmap
    bitmaps: np.ndarray  # uint64 (len(common), words): bit d of row i set when document d carries common[i]
    rare_owners: np.ndarray  # int32 docnum of every entry of the other values …
    rare_values: np.ndarray  # … and its value id
    by_fold: dict[str, int]
    search_texts: list[str] = field(default_factory=list, compare=False, repr=False)  # filled on first find

    @classmethod
    def build(cls, spec: FacetSpec, column: Facet, bitmap_values: int = BITMAP_VALUES) -> "FacetColumn":
        size = len(column.offsets) - 1
        value_ids = np.asarray(column.value_ids)
        owners = np.repeat(np.arange(size, dtype=np.int32), np.diff(column.offsets))
        frequency = np.bincount(value_ids, minlength=len(column.values))
        by_frequency = np.argsort(-frequency, kind="stable")[:bitmap_values]
        common = np.sort(by_frequency[frequency[by_frequency] * BITMAP_SHARE >= max(size, 1)])
        row = np.full(len(column.values) + 1, -1, dtype=np.int64)
        row[common] = np.arange(len(common))
        entry_rows = row[value_ids]
        rare = entry_rows < 0
        by_fold: dict[str, int] = {}
        for value_id, value in enumerate(column.values):
            by_fold.setdefault(fold(value), value_id)
        return cls(spec, column, size, common.astype(np.int64), _bitmaps(entry_rows, owners, len(common), size),
                   owners[rare], value_ids[rare], by_fold)

    @property
    def values(self) -> tuple[str, ...]:
        return self.column.values

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents of `mask` (boolean over docnums) carry each value id."""
        counts = np.zeros(len(self.values), dtype=np.int64)
        if len(self.common):
            counts[self.common] = np.bitwise_count(self.bitmaps & packed(mask)).sum(axis=1, dtype=np.int64)
        if len(self.rare_owners):
            counts += np.bincount(self.rare_values[mask[self.rare_owners]], minlength=len(self.values))
        return counts

    def empty_mask(self, size: int) -> np.ndarray:
        """Documents with no value in this facet (the 'unknown' bucket)."""
        mask = np.zeros(size, dtype=bool)
        counts = np.diff(self.column.offsets)
        mask[: len(counts)] = counts == 0
        return mask

    def mask_for(self, value_ids: list[int], size: int) -> np.ndarray:
        """Boolean mask of documents carrying any of the given value ids (the OR within one facet)."""
        mask = np.zeros(size, dtype=bool)
        rows = np.flatnonzero(np.isin(self.common, value_ids))
        if len(rows):
            words = np.bitwise_or.reduce(self.bitmaps[rows], axis=0)
            mask[:self.size] = np.unpackbits(words.view(np.uint8), count=self.size, bitorder="little").view(bool)
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        wanted[value_ids] = True
        mask[self.rare_owners[wanted[self.rare_values]]] = True
        return mask

    def matching(self, facet_q: str, authority) -> set[int]:
        """Ids of values whose name, or any spelling or script the authority knows for it, contains `facet_q`
        (folded): "Peking" finds Beijing, "Шты" Terentii Shtykov, "김" Kim Il Sung."""
        needle = fold(facet_q)
        if not needle:
            return set(range(len(self.values)))
        if not self.search_texts:
            self.search_texts.extend(self._search_text(value, authority) for value in self.values)
        return {i for i, text in enumerate(self.search_texts) if needle in text}

    def _search_text(self, value: str, authority) -> str:
        forms = {fold(value)}
        entry = authority.resolve(value) if self.spec.authority and authority is not None else None
        if entry is not None:
            forms.update(fold(form) for form in entry.forms)
        return "\n".join(sorted(forms))

    def lookup(self, raw: str, authority) -> list[int]:
        """Id of the value a user's value stands for (at most one): through the authority for names (any
        spelling), else by folded text ("TELEGRAM" is "telegram")."""
        candidates = [raw]
        if self.spec.authority:
            entry = authority.resolve(raw)
            if entry is not None:
                candidates.insert(0, entry.canonical)
        for candidate in candidates:
            value_id = self.by_fold.get(fold(candidate))
            if value_id is not None:
                return [value_id]
        return []


def packed(mask: np.ndarray) -> np.ndarray:
    """A boolean mask over docnums as uint64 words, bit d of the mask at bit d % 64 of word d // 64 (the layout
    of `FacetColumn.bitmaps`)."""
    words = np.zeros(((len(mask) + 63) // 64) * 8, dtype=np.uint8)
    bits = np.packbits(mask, bitorder="little")
    words[:len(bits)] = bits
    return words.view(np.uint64)


def _bitmaps(entry_rows: np.ndarray, owners: np.ndarray, rows: int, size: int) -> np.ndarray:
    """uint64 (rows, words) bitmaps from entries (row, or -1 for an entry without one, and owner docnum): the
    rows are set as booleans and packed a few at a time, so the boolean matrix is never whole in memory."""
    words = (size + 63) // 64
    bitmaps = np.zeros((rows, words), dtype=np.uint64)
    step = max(1, BITMAP_CHUNK_BYTES // max(size, 1))
    for first in range(0, rows, step):
        last = min(rows, first + step)
        chosen = (entry_rows >= first) & (entry_rows < last)
        block = np.zeros((last - first, words * 64), dtype=bool)
        block[entry_rows[chosen] - first, owners[chosen]] = True
        bitmaps[first:last] = np.packbits(block, axis=1, bitorder="little").view(np.uint64)
    return bitmaps


VALUE_SORTS = ("count", "value")


def facet_entries(column: FacetColumn, mask, selected_ids, selected_raw, limit, facet_q="", authority=None,
                  sort: str | None = None, excluded_ids=(), unknown=None) -> list[dict]:
    """[{value, label, count, selected, excluded}] by count (then A–Z) or by value (`sort`, default the facet's
    order).

    `facet_q` keeps the values whose name in any spelling or script contains it (through `authority`); without
    it the selected and excluded values are always listed, so they can be removed, and `unknown` = (count,
    selected, excluded) of the documents without a value is listed last as `__none__`.
    """
    counts = column.counts(mask)
    values = column.values
    candidates = np.flatnonzero(counts).tolist()
    if facet_q:
        found = column.matching(facet_q, authority)
        candidates = [i for i in candidates if i in found]
    if (sort or column.spec.value_order) == "value":
        order = sorted(candidates, key=lambda i: (fold(values[i]), values[i]))
    else:
        order = sorted(candidates, key=lambda i: (-int(counts[i]), fold(values[i]), values[i]))
    if limit is not None:
        order = order[:limit]
    chosen = set(order)
    entries = [{"value": values[i], "label": values[i], "count": int(counts[i]),
                "selected": i in selected_ids, "excluded": i in excluded_ids} for i in order]
    if facet_q:
        return entries
    for i in [*selected_ids, *excluded_ids]:
        if i not in chosen:
            chosen.add(i)
            entries.append({"value": values[i], "label": values[i], "count": int(counts[i]),
                            "selected": i in selected_ids, "excluded": i in excluded_ids})
    for raw in selected_raw:  # a selected value the index does not know still shows, so it can be removed
        entries.append({"value": raw, "label": raw, "count": 0, "selected": True, "excluded": False})
    if unknown is not None and (unknown[0] or unknown[1] or unknown[2]) and not facet_q:
        entries.append({"value": NONE, "label": "unknown", "count": unknown[0], "selected": unknown[1],
                        "excluded": unknown[2]})
    return entries


def histogram(starts: np.ndarray, ends: np.ndarray, window: tuple[int, int] | None) -> dict:
    """Bins over the dated documents given (start/end YYYYMMDD ints), clipped to the requested range."""
    if len(starts) == 0:
        return {"unit": "year", "bins": []}
    low, high = int(starts.min()), int(ends.max())
    if window:  # a bounded side of the requested range is shown whole (all of June, not just its dated days)
        low = window[0] if window[0] > 0 else low
        high = window[1] if window[1] < 99991231 else high
    if high < low:
        return {"unit": "year", "bins": []}
    first_day, last_day = _day_index(low), _day_index(high)
    if last_day - first_day + 1 <= DAILY_UP_TO:
        short = (_day_index(ends) - _day_index(starts)) < LONGEST_DAY_SPAN
        s = np.clip(_day_index(starts[short]), first_day, last_day) - first_day
        e = np.clip(_day_index(ends[short]), first_day, last_day) - first_day
        counts = _overlap_counts(s, e, last_day - first_day + 1)
        return {"unit": "day", "bins": [_day_bin(first_day + i, int(c)) for i, c in enumerate(counts)],
                "undated_days": int((~short).sum())}
    first, last = _month_index(low), _month_index(high)
    if last - first + 1 <= MONTHLY_UP_TO:
        s = np.clip(_month_index(starts), first, last) - first
        e = np.clip(_month_index(ends), first, last) - first
        counts = _overlap_counts(s, e, last - first + 1)
        return {"unit": "month", "bins": [_month_bin(first + i, int(c)) for i, c in enumerate(counts)]}
    y0, y1 = low // 10000, high // 10000
    s = np.clip(starts // 10000, y0, y1) - y0
    e = np.clip(ends // 10000, y0, y1) - y0
    counts = _overlap_counts(s, e, y1 - y0 + 1)
    keep = _without_long_gaps(counts)
    return {"unit": "year", "bins": [_year_bin(y0 + i, int(c)) for i, c in enumerate(counts) if keep[i]]}


def _without_long_gaps(counts: np.ndarray, longest: int = 2) -> np.ndarray:
    """Drop runs of more than `longest` empty years (1954 … 1995 for a late article), so the war years stay wide."""
    keep = np.ones(len(counts), dtype=bool)
    run_start = None
    for i, count in enumerate(list(counts) + [1]):
        if count == 0 and run_start is None:
            run_start = i
        elif count != 0 and run_start is not None:
            if i - run_start > longest:
                keep[run_start:i] = False
            run_start = None
    return keep


def _day_index(ymd):
    """Days since 1970-01-01 of YYYYMMDD ints (an array or one int), vectorised through datetime64."""
    ymd = np.asarray(ymd, dtype=np.int64)
    months = ((ymd // 10000 - 1970) * 12 + ymd // 100 % 100 - 1).astype("datetime64[M]")
    return (months.astype("datetime64[D]") + (ymd % 100 - 1)).astype(np.int64)


def _day_bin(index: int, count: int) -> dict:
    day = _EPOCH + timedelta(days=int(index))
    iso = day.isoformat()
    return {"key": iso, "label": f"{day.day} {MONTH_NAMES[day.month]} {day.year}", "from": iso, "to": iso,
            "count": count}


def _month_index(ymd):
    return (ymd // 10000) * 12 + (ymd // 100 % 100) - 1


def _overlap_counts(first_bins: np.ndarray, last_bins: np.ndarray, size: int) -> np.ndarray:
    """A document counts once in every bin from its first to its last (difference array + cumsum)."""
    delta = np.zeros(size + 1, dtype=np.int64)
    np.add.at(delta, first_bins, 1)
    np.add.at(delta, last_bins + 1, -1)
    return np.cumsum(delta[:-1])


def _month_bin(index: int, count: int) -> dict:
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return {"key": f"{year:04d}-{month:02d}", "label": f"{MONTH_NAMES[month]} {year}",
            "from": ymd_to_iso(year * 10000 + month * 100 + 1), "to": ymd_to_iso(year * 10000 + month * 100 + last),
            "count": count}


def _year_bin(year: int, count: int) -> dict:
    return {"key": f"{year:04d}", "label": str(year), "from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31",
            "count": count}
