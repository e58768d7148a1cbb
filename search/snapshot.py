"""Everything a search needs from one index generation, opened once and kept while that generation is live.

The numpy columns come from `index/columns.py`; derived arrays (the owner docnum of every CSR entry, version
groups, date order, folded value tables) are computed here once per generation, so a query only does
vectorised work over them.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from functools import cached_property

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

from index.columns import Columns, load_columns
from corpus.authority import Authority, AuthorityEntry
from index.analysis import AuthorityFilter
from index.facets import FACET_BY_FIELD, FACETS
from index.generations import Generation, open_generation
from search.facets import FacetColumn
from search.snippets import collect_spans

TERM_CACHE_BYTES = 192 * 2**20  # postings arrays kept per generation (per worker)
EXPANSIONS_KEPT = 2048  # prefix/wildcard/fuzzy expansions kept per generation
SPAN_ARRAYS_MAX_DOCS = 5_000  # a term in more documents is highlighted by walking its postings
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)
_EMPTY_I32 = np.zeros(0, dtype=np.int32)
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


class Snapshot:
    """An open generation: Whoosh index and searcher, columns and derived arrays."""

    def __init__(self, generation: Generation):
        self.generation = generation
        self._lock = threading.Lock()
        self.index = open_generation(generation)
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
        self.docnum_by_id = self.columns.docnum_of()
        self.schema = self.index.schema  # Whoosh re-reads (and re-unpickles) the schema on every `.schema`
        self.analyzer = self.schema["body"].analyzer
        self.authority = authority_of(self.analyzer)
        self.postings = Postings(self.reader, self.schema, self.size)
        self.spans = SpanCache()
        self._expansions: OrderedDict = OrderedDict()

    def close(self) -> None:
        self._finalizer()

    @cached_property
    def groups(self) -> np.ndarray:
        """Version group of every docnum: the smallest docnum among the documents linked to it by `versions`
        (read from the columns; the links are symmetric in the corpus, but either direction joins)."""
        versions = self.columns.facets["versions"]
        targets = np.array([self.docnum_by_id.get(v, -1) for v in versions.values], dtype=np.int64)
        owners = np.repeat(np.arange(self.size, dtype=np.int64), np.diff(versions.offsets))
        linked = targets[versions.value_ids] if len(versions.value_ids) else np.zeros(0, dtype=np.int64)
        keep = linked >= 0
        return _components(self.size, owners[keep], linked[keep])

    @cached_property
    def version_rank(self) -> np.ndarray:
        """Which version stands for its group in results: the fullest text (longest body as the index measures
        it), then the smallest id. A property of the document, not of the search, so a group shows the same
        representative for every search that matches it."""
        ids = np.array(self.columns.ids, dtype=object)
        order = np.lexsort((ids, -self.postings.lengths("body")))
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size, dtype=np.int64)
        return rank

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
    def date_order(self) -> np.ndarray:
        """Live dated docnums from earliest to latest (start, then end, then id): for neighbours."""
        cols = self.columns
        dated = np.flatnonzero(cols.live & (cols.date_start > 0))
        ids = np.array(cols.ids, dtype=object)[dated]
        order = np.lexsort((ids, cols.date_end[dated], cols.date_start[dated]))
        return dated[order]

    def expand(self, q) -> tuple:
        """The index terms a prefix, wildcard or fuzzy term stands for, walked once per generation and
        remembered (a query may repeat one, and the scorer and the highlighter both need them)."""
        key = (type(q).__name__, q.fieldname, q.text, getattr(q, "maxdist", None), getattr(q, "prefixlength", None))
        with self._lock:
            found = self._expansions.get(key)
            if found is not None:
                self._expansions.move_to_end(key)
                return found
        found = tuple(q._btexts(self.reader))
        with self._lock:
            self._expansions[key] = found
            if len(self._expansions) > EXPANSIONS_KEPT:
                self._expansions.popitem(last=False)
        return found

    def value_ids(self, facet: str, raw: str) -> list[int]:
        """Ids of the facet values a user's value stands for (see `FacetColumn.lookup`)."""
        return self.facets[facet].lookup(raw, self.authority)

    def resolve_field_value(self, fieldname: str, raw: str) -> str | None:
        """For `from:Filippov` in the query language: the exact indexed value, or None."""
        column = self.facets[FACET_BY_FIELD[fieldname].name]
        ids = column.lookup(raw, self.authority)
        return column.values[ids[0]] if ids else None


