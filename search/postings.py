"""A generation's postings as numpy arrays over global docnums: what lets queries be scored with vectorised BM25
and snippets be cut from offsets instead of walking Whoosh's matchers. Blocks are read through
`index/whoosh_private.py`; decoded arrays are kept per generation in a cache bounded by bytes.
"""
from __future__ import annotations

import numpy as np

from index.caching import BoundedCache
from index.schema import OffsetsFormat
from index.whoosh_private import field_lengths, postings_blocks
from search.snippets import collect_spans

TERM_CACHE_BYTES = 192 * 2**20  # postings arrays kept per generation (per worker)
SPAN_ARRAYS_MAX_DOCS = 5_000  # a term in more documents is highlighted by walking its postings
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
        self._lengths: dict[str, np.ndarray] = {}

    def _blocks_of(self, fieldname: str, text, values: bool):
        """(global docnums int64, weights, values) per postings block of one term, over every segment with it."""
        for leaf, offset in self.leaves:
            if (fieldname, text) in leaf:
                for ids, weights, vals in postings_blocks(leaf, fieldname, text, values=values):
                    yield np.asarray(ids, dtype=np.int64) + offset, weights, vals

    def term(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(sorted docnums int64, weights float32) of one term; empty arrays when the index lacks it."""
        key = ("t", fieldname, text)
        found = self.cache.get(key)
        if found is not None:
            return found
        ids, weights = [], []
        for block_ids, block_weights, _ in self._blocks_of(fieldname, text, values=False):
            ids.append(block_ids)
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if not ids:
            return _EMPTY_I, _EMPTY_F
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
            keys = kept[0] if kept else self._decode_occurrences(fieldname, text, offsets=False)
            return self.cache.put(key, keys) if len(keys) else keys
        fmt = self.schema[fieldname].format
        docs, positions = [], []
        for block_ids, _, values in self._blocks_of(fieldname, text, values=True):
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
        decoded = self._decode_occurrences(fieldname, text)
        return self.cache.put(key, decoded) if len(decoded[0]) else decoded

    def _decode_occurrences(self, fieldname: str, text, offsets: bool = True):
        """`occurrences` decoded, or only its first array (the position keys) without `offsets`."""
        docs, rows = [], []
        for block_ids, _, values in self._blocks_of(fieldname, text, values=True):
            counts = (np.fromiter(map(len, values), dtype=np.int64, count=len(values)) - 4) // 12
            flat = np.frombuffer(b"".join(values), dtype=np.int32)
            heads = np.cumsum(np.concatenate(([0], 1 + 3 * counts[:-1])))  # where each count word sits
            at = np.repeat(heads + 1, counts) + 3 * _ranks(counts)
            rows.append(np.stack((flat[at], flat[at + 1], flat[at + 2])) if offsets else flat[at][None])
            docs.append(np.repeat(block_ids, counts))
        if not docs:
            return (_EMPTY_I, _EMPTY_I32, _EMPTY_I32) if offsets else _EMPTY_I
        # sorted already: docnums ascend within a segment, segments follow each other, positions ascend
        triples = np.concatenate(rows, axis=1)
        if not offsets:
            return (np.concatenate(docs) << 32) | triples[0].astype(np.int64)
        keys = (np.concatenate(docs) << 32) | triples[0].astype(np.int64)
        return keys, np.ascontiguousarray(triples[1]), np.ascontiguousarray(triples[2])

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
            if self.cache.get(("o", fieldname, text)) is None and \
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
                lengths = field_lengths(leaf, fieldname)
                parts.append(np.zeros(leaf.doc_count_all(), dtype=np.float32) if lengths is None
                             else lengths.astype(np.float32))
            found = np.concatenate(parts) if parts else _EMPTY_F
            self._lengths[fieldname] = found
        return found


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0..count-1 for every group of a run-length list: [2, 3] → [0, 1, 0, 1, 2]."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts
