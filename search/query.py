"""The query language compiled to Whoosh queries; `search/query_syntax.py` parses it (pure, no Whoosh).

Plain words are soft-AND: ``Or([And(words), Or(words)])``, so documents with every word score roughly twice as
high as documents missing one, which are still found. Runs of plain words are analysed together with the index's
own analyzer (`mode="query"`), so multi-word names ("Kim Il Sung") meet their entity token; each word position
becomes an OR of its alternatives: exact word and transliteration (boost 1), entity (0.8), CJK bigram phrase
(0.8), stems (0.5). Facet field values resolve through the authority to canonical names.

Input that cannot be parsed as written (unbalanced quotes or brackets, stray operators, an empty field) is
searched as plain words with a notice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from corpus.archive import citation_keys, find_citation, parse_source_note
from index.analysis import ENTITY_PREFIX, AuthorityFilter, fold_word
from index.caching import BoundedCache
from index.facets import FACET_BY_FIELD
from search.query_syntax import QueryNode, merge_words, parse_syntax, plain_words

TEXT_FIELDS = ("title", "body")
REFERENCE_FIELD = "reference"
MAX_WORDS = 32
MIN_PREFIX = 2
BOOSTS = {"word": 1.0, "translit": 1.0, "entity": 0.8, "bigram": 0.8, "stem": 0.5}
FUZZY_NAMES_BYTES = 4 * 2**20  # fuzzy words' name matches kept per generation

Resolver = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class ParsedQuery:
    """The Whoosh query plus what the user should be told and the plain words typed (for suggestions)."""

    query: wq.Query
    notices: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    plain_fallback: bool = False


class FuzzyNames:
    """The authority names a misspelt word may mean (Vishinski~ finds every Vyshinsky): folded one-word forms →
    their entity token, and the matches found for each (word, distance), remembered since each word is compared
    with every form. One per index generation: the Snapshot keeps it."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self._found = BoundedCache(FUZZY_NAMES_BYTES)

    @cached_property
    def names(self) -> dict[str, str]:
        items = getattr(self.analyzer, "items", ())
        authority = next((item for item in items if isinstance(item, AuthorityFilter)), None)
        names: dict[str, str] = {}
        for key, forms in (authority.entries if authority is not None else ()):
            for form in forms:
                words = re.split(r"[\s\-]+", form.strip())
                folded = fold_word(words[0])[0] if len(words) == 1 else ""
                if len(folded) >= 4:
                    names.setdefault(folded, f"{ENTITY_PREFIX}{key}")
        return names

    def near(self, folded: str, distance: int) -> list[str]:
        """Entity tokens of the names spelt within `distance` edits of the folded word."""
        return list(self._found.get_or_compute((folded, distance), lambda: tuple(sorted({
            key for form, key in self.names.items()
            if abs(len(form) - len(folded)) <= distance and damerau_levenshtein(form, folded) <= distance}))))


# ---- compiling to Whoosh ---------------------------------------------------------------------------------------

