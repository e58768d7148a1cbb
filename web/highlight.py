"""A document's full text with what the search matched marked (`<mark id="match-N">`), everything else escaped.

The spans come from the Searcher: the same compiled query, analysed by the live generation's analyzer, so a
phrase is marked only where it stands as a phrase and a name in every spelling the index knows."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

MAX_MARKS = 500


def mark_text(text: str, found: list[tuple[int, int]], first_id: int) -> Markup:
    out, cursor = [], 0
    for offset, (start, end) in enumerate(found):
        out.append(escape(text[cursor:start], quote=False))
        out.append(f'<mark id="match-{first_id + offset}">{escape(text[start:end], quote=False)}</mark>')
        cursor = end
    out.append(escape(text[cursor:], quote=False))
    return Markup("".join(out))


def highlight_paragraphs(paragraphs: list[str], q: str, searcher) -> tuple[list[Markup], int]:
    """Paragraphs as safe HTML with numbered marks (`#match-1`…) for jumping; and how many marks there are."""
    if not q.strip():
        return [Markup(escape(p, quote=False)) for p in paragraphs], 0
    rendered, count = [], 0
    for paragraph, found in zip(paragraphs, searcher.highlight(q, paragraphs)):
        found = found[: max(MAX_MARKS - count, 0)]
        rendered.append(mark_text(paragraph, found, count + 1))
        count += len(found)
    return rendered, count
