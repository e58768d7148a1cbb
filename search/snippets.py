"""Highlighted titles and body snippets cut from the character offsets stored in the postings.

No text is re-analysed at query time: for each matched (field, term) the postings give (startchar, endchar)
spans per document; every span is wrapped in <mark>, everything else is HTML-escaped.
"""
from __future__ import annotations

from markupsafe import escape

FRAGMENT_CHARS = 100
MAX_FRAGMENTS = 3
LEAD_CHARS = 200
ELLIPSIS = "…"

Span = tuple[int, int]


def collect_spans(reader, fieldname: str, terms, docnums, cache=None) -> dict[int, list[Span]]:
    """{docnum: spans} of the given terms in one field for the given docnums; one postings walk per term.

    `cache` (a `BoundedCache` kept per index generation) remembers the spans of (field, term, docnum), so a
    page shown again needs no postings block decompressed.
    """
    wanted = sorted(set(int(d) for d in docnums))
    spans: dict[int, list[Span]] = {d: [] for d in wanted}
    if cache is not None:
        for text in terms:
            missing = []
            for docnum in wanted:
                found = cache.get((fieldname, text, docnum))
                if found is None:
                    missing.append(docnum)
                else:
                    spans[docnum].extend(found)
            if missing:
                for docnum, found in _spans_of(reader, fieldname, [text], missing).items():
                    spans[docnum].extend(cache.put((fieldname, text, docnum), found))
        return spans
    return _spans_of(reader, fieldname, terms, wanted)


def _spans_of(reader, fieldname: str, terms, wanted: list[int]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = {d: [] for d in wanted}
    for text in terms:
        try:
            matcher = reader.postings(fieldname, text)
        except Exception:  # TermNotFound in one segment of a multi-segment reader
            continue
        for docnum in wanted:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                spans[docnum].extend((s[-2], s[-1]) for s in matcher.value_as("characters"))
    return spans


def merge(spans: list[Span], length: int) -> list[Span]:
    """Sorted, clipped to the text, overlapping spans joined (an entity span may cover its words)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def highlight(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> str:
    """text[start:end] escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(str(escape(text[cursor:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(str(escape(text[cursor:end])))
    return "".join(out)


def snippet(body: str, spans: list[Span]) -> str:
    """One to three fragments (about 300 characters in all) around the densest matches, widened to words."""
    spans = merge(spans, len(body))
    if not spans:
        start, end = 0, _word_end(body, min(len(body), LEAD_CHARS), back=True)
        return highlight(body, [], 0, end) + (ELLIPSIS if end < len(body) else "")
    windows = _windows(spans)
    best = sorted(sorted(windows, key=lambda w: (-w[2], w[0]))[:MAX_FRAGMENTS])
    pieces = []
    for first, last, _ in best:
        start, end = _widen(body, first, last)
        text = highlight(body, spans, start, end)
        pieces.append((ELLIPSIS if start > 0 else "") + text + (ELLIPSIS if end < len(body) else ""))
    return " ".join(pieces).replace(ELLIPSIS + " " + ELLIPSIS, ELLIPSIS + " ")


def _windows(spans: list[Span]) -> list[tuple[int, int, int]]:
    """Greedy clusters of spans fitting one fragment: (first char, last char, number of spans)."""
    windows, i = [], 0
    while i < len(spans):
        first, last, count = spans[i][0], spans[i][1], 1
        j = i + 1
        while j < len(spans) and spans[j][1] - first <= FRAGMENT_CHARS:
            last, count, j = spans[j][1], count + 1, j + 1
        windows.append((first, last, count))
        i = j
    return windows


def _widen(body: str, first: int, last: int) -> tuple[int, int]:
    """Pad a cluster to the fragment size, then pull both ends in to word boundaries outside the marks."""
    pad = max(0, FRAGMENT_CHARS - (last - first)) // 2
    start = max(0, first - pad)
    end = min(len(body), last + pad)
    if start > 0:
        start = _word_start(body, start, limit=first)
    if end < len(body):
        end = _word_end(body, end, limit=last, back=True)
    return start, end


def _word_start(text: str, index: int, limit: int) -> int:
    """The first word start at or after index (never past `limit`, a mark's start)."""
    while index < limit and not text[index - 1].isspace():
        index += 1
    while index < limit and text[index].isspace():
        index += 1
    return index


def _word_end(text: str, index: int, limit: int = 0, back: bool = True) -> int:
    """The last word end at or before index (never before `limit`, a mark's end)."""
    while index > limit and index < len(text) and not text[index].isspace():
        index -= 1
    while index > limit and text[index - 1].isspace():
        index -= 1
    return index
