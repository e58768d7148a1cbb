"""Everything a search needs from one index generation, opened once and kept while that generation is live.

The numpy columns come from `index/columns.py`, memory-mapped, with the orders computed at build time (title,
collection and id order, version groups), so every worker shares them; the few arrays derived from them here
(the owner docnum of every CSR entry, version representatives, date order, folded value tables) are small and
computed once per generation, so a query only does vectorised work over them.
"""
from __future__ import annotations

import weakref
from functools import cached_property

import numpy as np

from index.columns import Columns, load_columns
from corpus.authority import Authority, AuthorityEntry
from index.analysis import AuthorityFilter
from index.caching import BoundedCache
from index.facets import FACET_BY_FIELD, FACETS
from index import integrity
from index.generations import Generation, check_files, open_generation
from search.facets import FacetColumn
from search.postings import Postings
from search.query import FuzzyNames
from search.suggest import vocabulary_of

EXPANSIONS_BYTES = 16 * 2**20  # prefix/wildcard/fuzzy expansions kept per generation
SPAN_CACHE_BYTES = 32 * 2**20  # highlight spans of common terms kept per generation
PHRASES_BYTES = 16 * 2**20  # documents where a phrase stands, kept per generation
MAX_EXPANSION_TERMS = 200  # a prefix, wildcard or fuzzy word searches at most this many index terms …
MAX_EXPANSION_POSTINGS = 200_000  # … in at most about this many postings in all (the most frequent terms first)