def authority_of(analyzer):
    """The name authority the generation was analysed with, rebuilt from the analyzer's (key, forms) pairs,
    so name lookups always agree with the index being searched. The first form is the canonical name."""
    entries = next((item.entries for item in getattr(analyzer, "items", ()) if isinstance(item, AuthorityFilter)), ())
    return Authority([AuthorityEntry(key, forms[0], "person", tuple(forms[1:])) for key, forms in entries if forms])


class Postings:
    """Postings of (field, term) as numpy arrays over global docnums, read once per generation and kept in an
    LRU bounded by bytes: what lets queries be scored with vectorised BM25 instead of walking matchers."""

    def __init__(self, reader, schema, size: int):
        self.reader, self.schema, self.size = reader, schema, size
        self.leaves = list(reader.leaf_readers())
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lengths: dict[str, np.ndarray] = {}

    def _remember(self, key, value, nbytes: int):
        with self._lock:
            self._cache[key] = (value, nbytes)
            self._bytes += nbytes
            while self._bytes > TERM_CACHE_BYTES and len(self._cache) > 1:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._bytes -= dropped
        return value

    def _recall(self, key):
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                return None
            self._cache.move_to_end(key)
            return found[0]

    def _blocks_of(self, fieldname: str, text, values: bool):
        """(global docnums int64, weights, values) per postings block of one term, over every segment with it."""
        for leaf, offset in self.leaves:
            if (fieldname, text) in leaf:
                for ids, weights, vals in _blocks(leaf.postings(fieldname, text), values=values):
                    yield np.asarray(ids, dtype=np.int64) + offset, weights, vals

    def term(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(sorted docnums int64, weights float32) of one term; empty arrays when the index lacks it."""
        key = ("t", fieldname, text)
        found = self._recall(key)
        if found is not None:
            return found
        ids, weights = [], []
        for block_ids, block_weights, _ in self._blocks_of(fieldname, text, values=False):
            ids.append(block_ids)
            weights.append(np.asarray(block_weights, dtype=np.float32))
        docs = np.concatenate(ids) if ids else _EMPTY_I
        result = (docs, np.concatenate(weights) if weights else _EMPTY_F)
        return self._remember(key, result, docs.nbytes * 3 // 2 + 200)

    def positions(self, fieldname: str, text) -> np.ndarray:
        """Sorted docnum << 32 | position of every occurrence of one term, for phrase matching."""
        if self.has_offsets(fieldname):
            return self.occurrences(fieldname, text)[0]
        key = ("p", fieldname, text)
        found = self._recall(key)
        if found is not None:
            return found
        fmt = self.schema[fieldname].format
        docs, positions = [], []
        for block_ids, _, values in self._blocks_of(fieldname, text, values=True):
            decoded = [fmt.decode_positions(v) for v in values]
            docs.append(np.repeat(block_ids, [len(d) for d in decoded]))
            positions.append(np.array([p for d in decoded for p in d], dtype=np.int64))
        keys = (np.concatenate(docs) << 32) | np.concatenate(positions) if docs else _EMPTY_I
        return self._remember(key, keys, keys.nbytes + 200)

    def has_offsets(self, fieldname: str) -> bool:
        """Whether the field's postings values are this project's flat (pos, startchar, endchar) triples."""
        return hasattr(self.schema[fieldname].format, "_triples")

    def occurrences(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(docnum << 32 | position, startchar, endchar) of every occurrence of one term, sorted by the first;
        decoded block by block with numpy from the flat triples (fields with `has_offsets` only)."""
        key = ("o", fieldname, text)
        found = self._recall(key)
        if found is not None:
            return found
        docs, rows = [], []
        for block_ids, _, values in self._blocks_of(fieldname, text, values=True):
            counts = (np.fromiter(map(len, values), dtype=np.int64, count=len(values)) - 4) // 12
            flat = np.frombuffer(b"".join(values), dtype=np.int32)
            heads = np.cumsum(np.concatenate(([0], 1 + 3 * counts[:-1])))  # where each count word sits
            at = np.repeat(heads + 1, counts) + 3 * _ranks(counts)
            rows.append(np.stack((flat[at], flat[at + 1], flat[at + 2])))
            docs.append(np.repeat(block_ids, counts))
        if not docs:
            return self._remember(key, (_EMPTY_I, _EMPTY_I32, _EMPTY_I32), 200)
        # sorted already: docnums ascend within a segment, segments follow each other, positions ascend
        triples = np.concatenate(rows, axis=1)
        keys = (np.concatenate(docs) << 32) | triples[0].astype(np.int64)
        found = (keys, np.ascontiguousarray(triples[1]), np.ascontiguousarray(triples[2]))
        return self._remember(key, found, keys.nbytes * 2 + 200)

    def spans(self, fieldname: str, texts, docnums, walked=None) -> dict[int, list[tuple[int, int]]]:
        """{docnum: [(startchar, endchar)]} of the given terms in the given documents, for highlighting.

        A term in at most `SPAN_ARRAYS_MAX_DOCS` documents has all its occurrences decoded into arrays once
        (cheap for it) and each page is a slice of them; a commoner term would cost seconds to decode at
        100,000 documents, so its postings are walked to the wanted documents only (`collect_spans`,
        remembering into `walked`).
        """
        wanted = np.unique(np.asarray(docnums, dtype=np.int64))
        spans: dict[int, list[tuple[int, int]]] = {int(d): [] for d in wanted}
        for text in texts:
            if self._recall(("o", fieldname, text)) is None and \
                    len(self.term(fieldname, text)[0]) > SPAN_ARRAYS_MAX_DOCS:
                for docnum, found in collect_spans(self.reader, fieldname, [text], wanted, walked).items():
                    spans[docnum].extend(found)
                continue
            keys, starts, ends = self.occurrences(fieldname, text)
            if len(keys) == 0:
                continue
            low, high = np.searchsorted(keys, wanted << 32), np.searchsorted(keys, (wanted + 1) << 32)
            for docnum, a, b in zip(wanted.tolist(), low.tolist(), high.tolist()):
                if b > a:
                    spans[docnum].extend(zip(starts[a:b].tolist(), ends[a:b].tolist()))
        return spans

    def lengths(self, fieldname: str) -> np.ndarray:
        """The field length Whoosh's BM25 uses (byte-quantised) for every docnum."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = []
            for leaf, _ in self.leaves:
                column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) \
                    if hasattr(leaf, "_perdoc") else None
                count = leaf.doc_count_all()
                if column is None:
                    parts.append(np.array([leaf.doc_field_length(d, fieldname) or 0 for d in range(count)],
                                          dtype=np.float32))
                else:
                    parts.append(_BYTE_LENGTHS[_length_codes(column, count)])
            found = np.concatenate(parts) if parts else _EMPTY_F
            self._lengths[fieldname] = found
        return found


def _components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For every node of the graph with edges a[i]–b[i], the smallest node of its connected component:
    minimum labels pushed across the edges, with pointer jumping, until nothing changes (a few rounds for
    version groups, which are small)."""
    labels = np.arange(size, dtype=np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        fresh = labels.copy()
        np.minimum.at(fresh, a, low)
        np.minimum.at(fresh, b, low)
        fresh = fresh[fresh]
        if np.array_equal(fresh, labels):
            return labels
        labels = fresh


def _length_codes(column, count: int) -> np.ndarray:
    """The byte-coded field lengths of one segment: one read of Whoosh's fixed one-byte column when it is one
    (documents past its end have length 0), else one lookup per document."""
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        stored = min(column._count, count)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        return codes
    return np.fromiter((column[d] for d in range(count)), dtype=np.uint8, count=count)


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0..count-1 for every group of a run-length list: [2, 3] → [0, 1, 0, 1, 2]."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts


def _blocks(matcher, values: bool):
    """(ids, weights, values) per postings block; a whole block at a time from Whoosh's W3 files."""
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            if values:
                matcher._read_values()
            yield matcher._ids, matcher._weights, matcher._values
            matcher._next_block()
        return
    ids, weights, vals = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            vals.append(matcher.value())
        matcher.next()
    if ids:  # a segment whose every posting is deleted has no block at all
        yield ids, weights, vals


class SpanCache(OrderedDict):
    """LRU of highlight spans per (field, term, docnum) for one generation; bounded by entries."""

    LIMIT = 200_000

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def __setitem__(self, key, value):
        with self._lock:
            super().__setitem__(key, value)
            if len(self) > self.LIMIT:
                self.popitem(last=False)
