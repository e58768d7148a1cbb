"""SearchRequest: the whole state of a search, parsed once from a query string and able to write itself back.

`from_args` accepts a werkzeug MultiDict (anything with `.getlist`) or a plain `dict[str, list[str] | str]`;
unknown parameters are ignored, bad values raise `BadRequest` naming the parameter. The round trip
`SearchRequest.from_args(parse_qs(r.to_query_string())) == r` is exact, which makes saved-query URLs stable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlencode

from index.facets import FACET_BY_NAME
from search.dates import DateInputError, bound_label, parse_bound, read_bound
from search.errors import BadRequest

SORTS = ("relevance", "date_asc", "date_desc", "title", "collection")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
MAX_QUERY_CHARS = 2000
MAX_FACET_VALUES = 20
MAX_VALUE_CHARS = 200
MAX_QUERY_OPERATORS = 64  # brackets, AND/OR/NOT, leading -/+ and field: prefixes; the parser nests per operator

_OPERATOR_RE = re.compile(r"""[()]|(?:(?<=\s)|^)(?:AND|OR|NOT|&&|\|\||[-+])(?=\s|$|[-+(\w"])|\w+:""")

# C0/C1 controls (tabs and newlines included: a query is one line) and lone surrogates, which cannot be encoded.
_UNPRINTABLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]+")


def clean_text(text: str) -> str:
    """Controls become spaces, ends stripped; idempotent so that the round trip is exact."""
    return _UNPRINTABLE_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    typos: bool = True  # typo tolerance; `typos=off` searches the words exactly as typed
    notices: tuple[str, ...] = field(default=(), compare=False)

    # ---- parsing -----------------------------------------------------------------------------------------------

    @classmethod
    def from_args(cls, args: Any) -> "SearchRequest":
        """Parse URL parameters; raises BadRequest(message, parameter) for a value that cannot be honoured."""
        notices: list[str] = []
        q = clean_text(_first(args, "q"))
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS].rstrip()
            notices.append(f"The query was cut to its first {MAX_QUERY_CHARS} characters.")
        if len(_OPERATOR_RE.findall(q)) > MAX_QUERY_OPERATORS:
            raise BadRequest(f"q: too complex, at most {MAX_QUERY_OPERATORS} operators and brackets "
                             "(AND, OR, NOT, -, +, field:, parentheses)", parameter="q")
        filters = tuple(
            (name, values) for name in sorted(FACET_BY_NAME) if (values := _facet_values(args, name))
        )
        date_from = _bound(args, "from")
        date_to = _bound(args, "to")
        if date_from and date_to and parse_bound(date_from, end=False) > parse_bound(date_to, end=True):
            raise BadRequest(f"to: {bound_label(date_to)} is before the start date, {bound_label(date_from)}",
                             parameter="to")
        sort = _first(args, "sort").strip() or "relevance"
        if sort not in SORTS:
            raise BadRequest(f"sort: expected one of {', '.join(SORTS)}, got '{_show(sort)}'", parameter="sort")
        page = _int(args, "page", default=1, low=1, high=MAX_PAGE)
        per_page = _int(args, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
        typos = _first(args, "typos").strip().lower() or "on"
        if typos not in ("on", "off"):
            raise BadRequest(f"typos: expected on or off, got '{_show(typos)}'", parameter="typos")
        return cls(q, filters, date_from, date_to, sort, page, per_page, typos == "on", tuple(notices))

    # ---- writing back ------------------------------------------------------------------------------------------

    def to_pairs(self) -> list[tuple[str, str]]:
        """Parameters in canonical order (q, facets by name, from, to, sort, page, per_page, typos), defaults
        omitted."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name, values in self.filters:
            pairs.extend((name, value) for value in values)
        if self.date_from:
            pairs.append(("from", self.date_from))
        if self.date_to:
            pairs.append(("to", self.date_to))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if not self.typos:
            pairs.append(("typos", "off"))
        return pairs

    def to_query_string(self) -> str:
        return urlencode(self.to_pairs(), quote_via=quote)

    def url(self, path: str = "/search") -> str:
        """`path?query` (just `path` for the empty search)."""
        query = self.to_query_string()
        return f"{path}?{query}" if query else path

    # ---- derived values ----------------------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.filters or self.date_from or self.date_to)

    @property
    def date_range(self) -> tuple[int, int] | None:
        """(first, last) day as YYYYMMDD ints, open ends as 0 / 99991231; None when no range is set."""
        if not (self.date_from or self.date_to):
            return None
        low = parse_bound(self.date_from, end=False) if self.date_from else 0
        high = parse_bound(self.date_to, end=True) if self.date_to else 99991231
        return low, high

    def values(self, facet: str) -> tuple[str, ...]:
        return dict(self.filters).get(facet, ())

    def cache_key(self) -> str:
        return self.to_query_string()

    # ---- toggles (for facet links, chips, pager, timeline) -----------------------------------------------------

    def with_filter(self, facet: str, value: str) -> "SearchRequest":
        """This search with one more facet value selected, back on page 1."""
        current, value = self.values(facet), as_selected(value)
        if value in current:
            return replace(self, page=1, notices=())
        return self._with_values(facet, current + (value,))

    def without_filter(self, facet: str, value: str | None = None) -> "SearchRequest":
        """This search with one value as the URL writes it (or, without `value`, the whole facet) removed, back
        on page 1."""
        kept = () if value is None else tuple(v for v in self.values(facet) if v != value)
        return self._with_values(facet, kept)

    def excluding(self, facet: str, value: str) -> "SearchRequest":
        """This search leaving out one facet value (`type=-telegram`); selecting it is undone, on page 1."""
        kept = tuple(v for v in self.values(facet) if v != as_selected(value))
        return self._with_values(facet, kept + (as_excluded(value),))

    def toggle_filter(self, facet: str, value: str) -> "SearchRequest":
        """Select a facet value, or undo selecting it."""
        if as_selected(value) in self.values(facet):
            return self.without_filter(facet, as_selected(value))
        return self.with_filter(facet, value)

    def with_page(self, page: int) -> "SearchRequest":
        return replace(self, page=max(1, min(MAX_PAGE, page)), notices=())

    def with_dates(self, date_from: str = "", date_to: str = "") -> "SearchRequest":
        """This search over another date range (validated like the URL's `from`/`to`), back on page 1."""
        args = {"from": [date_from], "to": [date_to]}
        return replace(self, date_from=_bound(args, "from"), date_to=_bound(args, "to"),
                       page=1, notices=())

    def with_query(self, q: str) -> "SearchRequest":
        return replace(self, q=clean_text(q)[:MAX_QUERY_CHARS], page=1, notices=())

    def with_typos(self, typos: bool) -> "SearchRequest":
        """This search with typo tolerance on or off ("search instead for" the words as typed), on page 1."""
        return replace(self, typos=typos, page=1, notices=())

    def _with_values(self, facet: str, values: Iterable[str]) -> "SearchRequest":
        if facet not in FACET_BY_NAME:
            raise BadRequest(f"unknown facet '{_show(facet)}'", parameter=facet)
        merged = dict(self.filters)
        merged[facet] = _canonical_values(values)
        filters = tuple((name, merged[name]) for name in sorted(merged) if merged[name])
        return replace(self, filters=filters, page=1, notices=())

    # ---- plain words -------------------------------------------------------------------------------------------

    def describe(self, label: Callable[[str, str], str] | None = None) -> str:
        """The search in plain words: 'matching "armistice", sent by Joseph Stalin, not of type telegram, …'.

        `label(facet, value)` may turn a raw value into its display name (e.g. through the authority).
        """
        label = label or (lambda facet, value: value)
        # A query that is one quoted phrase is already in quotation marks: quote it once, not twice.
        quoted = len(self.q) > 1 and self.q[0] == self.q[-1] == '"' and '"' not in self.q[1:-1]
        parts = [f"matching {self.q}" if quoted else f'matching "{self.q}"'] if self.q else []
        for name, values in self.filters:
            phrase = FACET_BY_NAME[name].phrase
            chosen = [plain_value(v) for v in values if not is_excluded(v)]
            left_out = [plain_value(v) for v in values if is_excluded(v)]
            if chosen:
                parts.append(phrase.format(" or ".join(_value_words(label, name, v) for v in chosen)))
            if left_out:
                parts.append("not " + phrase.format(" or ".join(_value_words(label, name, v) for v in left_out)))
        if self.date_from and self.date_from == self.date_to:
            parts.append(f"in {bound_label(self.date_from)}")
        elif self.date_from and self.date_to:
            parts.append(f"between {bound_label(self.date_from)} and {bound_label(self.date_to)}")
        elif self.date_from:
            parts.append(f"from {bound_label(self.date_from)} on")
        elif self.date_to:
            parts.append(f"up to {bound_label(self.date_to)}")
        return ", ".join(parts) if parts else "all documents"


NONE = "__none__"  # the value of documents that have none: `sender=__none__` selects them
EXCLUDE = "-"  # a value written `-telegram` (`type=-telegram`) leaves those documents out
ESCAPE = "\\"  # a value that itself starts with '-' (or '\\') is written after one: `sender=\\-2+3` selects "-2+3"


def is_excluded(value: str) -> bool:
    return value.startswith(EXCLUDE) and len(value) > 1


def plain_value(value: str) -> str:
    """The facet value a URL value names, without its exclusion mark or escape: '-telegram' → 'telegram',
    '\\-2+3' → '-2+3'."""
    value = value[1:] if is_excluded(value) else value
    return value[1:] if value.startswith(ESCAPE) and len(value) > 1 else value


def as_selected(value: str) -> str:
    """How a facet value is written in the URL to select it: as it is, unless it would read as an exclusion."""
    return ESCAPE + value if value.startswith((EXCLUDE, ESCAPE)) and len(value) > 1 else value


def as_excluded(value: str) -> str:
    """How a facet value is written in the URL to leave it out: '-telegram'."""
    return EXCLUDE + as_selected(value)


def _getlist(args: Any, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        values = args.get(name, [])
        if isinstance(values, str):
            values = [values]
    return [v if isinstance(v, str) else str(v) for v in values]


def _first(args: Any, name: str) -> str:
    for value in _getlist(args, name):
        if value.strip():
            return value
    return ""


def _show(text: str, limit: int = 40) -> str:
    """A user's bad value, shortened and cleaned, for an error message."""
    text = clean_text(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _canonical_values(values: Iterable[str]) -> tuple[str, ...]:
    cleaned = (clean_text(v)[:MAX_VALUE_CHARS].strip() for v in values)
    return tuple(sorted({v for v in cleaned if v}))


def _facet_values(args: Any, name: str) -> tuple[str, ...]:
    values = _canonical_values(_getlist(args, name))
    if len(values) > MAX_FACET_VALUES:
        raise BadRequest(f"{name}: at most {MAX_FACET_VALUES} values, got {len(values)}", parameter=name)
    return values


def _bound(args: Any, name: str) -> str:
    """The canonical bound ('1950', '1950-06', '1950-06-25') of what was typed ('June 1950', '1950/6')."""
    text = clean_text(_first(args, name))
    if not text:
        return ""
    try:
        return read_bound(text)
    except DateInputError as exc:
        raise BadRequest(f"{name}: {exc.reason}", parameter=name) from None


def _int(args: Any, name: str, *, default: int, low: int, high: int) -> int:
    text = clean_text(_first(args, name))
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):
        raise BadRequest(f"{name}: expected a whole number, got '{_show(text)}'", parameter=name)
    value = int(text[:12])
    if not low <= value <= high:
        raise BadRequest(f"{name}: expected a number from {low} to {high}, got {_show(text)}", parameter=name)
    return value


def _value_words(label: Callable[[str, str], str], name: str, value: str) -> str:
    return "unknown" if value == NONE else label(name, value)