class Snapshot:
    """An open generation: Whoosh index and searcher, columns and derived arrays."""

    def __init__(self, generation: Generation):
        self.generation = generation
        self.index = open_generation(generation)
        self._file_signatures = integrity.signatures(generation.path, generation.meta.get(integrity.FILES))
        self.searcher = self.index.searcher()
        self.reader = self.searcher.reader()
        # The index files stay open while the snapshot lives (plain reads, see `open_whoosh`): closed with it,
        # however it goes, and at once when the generation turns out damaged (it is retried per request).
        self._finalizer = weakref.finalize(self, self.searcher.close)
        try:
            self.columns: Columns = load_columns(generation.path)
        except BaseException:
            self._finalizer()
            raise
        self.size = len(self.columns.ids)
        self.facets = {spec.name: FacetColumn.build(spec, self.columns.facets[spec.field]) for spec in FACETS}
        self.schema = self.index.schema  # Whoosh re-reads (and re-unpickles) the schema on every `.schema`
        self.analyzer = self.schema["body"].analyzer
        self.authority = authority_of(self.analyzer, generation.meta.get("names"))
        self.postings = Postings(self.reader, self.schema, self.size)
        self.spans = BoundedCache(SPAN_CACHE_BYTES)  # highlight spans of (field, term, docnum) walked in postings
        self._expansions = BoundedCache(EXPANSIONS_BYTES)  # expansion key → (terms searched, terms matching)
        # phrase → sorted docnums where it stands: finding them reads every position of its words in the documents
        # holding them all (seconds for "prisoners of war" at a million), and paging, facets and dates repeat it
        self.phrases = BoundedCache(PHRASES_BYTES)
        self.fuzzy_names = FuzzyNames(self.analyzer)

    def close(self) -> None:
        self._finalizer()

    def ensure_intact(self) -> None:
        """IndexUnavailable when a file of this generation was changed since it was opened and no longer matches
        its checksum; a `stat` per file when nothing changed (see `index/integrity.py`)."""
        files = self.generation.meta.get(integrity.FILES)
        now = integrity.signatures(self.generation.path, files)
        if now != self._file_signatures:
            check_files(self.generation, trusted=self._file_signatures)
            self._file_signatures = now

    def docnum_of(self, doc_id: str) -> int | None:
        """The docnum of a live document by its id, or None."""
        return self.columns.docnum_of(doc_id)

    @property
    def groups(self) -> np.ndarray:
        """Version group of every docnum: the smallest docnum among the documents linked to it by `versions`."""
        return self.columns.orders.groups

    @cached_property
    def version_rank(self) -> np.ndarray:
        """Which version stands for its group in results: the fullest text (longest body as the index measures
        it), then the smallest id. A property of the document, not of the search, so a group shows the same
        representative for every search that matches it."""
        order = np.lexsort((self.columns.orders.id_rank, -self.postings.lengths("body")))
        rank = np.empty(self.size, dtype=np.int32)
        rank[order] = np.arange(self.size, dtype=np.int32)
        return rank

    @cached_property
    def has_versions(self) -> np.ndarray:
        """Docnums whose version group has other members (the only ones a representative is chosen among)."""
        groups = self.groups
        return np.bincount(groups, minlength=self.size)[groups] > 1

    @property
    def title_rank(self) -> np.ndarray:
        """Every docnum's place in title order (folded, so case and diacritics do not sort apart; ties by id),
        for `sort=title`: computed at build time (see `index.columns.Orders`)."""
        return self.columns.orders.title_rank

    @property
    def collection_rank(self) -> np.ndarray:
        """Every docnum's place in (collection, number) order, numbers compared as numbers ("2" before "10",
        "18a" after "18"), for `sort=collection`."""
        return self.columns.orders.collection_rank

    @cached_property
    def versions_of(self) -> dict[int, list[int]]:
        """{docnum: other live docnums of its version group}, only for documents that have versions."""
        groups, live = self.groups, self.columns.live
        shared = np.flatnonzero((groups != np.arange(self.size)) & live)
        members: dict[int, list[int]] = {}
        for docnum in shared.tolist():
            members.setdefault(int(groups[docnum]), []).append(docnum)
        result = {}
        for head, others in members.items():
            group = ([head] if live[head] else []) + others
            for docnum in group:
                result[docnum] = [d for d in group if d != docnum]
        return result

    @cached_property
    def vocabulary(self) -> dict[str, dict[str, int]]:
        """The words "did you mean" picks from (see `search/suggest.py`), gathered on first need."""
        return vocabulary_of(self.reader, self.authority)

    @cached_property
    def date_order(self) -> np.ndarray:
        """Live dated docnums from earliest to latest (start, then end, then id): for neighbours."""
        cols = self.columns
        dated = np.flatnonzero(cols.live & (cols.date_start > 0))
        order = np.lexsort((cols.orders.id_rank[dated], cols.date_end[dated], cols.date_start[dated]))
        return dated[order]

    def expand(self, q) -> tuple:
        """The index terms a prefix, wildcard or fuzzy term stands for, walked once per generation and
        remembered (a query may repeat one, and the scorer and the highlighter both need them)."""
        return self._expansion(q)[0]

    def _expansion(self, q) -> tuple[tuple, int]:
        return self._expansions.get_or_compute(expansion_key(q), lambda: self._capped(
            q.fieldname, tuple(text for _, text in q.expanded_terms(self.reader))))

    def _capped(self, fieldname: str, texts: tuple) -> tuple[tuple, int]:
        """(the most frequent of `texts` within MAX_EXPANSION_TERMS and MAX_EXPANSION_POSTINGS, how many there
        were): `expansion_cut` tells when that is fewer (a two-letter prefix can match thousands of words)."""
        frequency = {text: self.doc_frequency(fieldname, text) for text in texts}
        if len(texts) <= MAX_EXPANSION_TERMS and sum(frequency.values()) <= MAX_EXPANSION_POSTINGS:
            return texts, len(texts)
        kept, postings = [], 0
        for text in sorted(texts, key=lambda t: -frequency[t]):
            if kept and (len(kept) >= MAX_EXPANSION_TERMS or postings + frequency[text] > MAX_EXPANSION_POSTINGS):
                break
            kept.append(text)
            postings += frequency[text]
        return tuple(sorted(kept)), len(texts)

    def expansion_cut(self, q) -> tuple[int, int] | None:
        """(searched, matching) term counts when `q`'s expansion was cut, else None."""
        searched, matching = self._expansion(q)
        return (len(searched), matching) if matching > len(searched) else None

    def doc_frequency(self, fieldname: str, text) -> int:
        """How many documents hold a term (remembered by `Postings.doc_frequency`)."""
        return self.postings.doc_frequency(fieldname, text)

    def word_frequency(self, word: str) -> int:
        """Documents holding a folded word in the title or body (an upper bound: a word in both counts twice)."""
        return self.doc_frequency("body", word) + self.doc_frequency("title", word)

    def value_ids(self, facet: str, raw: str) -> list[int]:
        """Ids of the facet values a user's value stands for (see `FacetColumn.lookup`)."""
        return self.facets[facet].lookup(raw, self.authority)

    def resolve_field_value(self, fieldname: str, raw: str) -> str | None:
        """For `from:Filippov` in the query language: the exact indexed value, or None."""
        column = self.facets[FACET_BY_FIELD[fieldname].name]
        ids = column.lookup(raw, self.authority)
        return column.values[ids[0]] if ids else None


def expansion_key(q) -> tuple:
    return type(q).__name__, q.fieldname, q.text, getattr(q, "maxdist", None), getattr(q, "prefixlength", None)


def authority_of(analyzer, names: dict | None = None):
    """The name authority the generation was analysed with, rebuilt from the analyzer's (key, forms) pairs,
    so name lookups always agree with the index being searched. The first form is the canonical name; kinds and
    descriptions come from the generation's `names` (older generations: every entry a person)."""
    entries = next((item.entries for item in getattr(analyzer, "items", ()) if isinstance(item, AuthorityFilter)), ())
    names = names or {}
    return Authority([AuthorityEntry(key, forms[0], *names.get(key, ("person", ""))[:1], tuple(forms[1:]),
                                     description=(names.get(key) or ("", ""))[1])
                      for key, forms in entries if forms])
