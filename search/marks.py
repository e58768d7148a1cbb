"""What a query matched in a text, for the document page: the same compiled query the search ran, walked over
the text's tokens from the live generation's analyzer, so phrases light up only as phrases and names in every
spelling the index knows.
"""
from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from search.snippets import merge

TEXT_FIELDS = ("title", "body")


@dataclass(frozen=True)
class Marks:
    """The positive parts of a query in a form that can be looked for in tokens: single terms (words, stems,
    entity tokens, expansions of prefixes and corrections) and phrases (tuples of alternatives per step)."""

    terms: frozenset[str]
    phrases: tuple[tuple[frozenset[str], ...], ...]

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def query_marks(q: wq.Query, expand) -> Marks:
    """Marks for a compiled query; `expand(leaf)` lists the index terms of a prefix, wildcard or fuzzy leaf.
    Negated parts are left out, and so are facet fields (they are not in the text)."""
    terms: set[str] = set()
    phrases: list[tuple[frozenset[str], ...]] = []
    _collect(q, expand, terms, phrases)
    return Marks(frozenset(terms), tuple(dict.fromkeys(phrases)))


def _collect(node, expand, terms: set, phrases: list) -> None:
    if isinstance(node, wq.Not):
        return
    if isinstance(node, wq.AndNot):
        _collect(node.a, expand, terms, phrases)
        return
    if isinstance(node, wq.Sequence):
        steps = tuple(_step(child) for child in node.subqueries)
        if steps and all(steps) and _in_text(node.subqueries[0]):
            phrases.append(steps)
        return
    if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
        if node.fieldname in TEXT_FIELDS:
            terms.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in expand(node))
        return
    if isinstance(node, wq.Term):
        if node.fieldname in TEXT_FIELDS:
            terms.add(node.text)
        return
    if not node.is_leaf():
        for child in node.children():
            _collect(child, expand, terms, phrases)


def _step(node) -> frozenset[str]:
    if isinstance(node, wq.Term):
        return frozenset((node.text,))
    if isinstance(node, wq.Or) and all(isinstance(c, wq.Term) for c in node.subqueries):
        return frozenset(c.text for c in node.subqueries)
    return frozenset()


def _in_text(node) -> bool:
    first = node.subqueries[0] if isinstance(node, wq.Or) else node
    return getattr(first, "fieldname", None) in TEXT_FIELDS


def text_spans(text: str, analyzer, marks: Marks) -> list[tuple[int, int]]:
    """Merged character spans of `text` that the marks match: a term wherever a token is it, a phrase only
    where its steps stand at consecutive positions."""
    if not marks or not text:
        return []
    found: list[tuple[int, int]] = []
    by_pos: dict[int, list[tuple[str, int, int]]] = {}
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        word, start, end = token.text, token.startchar, token.endchar
        if word in marks.terms:
            found.append((start, end))
        if marks.phrases:
            by_pos.setdefault(token.pos, []).append((word, start, end))
    for steps in marks.phrases:
        for pos, tokens in by_pos.items():
            first = [t for t in tokens if t[0] in steps[0]]
            if not first:
                continue
            last_end, ok = max(t[2] for t in first), True
            for offset, step in enumerate(steps[1:], 1):
                hit = [t for t in by_pos.get(pos + offset, ()) if t[0] in step]
                if not hit:
                    ok = False
                    break
                last_end = max(t[2] for t in hit)
            if ok:
                found.append((min(t[1] for t in first), last_end))
    return merge(found, len(text))
