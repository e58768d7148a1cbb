"""The timeline histogram as SVG geometry and HTML axis labels, computed on the server so it reads without JavaScript.

Bars are drawn in an SVG that stretches to the page's width; their labels are HTML placed by percentage, so they
keep their size (12 px) at every width. Which labels are shown is decided here: "major" labels never overlap on
a narrow phone, "minor" ones are added where the chart is wide enough (a CSS container query shows them).
A stretch of empty years the histogram left out is drawn as a marked break, not spaced like a year.
"""
from __future__ import annotations

from corpus.dates import MONTH_NAMES
from search.dates import parse_bound
from search.request import SearchRequest

WIDTH = 720
CHART_HEIGHT = 90
MIN_BAR = 2
GAP_SLOT = 0.6  # a left-out stretch of years takes this many bar widths
NARROW_PX = 320  # the chart's width on a 360 px phone: major labels fit here
WIDE_PX = 640  # minor labels fit from here (the container query in style.css uses the same width)
CHAR_PX = 7.5  # a conservative average advance of a 12 px label character
LABEL_GAP_PX = 6
UNIT_WORDS = {"year": "a year", "month": "a month", "day": "a day"}


def timeline(req: SearchRequest, histogram: dict | None) -> dict | None:
    """Bars, break marks, axis labels and zoom-out links; None when nothing is dated."""
    histogram = histogram or {}
    bins = histogram.get("bins") or []
    peak = max((b.get("count", 0) for b in bins), default=0)
    if not bins or peak == 0:
        return None
    unit = histogram.get("unit", "year")
    slots = _slots(bins, unit)
    total = sum(GAP_SLOT if kind == "gap" else 1 for kind, _ in slots)
    slot = WIDTH / total
    gap = min(2.0, slot * 0.2)
    bars, breaks, centres, x = [], [], [], 0.0
    for kind, item in slots:
        if kind == "gap":
            width = slot * GAP_SLOT
            breaks.append({"x": round(x + width / 2, 2), "label": f"No documents from {item[0]} to {item[1]}"})
            x += width
            continue
        count = int(item.get("count", 0))
        height = max(MIN_BAR, round(CHART_HEIGHT * count / peak, 1)) if count else 0
        bars.append({
            "x": round(x + gap / 2, 2), "width": round(slot - gap, 2), "y": round(CHART_HEIGHT - height, 1),
            "height": height, "count": count, "label": item.get("label") or item.get("key", ""),
            "url": _narrowed(req, item) if count else None,
        })
        centres.append((x + slot / 2) / WIDTH * 100)
        x += slot
    undated_days = int(histogram.get("undated_days") or 0)
    ticks = axis_labels(bins, centres, unit)
    return {
        "unit": unit, "bars": bars, "breaks": breaks, "ticks": ticks,
        "rows": max((tick["row"] for tick in ticks), default=1),
        "zoom_out": zoom_out(req), "width": WIDTH, "chart_height": CHART_HEIGHT, "peak": peak,
        "caption": f"Documents by {unit} (choose {UNIT_WORDS.get(unit, 'a bar')} to narrow the dates)",
        "note": (f"{undated_days} document{'' if undated_days == 1 else 's'} dated only to a month or a longer "
                 "stretch {} not shown by day.".format("is" if undated_days == 1 else "are")) if undated_days else "",
    }


def _slots(bins: list[dict], unit: str) -> list[tuple[str, object]]:
    """Bins in order, with a ("gap", (first, last)) between year bins whose years are not consecutive."""
    slots: list[tuple[str, object]] = []
    previous = None
    for item in bins:
        year = int(str(item.get("key", "0"))[:4] or 0)
        if unit == "year" and previous is not None and year - previous > 1:
            slots.append(("gap", (previous + 1, year - 1)))
        slots.append(("bin", item))
        previous = year
    return slots


def axis_labels(bins: list[dict], centres: list[float], unit: str) -> list[dict]:
    """Labels under the bars: row 1 names each bar (year, month or day), row 2 the enclosing year or month."""
    if unit == "year":
        first_row = [(centres[i], str(b["key"])[:4]) for i, b in enumerate(bins)]
        second_row = []
    elif unit == "month":
        first_row = [(centres[i], MONTH_NAMES[int(str(b["key"])[5:7])][:3]) for i, b in enumerate(bins)]
        second_row = _runs(bins, centres, lambda b: str(b["key"])[:4])
    else:
        first_row = [(centres[i], str(int(str(b["key"])[8:10]))) for i, b in enumerate(bins)]
        second_row = _runs(bins, centres, lambda b: f"{MONTH_NAMES[int(str(b['key'])[5:7])]} {str(b['key'])[:4]}")
    return [dict(label, row=row) for row, candidates in ((1, first_row), (2, second_row))
            for label in _spaced(candidates)]


def _runs(bins: list[dict], centres: list[float], name) -> list[tuple[float, str]]:
    """One label per run of bars that share a name (a year over its months), centred on the run."""
    runs: list[tuple[str, list[float]]] = []
    for item, centre in zip(bins, centres):
        text = name(item)
        if runs and runs[-1][0] == text:
            runs[-1][1].append(centre)
        else:
            runs.append((text, [centre]))
    return [((members[0] + members[-1]) / 2, text) for text, members in runs]


def _spaced(candidates: list[tuple[float, str]]) -> list[dict]:
    """Major labels that fit side by side at NARROW_PX, then minor ones that also fit at WIDE_PX."""
    majors = _fitting(candidates, NARROW_PX, [])
    everything = _fitting(candidates, WIDE_PX, majors)
    return [{"left": round(centre, 3), "text": text, "minor": (centre, text) not in majors}
            for centre, text in everything]


def _fitting(candidates, width_px: float, fixed: list) -> list[tuple[float, str]]:
    kept = list(fixed)
    for centre, text in candidates:
        if (centre, text) in kept:
            continue
        at, half = centre / 100 * width_px, len(text) * CHAR_PX / 2
        if at - half < 0 or at + half > width_px:
            continue
        clear = all(abs(at - other / 100 * width_px) >= half + len(words) * CHAR_PX / 2 + LABEL_GAP_PX
                    for other, words in kept)
        if clear:
            kept.append((centre, text))
    return sorted(kept)


def zoom_out(req: SearchRequest) -> list[dict]:
    """Links up a level: to the year a narrower range lies in, then to every year."""
    if not (req.date_from or req.date_to):
        return []
    links = []
    year_from, year_to = req.date_from[:4], req.date_to[:4]
    if year_from and year_from == year_to and not (req.date_from == req.date_to == year_from):
        links.append({"label": f"Zoom out to {year_from}", "url": req.with_dates(year_from, year_from).url()})
    links.append({"label": "Zoom out to all years", "url": req.with_dates("", "").url()})
    return links


def _narrowed(req: SearchRequest, item: dict) -> str:
    """A bar narrows the search to its own year, month or day: its key ("1950", "1950-06", "1950-06-25")."""
    key = str(item.get("key", ""))
    if parse_bound(key, end=False):
        return req.with_dates(key, key).url()
    return req.with_dates(str(item.get("from", "")), str(item.get("to", ""))).url()
