"""A generation's postings as numpy arrays over global docnums: what lets queries be scored with vectorised BM25
and snippets be cut from offsets instead of walking Whoosh's matchers. Blocks are read through
`index/whoosh_private.py`; decoded arrays are kept per generation in a cache bounded by bytes.
"""
from __future__ import annotations

from itertools import compress

import numpy as np

from index.caching import BoundedCache
from index.schema import OffsetsFormat
from index.whoosh_private import field_lengths, postings_arrays

TERM_CACHE_BYTES = 192 * 2**20  # postings arrays kept per generation (per worker)
FREQUENCIES_BYTES = 4 * 2**20  # document frequencies of terms kept per generation
SPAN_ARRAYS_MAX_DOCS = 5_000  # a term in more documents is highlighted from the page's postings blocks only
POSITIONS_KEPT_DOCS = 20_000  # a term in more documents has its positions decoded per phrase, not kept
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)
_EMPTY_I32 = np.zeros(0, dtype=np.int32)


class Postings:
    """Postings of (field, term) as numpy arrays over global docnums, read once per generation and kept in a
    cache bounded by bytes: what lets queries be scored with vectorised BM25 instead of walking matchers."""

    def __init__(self, reader, schema, size: int):
        # Only terms the index has are kept: an absent one costs a dictionary lookup per segment to find
        # again, and keeping it would let searches of ever-new words fill the cache with nothing.
        self.reader, self.schema, self.size = reader, schema, size
        self.leaves = list(reader.leaf_readers())
        self.cache = BoundedCache(TERM_CACHE_BYTES)
        self._frequencies = BoundedCache(FREQUENCIES_BYTES)  # (field, term) → documents holding it
        self._lengths: dict[str, np.ndarray] = {}

    def _segments_of(self, fieldname: str, text, values: bool, within: np.ndarray | None = None,
                     whole: list | None = None):
        """(global docnums int64, weights float32, values) of one term in each segment that has it; with
        `within` (sorted global docnums), only of those documents, and only their postings blocks are read.
        With `whole`, every block is read and every (docnums, weights) appended to it before the narrowing."""
        for leaf, offset in self.leaves:
            local = None
            if within is not None:
                low, high = np.searchsorted(within, [offset, offset + leaf.doc_count_all()])
                if low == high:
                    continue
                local = within[low:high] - offset
            found = postings_arrays(leaf, fieldname, text, values=values, within=None if whole is not None else local)
            if found is None or not len(found[0]):
                continue
            ids, weights, vals = found
            if whole is not None:
                whole.append(((ids + offset).astype(np.int32), weights))
            if local is not None:
                keep = np.isin(ids, local)
                ids, weights = ids[keep], weights[keep]
                vals = list(compress(vals, keep.tolist())) if values else None
                if not len(ids):
                    continue
            yield ids + offset, weights, vals

    def term(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(sorted docnums int32, weights float32) of one term; empty arrays when the index lacks it. Docnums are
        kept as int32 (8 bytes a posting with the weight, not 12): the common words of a day's searches at a
        million documents are some 18 million postings, and a cache smaller than what is searched in turn keeps
        nothing (the least recently used entry is always the next one wanted)."""
        key = ("t", fieldname, text)
        found = self.cache.get(key)
        if found is not None:
            return found
        ids, weights = [], []
        for block_ids, block_weights, _ in self._segments_of(fieldname, text, values=False):
            ids.append(block_ids.astype(np.int32))
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if not ids:
            return _EMPTY_I32, _EMPTY_F
        return self.cache.put(key, (np.concatenate(ids), np.concatenate(weights)))

    def positions(self, fieldname: str, text) -> np.ndarray:
        """Sorted docnum << 32 | position of every occurrence of one term, for phrase matching. Kept without the
        character offsets (half the bytes): a phrase with "of" in it needs every "of" of the index."""
        key = ("p", fieldname, text)
        found = self.cache.get(key)
        if found is not None:
            return found
        if self.has_offsets(fieldname):
            kept = self.cache.get(("o", fieldname, text))
            keys = kept[0] if kept else self._decode_occurrences(fieldname, text, offsets=False, keep_term=True)
            return self.cache.put(key, keys) if len(keys) else keys
        fmt = self.schema[fieldname].format
        docs, positions = [], []
        for block_ids, _, values in self._segments_of(fieldname, text, values=True):
            decoded = [fmt.decode_positions(v) for v in values]
            docs.append(np.repeat(block_ids, [len(d) for d in decoded]))
            positions.append(np.array([p for d in decoded for p in d], dtype=np.int64))
        if not docs:
            return _EMPTY_I
        return self.cache.put(key, (np.concatenate(docs) << 32) | np.concatenate(positions))

    def has_offsets(self, fieldname: str) -> bool:
        """Whether the field's postings values are this project's flat (pos, startchar, endchar) triples."""
        return isinstance(self.schema[fieldname].format, OffsetsFormat)

    def occurrences(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(docnum << 32 | position, startchar, endchar) of every occurrence of one term, sorted by the first;
        decoded block by block with numpy from the flat triples (fields with `has_offsets` only)."""
        key = ("o", fieldname, text)
        found = self.cache.get(key)
        if found is not None:
            return found
        decoded = self._decode_occurrences(fieldname, text, keep_term=True)
        return self.cache.put(key, decoded) if len(decoded[0]) else decoded

    def _decode_occurrences(self, fieldname: str, text, offsets: bool = True, within: np.ndarray | None = None,
                            keep_term: bool = False):
        """`occurrences` decoded, or only its first array (the position keys) without `offsets`; only in the
        documents `within` (sorted docnums) when given. With `keep_term`, when every block was read, the term's
        docnums and weights read on the way are kept as `term` would keep them (they cost the same decoding)."""
        docs, rows = [], []
        # Documents spread over more than 1/64 of the index leave few blocks to skip: read them all, keep the term.
        whole = [] if keep_term and self.cache.get(("t", fieldname, text)) is None and \
            (within is None or len(within) * 64 > self.size) else None
        for block_ids, _, values in self._segments_of(fieldname, text, values=True, within=within, whole=whole):
            counts = (np.fromiter(map(len, values), dtype=np.int64, count=len(values)) - 4) // 12
            flat = np.frombuffer(b"".join(values), dtype=np.int32)
            heads = np.cumsum(np.concatenate(([0], 1 + 3 * counts[:-1])))  # where each count word sits
            at = np.repeat(heads + 1, counts) + 3 * _ranks(counts)
            rows.append(np.stack((flat[at], flat[at + 1], flat[at + 2])) if offsets else flat[at][None])
            docs.append(np.repeat(block_ids, counts))
        if whole:
            self.cache.put(("t", fieldname, text), (np.concatenate([ids for ids, _ in whole]),
                                                    np.concatenate([weights for _, weights in whole])))
        if not docs:
            return (_EMPTY_I, _EMPTY_I32, _EMPTY_I32) if offsets else _EMPTY_I
        # sorted already: docnums ascend within a segment, segments follow each other, positions ascend
        triples = np.concatenate(rows, axis=1)
        keys = (np.concatenate(docs) << 32) | triples[0].astype(np.int64)
        return (keys, np.ascontiguousarray(triples[1]), np.ascontiguousarray(triples[2])) if offsets else keys

    def positions_in(self, fieldname: str, text, docnums: np.ndarray | None) -> np.ndarray:
        """`positions` of one term in the given documents only (sorted unique docnums; None: all): what a phrase
        checks once its rarer words say where it can stand. A term in more than `POSITIONS_KEPT_DOCS` documents
        is decoded in those documents' postings blocks only and not kept: every position of "of" at a million
        documents is 50 million entries, seconds to decode and more than the whole cache."""
        if docnums is not None and len(docnums) == 0:
            return _EMPTY_I
        if self._decoded_each_time(fieldname, text):
            return self._decode_occurrences(fieldname, text, offsets=False, within=docnums, keep_term=True)
        keys = self.positions(fieldname, text)
        return keys if docnums is None else keys[np.isin(keys >> 32, docnums)]

    def positions_cost(self, fieldname: str, text) -> int:
        """How many positions a phrase decodes for this term each time it is searched: none when they are kept
        (or will be, after one decoding of at most `POSITIONS_KEPT_DOCS` documents), else every occurrence of the
        term (a phrase reads them in the documents its rarer words leave, which is most of them for "of")."""
        return int(self.reader.frequency(fieldname, text)) if self._decoded_each_time(fieldname, text) else 0

    def _decoded_each_time(self, fieldname: str, text) -> bool:
        """Whether a phrase decodes this term's positions each time instead of keeping them."""
        return self.has_offsets(fieldname) and self.cache.get(("p", fieldname, text)) is None and \
            self.doc_frequency(fieldname, text) > POSITIONS_KEPT_DOCS

    def doc_frequency(self, fieldname: str, text) -> int:
        """How many documents hold a term (0 when none does): Whoosh looks it up in every segment's dictionary
        (about 50 at a million documents), so the answer is remembered."""
        return self._frequencies.get_or_compute((fieldname, text),
                                                lambda: self.reader.doc_frequency(fieldname, text))

    def spans(self, fieldname: str, texts, docnums, remembered=None) -> dict[int, list[tuple[int, int]]]:
        """{docnum: [(startchar, endchar)]} of the given terms in the given documents, for highlighting.

        A term in at most `SPAN_ARRAYS_MAX_DOCS` documents has all its occurrences decoded into arrays once
        (cheap for it) and each page is a slice of them; a commoner term is decoded in the page's documents
        only (the postings blocks holding them), and what each document holds is kept in `remembered` (a
        `BoundedCache` by (field, term, docnum)): the next page size or filter of the same search shows the
        same documents first.
        """
        wanted = np.unique(np.asarray(docnums, dtype=np.int64))
        spans: dict[int, list[tuple[int, int]]] = {int(d): [] for d in wanted}
        for text in texts:
            if self.cache.get(("o", fieldname, text)) is None and \
                    len(self.term(fieldname, text)[0]) > SPAN_ARRAYS_MAX_DOCS:
                for docnum, found in self._page_spans(fieldname, text, wanted, remembered).items():
                    spans[docnum].extend(found)
                continue
            keys, starts, ends = self.occurrences(fieldname, text)
            for docnum, found in _slices(keys, starts, ends, wanted).items():
                spans[docnum].extend(found)
        return spans

    def _page_spans(self, fieldname: str, text, wanted: np.ndarray, remembered) -> dict[int, list]:
        """A common term's spans in a page's documents: those remembered, the others decoded (and remembered)."""
        found, missing = {}, []
        for docnum in wanted.tolist():
            kept = remembered.get((fieldname, text, docnum)) if remembered is not None else None
            if kept is None:
                missing.append(docnum)
            else:
                found[docnum] = kept
        if missing:
            missing = np.array(missing, dtype=np.int64)
            decoded = _slices(*self._decode_occurrences(fieldname, text, within=missing), missing)
            for docnum in missing.tolist():
                found[docnum] = decoded.get(docnum, [])
                if remembered is not None:
                    remembered.put((fieldname, text, docnum), found[docnum])
        return found

    def lengths(self, fieldname: str) -> np.ndarray:
        """The field length Whoosh's BM25 uses (byte-quantised) for every docnum."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = []
            for leaf, _ in self.leaves:
                lengths = field_lengths(leaf, fieldname)
                parts.append(np.zeros(leaf.doc_count_all(), dtype=np.float32) if lengths is None
                             else lengths.astype(np.float32))
            found = np.concatenate(parts) if parts else _EMPTY_F
            self._lengths[fieldname] = found
        return found


def _slices(keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, wanted: np.ndarray) -> dict[int, list]:
    """{docnum: [(startchar, endchar)]} of the wanted documents (sorted) that have occurrences in `keys`."""
    found: dict[int, list] = {}
    if len(keys) == 0:
        return found
    low, high = np.searchsorted(keys, wanted << 32), np.searchsorted(keys, (wanted + 1) << 32)
    for docnum, a, b in zip(wanted.tolist(), low.tolist(), high.tolist()):
        if b > a:
            found[docnum] = list(zip(starts[a:b].tolist(), ends[a:b].tolist()))
    return found


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0..count-1 for every group of a run-length list: [2, 3] → [0, 1, 0, 1, 2]."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts
