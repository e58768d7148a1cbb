"""The query language's syntax: text → a small tree of `QueryNode`s, pure (no index, no Whoosh), never raising.

Syntax: plain words; "phrases"; OR, AND, NOT and -word (+word requires a word); (grouping); prefix*; fuzzy~
(or fuzzy~2); fields `title:` and the facet fields `from:`/`sender:`, `to:`/`recipient:`, `person:`, `place:`,
`type:`, `classification:`, `archive:` (or `ref:`: a repository or a citation), `collection:`, `language:`, `year:`
(every facet's `query_fields` in `index/facets.py`; a value with spaces is quoted: `from:"Kim Il Sung"`). Input
that cannot be read as written (unbalanced quotes or brackets, stray operators, an
empty field) comes back with `problems`; the caller then searches `plain_words(text)` instead.
`search/query.py` compiles the tree to Whoosh queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.facets import FACETS

FIELD_ALIASES = {"title": "title"} | {field: spec.field for spec in FACETS for field in spec.query_fields}
MAX_NESTING = 24  # brackets and NOT/-/+ prefixes inside each other; deeper input is read as plain words

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
_FIELD_START = re.compile(rf"(?:{_FIELD_RE}):", re.I)
_FUZZY_RE = re.compile(r"^(.+?)~([0-9])?$")
OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


@dataclass(frozen=True)
class QueryNode:
    """One node of the syntax tree.

    `kind` is one of: seq (what the user typed side by side), or, and, not, req (+x), and the leaves words
    (a run of plain words), phrase, wildcard, fuzzy (with `distance`), facet (a facet field's value).
    `field` is "" for title and body, "title", or a facet's index field.
    """

    kind: str
    text: str = ""
    field: str = ""
    children: tuple["QueryNode", ...] = ()
    distance: int = 1


@dataclass(frozen=True)
class ParsedSyntax:
    tree: QueryNode
    problems: tuple[str, ...] = ()


# ---- lexing ----------------------------------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str  # lparen rparen phrase field word op sign
    text: str
    glued: bool = False  # no whitespace before the next token


def lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in _LEX_RE.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "ws":
            continue
        glued = match.end() < len(text) and not text[match.end()].isspace()
        if kind == "word":
            if value in OPERATORS:
                kind, value = "op", {"&&": "AND", "||": "OR"}.get(value, value)
            elif value[0] in "-+" and (not tokens or not tokens[-1].glued or tokens[-1].kind in ("lparen", "op")):
                tokens.append(_Tok("sign", value[0], True))
                value = value[1:]
                if not value:
                    tokens[-1].glued = glued
                    continue
                if _FIELD_START.match(value):  # -type:telegram, -from:Mao: the field is lexed as a field
                    inner = lex(value)
                    inner[-1].glued = glued
                    tokens.extend(inner)
                    continue
        if kind == "field":
            value = value[:-1].lower()
        tokens.append(_Tok(kind, value, glued))
    return tokens


# ---- parsing ---------------------------------------------------------------------------------------------------

def parse_syntax(text: str) -> ParsedSyntax:
    """Any text → its syntax tree and the problems met reading it (empty when it reads as written)."""
    parser = _Parser(lex(text))
    tree = parser.seq(0)
    return ParsedSyntax(tree, tuple(parser.problems))


def plain_words(text: str) -> str:
    """The text with every operator character and keyword removed: what 'search as plain words' means."""
    words = re.sub(r'[()"*?~+:\\^]|(?<!\w)-', " ", text).split()
    return " ".join(w for w in words if w not in OPERATORS)


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

    def seq(self, depth: int) -> QueryNode:
        items: list[QueryNode] = []
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
        return QueryNode("seq", children=tuple(items))

    def or_(self) -> QueryNode | None:
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

    def and_(self) -> QueryNode | None:
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

    def unary(self) -> QueryNode | None:
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
            return QueryNode("not", children=(inner,))
        if tok.kind == "sign":
            self.take()
            inner = self.unary()
            return QueryNode("req", children=(inner,)) if inner is not None else None
        return self.primary("")

    def primary(self, field_name: str) -> QueryNode | None:
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


def _chain(kind: str, left: QueryNode, right: QueryNode) -> QueryNode:
    """a OR b OR c as one node with three children, so long chains never nest deeply."""
    if left.kind == kind:
        return replace(left, children=left.children + (right,))
    return QueryNode(kind, children=(left, right))


def _leaf(kind: str, text: str, field_name: str) -> QueryNode:
    if field_name and field_name != "title":
        return QueryNode("facet", text=text, field=field_name)
    return QueryNode(kind, text=text, field=field_name)


def _word_node(text: str, field_name: str) -> QueryNode:
    if field_name and field_name != "title":
        return QueryNode("facet", text=text, field=field_name)
    fuzzy = _FUZZY_RE.match(text)
    if fuzzy and not any(c in fuzzy.group(1) for c in "*?"):
        distance = min(int(fuzzy.group(2) or 1), 2)
        return QueryNode("fuzzy", text=fuzzy.group(1), field=field_name, distance=max(distance, 1))
    if "*" in text or "?" in text:
        return QueryNode("wildcard", text=text, field=field_name)
    return QueryNode("words", text=text, field=field_name)


def _with_field(node: QueryNode, field_name: str) -> QueryNode:
    """Apply `field:( … )` to every leaf inside the group."""
    if node.kind in ("words", "phrase", "wildcard", "fuzzy"):
        return _word_node(node.text, field_name) if node.kind != "phrase" else _leaf("phrase", node.text, field_name)
    return replace(node, children=tuple(_with_field(child, field_name) for child in node.children))


def merge_words(children) -> list[QueryNode]:
    """Adjacent plain-word nodes on the same field become one run, analysed together (for multi-word names)."""
    merged: list[QueryNode] = []
    for child in children:
        if child.kind == "words" and merged and merged[-1].kind == "words" and merged[-1].field == child.field:
            merged[-1] = QueryNode("words", text=f"{merged[-1].text} {child.text}", field=child.field)
        else:
            merged.append(child)
    return merged
