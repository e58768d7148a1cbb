"""The query language, parsed by hand so that any input yields a query and nothing raises.

Syntax: plain words; "phrases"; OR, AND, NOT and -word (+word requires a word); (grouping); prefix*; fuzzy~
(or fuzzy~2); fields `title:` and the facet fields `from:`/`sender:`, `to:`/`recipient:`, `person:`, `place:`,
`type:`, `classification:`, `archive:`, `collection:`, `language:`, `year:` (a value with spaces is quoted:
`from:"Kim Il Sung"`). Facet field values resolve through the authority to canonical names.

Plain words are soft-AND: ``Or([And(words), Or(words)])``, so documents with every word score roughly twice as
high as documents missing one, which are still found. Runs of plain words are analysed together with the index's
own analyzer (`mode="query"`), so multi-word names ("Kim Il Sung") meet their entity token; each word position
becomes an OR of its alternatives: exact word and transliteration (boost 1), entity (0.8), CJK bigram phrase
(0.8), stems (0.5).

Input that cannot be parsed as written (unbalanced quotes or brackets, stray operators, an empty field) is
searched as plain words with a notice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from typing import Callable

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from index.analysis import ENTITY_PREFIX, AuthorityFilter, fold_word

TEXT_FIELDS = ("title", "body")
FIELD_ALIASES = {
    "title": "title",
    "from": "senders", "sender": "senders",
    "to": "recipients", "recipient": "recipients",
    "person": "people", "place": "places",
    "type": "doc_type", "classification": "classification", "archive": "archive",
    "collection": "collection", "language": "language", "year": "years",
}
MAX_WORDS = 32
MIN_PREFIX = 2
BOOSTS = {"word": 1.0, "translit": 1.0, "entity": 0.8, "bigram": 0.8, "stem": 0.5}

Resolver = Callable[[str, str], "str | None"]

_FIELD_RE = "|".join(sorted(FIELD_ALIASES, key=len, reverse=True))
_LEX_RE = re.compile(
    rf"""(?P<ws>\s+)
       |(?P<lparen>\()
       |(?P<rparen>\))
       |(?P<phrase>"[^"]*"?)
       |(?P<field>(?:{_FIELD_RE}):)
       |(?P<word>[^\s()"]+)""",
    re.X | re.I,
)
_FUZZY_RE = re.compile(r"^(.+?)~([0-9])?$")
_OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


@dataclass(frozen=True)
class ParsedQuery:
    """The Whoosh query plus what the user should be told and the plain words typed (for suggestions)."""

    query: wq.Query
    notices: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    plain_fallback: bool = False


# ---- lexing ----------------------------------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str  # lparen rparen phrase field word op sign
    text: str
    glued: bool = False  # no whitespace before the next token


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in _LEX_RE.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "ws":
            continue
        glued = match.end() < len(text) and not text[match.end()].isspace()
        if kind == "word":
            if value in _OPERATORS:
                kind, value = "op", {"&&": "AND", "||": "OR"}.get(value, value)
            elif value[0] in "-+" and (not tokens or not tokens[-1].glued or tokens[-1].kind in ("lparen", "op")):
                tokens.append(_Tok("sign", value[0], True))
                value = value[1:]
                if not value:
                    tokens[-1].glued = glued
                    continue
        if kind == "field":
            value = value[:-1].lower()
        tokens.append(_Tok(kind, value, glued))
    return tokens


# ---- the syntax tree -------------------------------------------------------------------------------------------

@dataclass
class _Node:
    kind: str  # words phrase wildcard fuzzy facet seq or and not req
    text: str = ""
    field: str = ""  # "" = title and body; "title"; or a facet field
    children: list = dataclass_field(default_factory=list)
    distance: int = 1


MAX_NESTING = 24  # brackets and NOT/-/+ prefixes inside each other; deeper input is read as plain words


class _Parser:
    def __init__(self, tokens: list[_Tok]):
        self.tokens, self.i, self.problems, self.nesting = tokens, 0, [], 0

    def _nest(self) -> bool:
        """Count one level of nesting; False (and a problem) once the input nests deeper than is sensible."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            self.problems.append("brackets or operators nested too deeply")
            self.i = len(self.tokens)
            return False
        return True

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Tok:
        self.i += 1
        return self.tokens[self.i - 1]

    def seq(self, depth: int) -> _Node:
        items: list[_Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "rparen":
                if depth:
                    break
                self.problems.append("an unmatched ')'")
                self.take()
                continue
            if tok.kind == "op" and tok.text in ("AND", "OR"):
                self.problems.append(f"'{tok.text}' with nothing before it")
                self.take()
                continue
            node = self.or_()
            if node is not None:
                items.append(node)
        return _Node("seq", children=items)

    def or_(self) -> _Node | None:
        left = self.and_()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.take()
            right = self.and_()
            if right is None or left is None:
                self.problems.append("'OR' missing a side")
                left = left or right
                continue
            left = _chain("or", left, right)
        return left

    def and_(self) -> _Node | None:
        left = self.unary()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "AND":
            self.take()
            right = self.unary()
            if right is None or left is None:
                self.problems.append("'AND' missing a side")
                left = left or right
                continue
            left = _chain("and", left, right)
        return left

    def unary(self) -> _Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind in ("op", "sign") and tok.text in ("NOT", "-", "+") and not self._nest():
            return None
        if (tok.kind == "op" and tok.text == "NOT") or (tok.kind == "sign" and tok.text == "-"):
            self.take()
            inner = self.unary()
            if inner is None:
                self.problems.append(f"'{tok.text}' with nothing after it")
                return None
            return _Node("not", children=[inner])
        if tok.kind == "sign":
            self.take()
            inner = self.unary()
            return _Node("req", children=[inner]) if inner is not None else None
        return self.primary("")

    def primary(self, field_name: str) -> _Node | None:
        tok = self.peek()
        if tok is None or tok.kind in ("rparen", "op"):
            if field_name:
                self.problems.append("a field with no value")
            return None
        self.take()
        if tok.kind == "lparen":
            if not self._nest():
                return None
            inner = self.seq(1)
            if self.peek() is None:
                self.problems.append("an unmatched '('")
            else:
                self.take()
            if field_name:
                inner = _with_field(inner, field_name)
            return inner
        if tok.kind == "field":
            if not tok.glued:
                self.problems.append("a field with no value")
                return None
            return self.primary(FIELD_ALIASES[tok.text])
        if tok.kind == "sign":
            return self.primary(field_name)
        if tok.kind == "phrase":
            closed = len(tok.text) > 1 and tok.text.endswith('"')
            if not closed:
                self.problems.append("an unmatched quote")
            inner = tok.text[1:-1] if closed else tok.text[1:]
            return _leaf("phrase", inner, field_name)
        return _word_node(tok.text, field_name)


def _fuzzy_entities(analyzer, folded: str, distance: int) -> list[str]:
    """Entity tokens of authority names spelt within `distance` of the word: Vishinski~ finds every Vyshinsky.

    Remembered per analyzer, since each word is compared with every authority form."""
    names = _one_word_names(analyzer)
    remembered = _NAMES_CACHE[id(analyzer)][2]
    found = remembered.get((folded, distance))
    if found is None:
        found = sorted({key for form, key in names.items()
                        if abs(len(form) - len(folded)) <= distance and damerau_levenshtein(form, folded) <= distance})
        if len(remembered) >= _FUZZY_REMEMBERED:
            remembered.clear()
        remembered[(folded, distance)] = found
    return list(found)


_NAMES_CACHE: dict[int, tuple[object, dict[str, str], dict]] = {}
_FUZZY_REMEMBERED = 4096


def _one_word_names(analyzer) -> dict[str, str]:
    """Folded one-word authority forms → their entity token, once per analyzer (i.e. per index generation)."""
    cached = _NAMES_CACHE.get(id(analyzer))
    if cached is not None and cached[0] is analyzer:
        return cached[1]
    items = getattr(analyzer, "items", ())
    authority = next((item for item in items if isinstance(item, AuthorityFilter)), None)
    names: dict[str, str] = {}
    for key, forms in (authority.entries if authority is not None else ()):
        for form in forms:
            words = re.split(r"[\s\-]+", form.strip())
            folded = fold_word(words[0])[0] if len(words) == 1 else ""
            if len(folded) >= 4:
                names.setdefault(folded, f"{ENTITY_PREFIX}{key}")
    _NAMES_CACHE.clear()
    _NAMES_CACHE[id(analyzer)] = (analyzer, names, {})
    return names


def _chain(kind: str, left: _Node, right: _Node) -> _Node:
    """a OR b OR c as one node with three children, so long chains never nest deeply."""
    if left.kind == kind:
        left.children.append(right)
        return left
    return _Node(kind, children=[left, right])


def _leaf(kind: str, text: str, field_name: str) -> _Node:
    if field_name and field_name != "title":
        return _Node("facet", text=text, field=field_name)
    return _Node(kind, text=text, field=field_name)


def _word_node(text: str, field_name: str) -> _Node:
    if field_name and field_name != "title":
        return _Node("facet", text=text, field=field_name)
    fuzzy = _FUZZY_RE.match(text)
    if fuzzy and not any(c in fuzzy.group(1) for c in "*?"):
        distance = min(int(fuzzy.group(2) or 1), 2)
        return _Node("fuzzy", text=fuzzy.group(1), field=field_name, distance=max(distance, 1))
    if "*" in text or "?" in text:
        return _Node("wildcard", text=text, field=field_name)
    return _Node("words", text=text, field=field_name)


def _with_field(node: _Node, field_name: str) -> _Node:
    """Apply `field:( … )` to every leaf inside the group."""
    if node.kind in ("words", "phrase", "wildcard", "fuzzy"):
        return _word_node(node.text, field_name) if node.kind != "phrase" else _leaf("phrase", node.text, field_name)
    node.children = [_with_field(child, field_name) for child in node.children]
    return node


# ---- compiling to Whoosh ---------------------------------------------------------------------------------------

class _Compiler:
    def __init__(self, analyzer, resolve: Resolver):
        self.analyzer, self.resolve = analyzer, resolve
        self.notices: list[str] = []
        self.words: list[str] = []
        self.budget = MAX_WORDS

    def seq(self, node: _Node) -> wq.Query | None:
        positive, required, negative = [], [], []
        for child in _merge_words(node.children):
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

    def node(self, node: _Node) -> wq.Query | None:
        kind = node.kind
        if kind == "seq":
            return self.seq(node)
        if kind in ("or", "and"):
            parts = [q for q in (self.node(c) for c in node.children) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else (wq.Or(parts) if kind == "or" else wq.And(parts))
        if kind in ("not", "req"):
            return self.seq(_Node("seq", children=[node]))
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

    def fields(self, node: _Node) -> tuple[str, ...]:
        return ("title",) if node.field == "title" else TEXT_FIELDS

    def words_members(self, node: _Node) -> list[wq.Query]:
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

    def phrase(self, node: _Node) -> wq.Query | None:
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

    def wildcard(self, node: _Node) -> wq.Query | None:
        pieces = re.split(r"([*?])", node.text)
        folded = "".join(p if p in ("*", "?") else fold_word(p)[0] for p in pieces if p)
        literal_head = re.split(r"[*?]", folded, maxsplit=1)[0]
        if len(literal_head) < MIN_PREFIX:
            self.notices.append(
                f"'{node.text}' was searched as a word: a wildcard needs {MIN_PREFIX} letters before it.")
            return self.node(_Node("words", text=node.text.replace("*", " ").replace("?", " "), field=node.field))
        self.words.append(literal_head)
        if re.fullmatch(r"[^*?]+\*", folded):
            parts = [wq.Prefix(f, folded[:-1]) for f in self.fields(node)]
        else:
            parts = [wq.Wildcard(f, folded) for f in self.fields(node)]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def fuzzy(self, node: _Node) -> wq.Query | None:
        folded = fold_word(node.text)[0]
        if not folded:
            return None
        self.words.append(folded)
        entities = _fuzzy_entities(self.analyzer, folded, node.distance)
        parts = [wq.FuzzyTerm(f, folded, maxdist=node.distance, prefixlength=1) for f in self.fields(node)]
        parts += [wq.Term(f, entity) for f in self.fields(node) for entity in entities]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def facet(self, node: _Node) -> wq.Query:
        value = self.resolve(node.field, node.text)
        if value is None:
            self.notices.append(f"No document has {_field_words(node.field)} '{node.text}'.")
            value = node.text
        return wq.Term(node.field, value)


def _field_words(field_name: str) -> str:
    alias = {"senders": "sender", "recipients": "recipient", "people": "person", "places": "place",
             "doc_type": "type", "years": "year"}
    return alias.get(field_name, field_name)


def _merge_words(children: list[_Node]) -> list[_Node]:
    """Adjacent plain-word nodes on the same field become one run, analysed together (for multi-word names)."""
    merged: list[_Node] = []
    for child in children:
        if child.kind == "words" and merged and merged[-1].kind == "words" and merged[-1].field == child.field:
            merged[-1] = _Node("words", text=f"{merged[-1].text} {child.text}", field=child.field)
        else:
            merged.append(child)
    return merged


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

def parse_query(text: str, analyzer, resolve: Resolver) -> ParsedQuery:
    """Any text → ParsedQuery; the empty query is `Every()`. Never raises on user input."""
    if not text.strip():
        return ParsedQuery(wq.Every())
    parser = _Parser(_lex(text))
    tree = parser.seq(0)
    fallback = bool(parser.problems)
    notices: list[str] = []
    if fallback:
        notices.append(
            f"The query could not be read as written ({parser.problems[0]}); it was searched as plain words.")
        tree = _Node("seq", children=[_Node("words", text=_plain_words(text))])
    compiler = _Compiler(analyzer, resolve)
    compiled = compiler.node(tree)
    if compiled is None:
        notices.append("The query has no searchable words; showing all documents.")
        compiled = wq.Every()
    notices.extend(dict.fromkeys(compiler.notices))
    return ParsedQuery(compiled, tuple(notices), tuple(compiler.words), fallback)


def _plain_words(text: str) -> str:
    """The text with every operator character and keyword removed: what 'search as plain words' means."""
    words = re.sub(r'[()"*?~+:\\^]|(?<!\w)-', " ", text).split()
    return " ".join(w for w in words if w not in _OPERATORS)
