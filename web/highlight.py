"""Query words highlighted in a document's full text, with the same analyzer the index uses (so stems,
spellings, transliterations and names in other forms light up too), everything else escaped."""
from __future__ import annotations

from functools import lru_cache
from html import escape

from markupsafe import Markup
from whoosh import query as wq

from index.analysis import make_analyzer
from search.query import parse_query
from search.snippets import merge

from web.names import load_authority
from web.services import corpus_dir

TEXT_FIELDS = ("body", "title")
MAX_MARKS = 500


@lru_cache(maxsize=4)
def _analyzer(root: str | None):
    return make_analyzer(load_authority(root))


def query_terms(q: str, analyzer) -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact terms, prefixes) the query looks for in the text fields; negated parts are left out."""
    parsed = parse_query(q, analyzer, lambda facet, value: None)
    exact, prefixes = set(), []
    for node in _positive_leaves(parsed.query):
        if getattr(node, "fieldname", None) not in TEXT_FIELDS:
            continue
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            prefixes.append(str(node.text).rstrip("*?"))
        else:
            exact.update(str(text) for _, text in node.iter_all_terms())
    return frozenset(exact), tuple(p for p in prefixes if p)


def _positive_leaves(node):
    if isinstance(node, wq.Not):
        return
    if node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from _positive_leaves(child)


def spans(text: str, analyzer, exact: frozenset[str], prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged character spans of the tokens the query matches."""
    found = []
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        word = token.text
        if word in exact or (prefixes and word.startswith(prefixes)):
            found.append((token.startchar, token.endchar))
    return merge(found, len(text))


def mark_text(text: str, found: list[tuple[int, int]], first_id: int) -> Markup:
    out, cursor = [], 0
    for offset, (start, end) in enumerate(found):
        out.append(escape(text[cursor:start], quote=False))
        out.append(f'<mark id="match-{first_id + offset}">{escape(text[start:end], quote=False)}</mark>')
        cursor = end
    out.append(escape(text[cursor:], quote=False))
    return Markup("".join(out))


def highlight_paragraphs(paragraphs: list[str], q: str) -> tuple[list[Markup], int]:
    """Paragraphs as safe HTML with numbered marks (`#match-1`…) for jumping; and how many marks there are."""
    if not q.strip():
        return [Markup(escape(p, quote=False)) for p in paragraphs], 0
    analyzer = _analyzer(corpus_dir())
    exact, prefixes = query_terms(q, analyzer)
    rendered, count = [], 0
    for paragraph in paragraphs:
        found = spans(paragraph, analyzer, exact, prefixes) if (exact or prefixes) and count < MAX_MARKS else []
        rendered.append(mark_text(paragraph, found, count + 1))
        count += len(found)
    return rendered, count
