"""Versions side by side: paragraphs of several translations of one document aligned into rows, the wording
each changes against the first marked (difflib), and the metadata on which they disagree. Pure functions over
plain strings; the view renders what they return."""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from html import escape

from markupsafe import Markup

# Paragraphs this alike (difflib ratio of their folded words) are the same paragraph in two translations.
SAME_PARAGRAPH = 0.35
_WORD = re.compile(r"\S+")


def _words(text: str) -> list[str]:
    return [re.sub(r"\W+", "", w.casefold()) or w for w in _WORD.findall(text)]


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def align_pair(base: list[str], other: list[str]) -> list[tuple[int | None, int | None]]:
    """The best order-keeping pairing of two paragraph lists (Needleman–Wunsch with difflib similarity as the
    score, unpaired paragraphs free): (i, j) pairs, (i, None) and (None, j) for paragraphs the other lacks."""
    n, m = len(base), len(other)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[similarity(base[i], other[j]) for j in range(m)] for i in range(n)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = score[i + 1][j + 1] + sims[i][j] if sims[i][j] >= SAME_PARAGRAPH else -1.0
            score[i][j] = max(pair, score[i + 1][j], score[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sims[i][j] >= SAME_PARAGRAPH and score[i][j] == score[i + 1][j + 1] + sims[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return pairs


def align(versions: list[list[str]]) -> list[list[int | None]]:
    """Rows of paragraph indices, one column per version, every version's paragraphs in their own order; each
    version is aligned against the first, and a paragraph only it has gets a row of its own."""
    if not versions:
        return []
    base = versions[0]
    # For each base paragraph (and the gap before it), what each other version puts there.
    matched = [[None] * len(versions) for _ in base]
    extra_before: list[list[list[int | None]]] = [[] for _ in range(len(base) + 1)]
    for column, other in enumerate(versions[1:], start=1):
        next_base = 0
        for i, j in align_pair(base, other):
            if i is not None:
                next_base = i + 1
                if j is not None:
                    matched[i][column] = j
            else:
                row = [None] * len(versions)
                row[column] = j
                extra_before[next_base].append(row)
    rows = []
    for i in range(len(base)):
        rows += extra_before[i]
        matched[i][0] = i
        rows.append(matched[i])
    return rows + extra_before[len(base)]


def mark_row(cells: list[str | None]) -> list[Markup | None]:
    """One aligned row as HTML: in each version the words that differ from the first version's paragraph in
    `<mark class="diff">`, and in the first version the words some other version words differently."""
    base = cells[0]
    if base is None:
        return [None if c is None else Markup(escape(c, quote=False)) for c in cells]
    base_words = _WORD.findall(base)
    changed_in_base: set[int] = set()
    marked: list[Markup | None] = [None]
    for cell in cells[1:]:
        if cell is None:
            marked.append(None)
            continue
        words = _WORD.findall(cell)
        matcher = SequenceMatcher(None, _words(base), _words(cell), autojunk=False)
        out = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                changed_in_base.update(range(i1, i2))
            out.append(_span(words[j1:j2], tag != "equal"))
        marked.append(Markup(" ".join(filter(None, out))))
    runs, run, state = [], [], False
    for index, word in enumerate(base_words):
        if (index in changed_in_base) != state and run:
            runs.append(_span(run, state))
            run = []
        state = index in changed_in_base
        run.append(word)
    if run:
        runs.append(_span(run, state))
    marked[0] = Markup(" ".join(runs))
    return marked


def _span(words: list[str], changed: bool) -> str:
    text = escape(" ".join(words), quote=False)
    return f'<mark class="diff">{text}</mark>' if changed and text else text


def differing_fields(rows: list[tuple[str, list[str]]]) -> set[str]:
    """Labels of the metadata rows whose values are not all the same (blank counts as a value)."""
    return {label for label, values in rows if len({" ".join(v.split()).casefold() for v in values}) > 1}