class _Compiler:
    def __init__(self, analyzer, resolve: Resolver, fuzzy_names: FuzzyNames):
        self.analyzer, self.resolve, self.fuzzy_names = analyzer, resolve, fuzzy_names
        self.notices: list[str] = []
        self.words: list[str] = []
        self.budget = MAX_WORDS

    def seq(self, node: QueryNode) -> wq.Query | None:
        positive, required, negative = [], [], []
        for child in merge_words(node.children):
            if child.kind == "not":
                negative.extend(q for q in (self.node(c) for c in child.children) if q is not None)
            elif child.kind == "req":
                required.extend(q for q in (self.node(c) for c in child.children) if q is not None)
            elif child.kind == "words":
                positive.extend(self.words_members(child))
            elif (q := self.node(child)) is not None:
                positive.append(q)
        core = None
        if len(positive) == 1:
            core = positive[0]
        elif positive:
            core = wq.Or([wq.And(positive), wq.Or(positive)])
        if required:
            core = wq.And(required + ([core] if core is not None else []))
        if negative:
            core = wq.AndNot(core if core is not None else wq.Every(), wq.Or(negative))
        return core

    def node(self, node: QueryNode) -> wq.Query | None:
        kind = node.kind
        if kind == "seq":
            return self.seq(node)
        if kind in ("or", "and"):
            parts = [q for q in (self.node(c) for c in node.children) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else (wq.Or(parts) if kind == "or" else wq.And(parts))
        if kind in ("not", "req"):
            return self.seq(QueryNode("seq", children=(node,)))
        if kind == "words":
            members = self.words_members(node)
            if not members:
                return None
            return members[0] if len(members) == 1 else wq.And(members)
        if kind == "phrase":
            return self.phrase(node)
        if kind == "wildcard":
            return self.wildcard(node)
        if kind == "fuzzy":
            return self.fuzzy(node)
        if kind == "facet":
            return self.facet(node)
        return None

    def fields(self, node: QueryNode) -> tuple[str, ...]:
        return ("title",) if node.field == "title" else TEXT_FIELDS

    def words_members(self, node: QueryNode) -> list[wq.Query]:
        """One OR-of-alternatives query per word position of an analysed run of plain words."""
        units = _units(self.analyzer, node.text)
        if len(units) > self.budget:
            self.notices.append(f"Only the first {MAX_WORDS} words of the query were searched.")
            units = units[: max(self.budget, 0)]
        self.budget -= len(units)
        members = []
        for unit in units:
            self.words.append(unit["raw"])
            alternatives = [
                self._alternative(field_name, unit, kind, text)
                for field_name in self.fields(node)
                for kind, text in unit["alternatives"]
            ]
            members.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
        return members

    @staticmethod
    def _alternative(field_name: str, unit: dict, kind: str, text) -> wq.Query:
        boost = BOOSTS[kind]
        if kind == "bigram":
            return wq.Sequence([wq.Term(field_name, b) for b in text], boost=boost)
        return wq.Term(field_name, text, boost=boost)

    def phrase(self, node: QueryNode) -> wq.Query | None:
        units = _units(self.analyzer, node.text, phrase=True)
        if not units:
            return None
        self.words.extend(unit["raw"] for unit in units)
        per_field = []
        for field_name in self.fields(node):
            steps = []
            for unit in units:
                exact = [wq.Term(field_name, text) for kind, text in unit["alternatives"]
                         if kind in ("word", "translit")]
                steps.extend(exact[:1] if len(exact) == 1 else [wq.Or(exact)])
                steps.extend(wq.Term(field_name, b) for b in unit.get("trailing_bigrams", ()))
            per_field.append(steps[0] if len(steps) == 1 else wq.Sequence(steps))
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def wildcard(self, node: QueryNode) -> wq.Query | None:
        pieces = re.split(r"([*?])", node.text)
        folded = "".join(p if p in ("*", "?") else fold_word(p)[0] for p in pieces if p)
        literal_head = re.split(r"[*?]", folded, maxsplit=1)[0]
        if len(literal_head) < MIN_PREFIX:
            self.notices.append(
                f"'{node.text}' was searched as a word: a wildcard needs {MIN_PREFIX} letters before it.")
            return self.node(QueryNode("words", text=node.text.replace("*", " ").replace("?", " "), field=node.field))
        self.words.append(literal_head)
        if re.fullmatch(r"[^*?]+\*", folded):
            parts = [wq.Prefix(f, folded[:-1]) for f in self.fields(node)]
        else:
            parts = [wq.Wildcard(f, folded) for f in self.fields(node)]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def fuzzy(self, node: QueryNode) -> wq.Query | None:
        folded = fold_word(node.text)[0]
        if not folded:
            return None
        self.words.append(folded)
        entities = self.fuzzy_names.near(folded, node.distance)
        parts = [wq.FuzzyTerm(f, folded, maxdist=node.distance, prefixlength=1) for f in self.fields(node)]
        parts += [wq.Term(f, entity) for f in self.fields(node) for entity in entities]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def facet(self, node: QueryNode) -> wq.Query:
        if node.field == "archive" and (cited := find_citation(node.text)) is not None:
            return citation_query(cited[1])
        value = self.resolve(node.field, node.text)
        if value is None and node.field == "archive":  # archive:TsAMO, archive:"AP RF"
            value = self.resolve(node.field, parse_source_note(node.text).repository)
        if value is None:
            self.notices.append(f"No document has {FACET_BY_FIELD[node.field].name} '{node.text}'.")
            value = node.text
        return wq.Term(node.field, value)


def citation_query(ref) -> wq.Query:
    """Documents whose archive reference lies within the cited level; those holding a cited page rank first."""
    required, pages = citation_keys(ref)
    exact = wq.Term(REFERENCE_FIELD, required)
    if not pages:
        return exact
    return wq.Or([exact] + [wq.Term(REFERENCE_FIELD, page, boost=2.0) for page in pages])


def _units(analyzer, text: str, phrase: bool = False) -> list[dict]:
    """Word positions of analysed text, each with its alternatives as (kind, text) pairs.

    An entity token is an alternative at every position it spans; a CJK word's bigrams become one
    ("bigram", tuple) alternative (for phrases, `trailing_bigrams` keeps the bigrams after the first).
    """
    units: list[dict] = []
    by_pos: dict[int, dict] = {}
    entities: list[tuple[int, int, str]] = []
    for token in analyzer(text, mode="query", positions=True, chars=True):
        kind = getattr(token, "kind", "word")
        if kind == "word":
            unit = {"raw": text[token.startchar:token.endchar], "alternatives": [("word", token.text)],
                    "bigrams": []}
            units.append(unit)
            by_pos[token.pos] = unit
        elif not units:
            continue
        elif kind == "bigram":
            units[-1]["bigrams"].append(token.text)
        elif kind == "entity":
            entities.append((token.pos, getattr(token, "width", 1), token.text))
        elif kind in ("translit", "stem"):
            pair = (kind, token.text)
            if pair not in units[-1]["alternatives"]:
                units[-1]["alternatives"].append(pair)
    for pos, width, text_ in entities:
        start = by_pos.get(pos)
        if start is None:
            continue
        index = units.index(start)
        for unit in units[index:index + width]:
            unit["alternatives"].append(("entity", text_))
    for unit in units:
        bigrams = tuple(unit.pop("bigrams"))
        if len(bigrams) >= 2:
            unit["alternatives"].append(("bigram", bigrams))
            unit["trailing_bigrams"] = bigrams[1:]
        if phrase:
            unit["alternatives"] = [a for a in unit["alternatives"] if a[0] != "bigram"]
    return units


# ---- entry point -----------------------------------------------------------------------------------------------

def parse_query(text: str, analyzer, resolve: Resolver, fuzzy_names: FuzzyNames | None = None) -> ParsedQuery:
    """Any text → ParsedQuery; the empty query is `Every()`. Never raises on user input.

    `fuzzy_names` is the generation's (`Snapshot.fuzzy_names`); without it one is made for this query."""
    if not text.strip():
        return ParsedQuery(wq.Every())
    cited = find_citation(text) if '"' not in text and ":" not in text else None
    if cited is not None:
        (start, end), ref = cited
        rest = parse_query(f"{text[:start]} {text[end:]}".strip(), analyzer, resolve, fuzzy_names) if (
            text[:start] + text[end:]).strip() else None
        reference = citation_query(ref)
        if rest is None or isinstance(rest.query, wq.Every):
            return ParsedQuery(reference)
        return ParsedQuery(wq.And([reference, rest.query]), rest.notices, rest.words, rest.plain_fallback)
    syntax = parse_syntax(text)
    tree, fallback = syntax.tree, bool(syntax.problems)
    notices: list[str] = []
    if fallback:
        notices.append(
            f"The query could not be read as written ({syntax.problems[0]}); it was searched as plain words.")
        tree = QueryNode("seq", children=(QueryNode("words", text=plain_words(text)),))
    compiler = _Compiler(analyzer, resolve, fuzzy_names or FuzzyNames(analyzer))
    compiled = compiler.node(tree)
    if compiled is None:
        notices.append("The query has no searchable words; showing all documents.")
        compiled = wq.Every()
    notices.extend(dict.fromkeys(compiler.notices))
    return ParsedQuery(compiled, tuple(notices), tuple(compiler.words), fallback)
