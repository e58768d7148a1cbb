"""The timeline histogram as SVG geometry, computed on the server so it reads without JavaScript."""
from __future__ import annotations

from search.dates import parse_bound
from search.request import SearchRequest

WIDTH = 720
CHART_HEIGHT = 90
AXIS_HEIGHT = 18
MIN_BAR = 2


def timeline(req: SearchRequest, histogram: dict | None) -> dict | None:
    """Bars (x, y, width, height, link) for each bin, and year labels under the axis; None when nothing is dated."""
    bins = (histogram or {}).get("bins") or []
    peak = max((b.get("count", 0) for b in bins), default=0)
    if not bins or peak == 0:
        return None
    slot = WIDTH / len(bins)
    gap = min(2.0, slot * 0.2)
    bars, labels, last_year = [], [], None
    for i, item in enumerate(bins):
        count = int(item.get("count", 0))
        height = max(MIN_BAR, round(CHART_HEIGHT * count / peak, 1)) if count else 0
        x = round(i * slot + gap / 2, 2)
        bars.append({
            "x": x, "width": round(slot - gap, 2), "y": round(CHART_HEIGHT - height, 1), "height": height,
            "count": count, "label": item.get("label") or item.get("key", ""),
            "url": _narrowed(req, item) if count else None,
        })
        year = str(item.get("from") or item.get("key") or "")[:4]
        if year and year != last_year:
            labels.append({"x": x, "text": year})
            last_year = year
    step = max(1, -(-len(labels) * 40 // WIDTH))
    return {
        "unit": histogram.get("unit", "year"), "bars": bars, "labels": labels[::step],
        "width": WIDTH, "height": CHART_HEIGHT + AXIS_HEIGHT, "chart_height": CHART_HEIGHT, "peak": peak,
    }


def _narrowed(req: SearchRequest, item: dict) -> str:
    """A bar narrows the search to its own year or month: its key ("1950", "1950-06") when that is a bound."""
    key = str(item.get("key", ""))
    if parse_bound(key, end=False):
        return req.with_dates(key, key).url()
    return req.with_dates(str(item.get("from", "")), str(item.get("to", ""))).url()
