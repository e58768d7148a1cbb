"""Every use of Whoosh's private internals, in one module: written against whoosh-reloaded 2.7.5.

pyproject.toml pins the 2.7 series and importing this module fails on any other, because what follows leans on
names Whoosh does not promise to keep: the W3 codec's postings blocks and length columns, the segment
writer's commit steps and postings writer fields, `StructFile.subset`, `BufferFile`'s and `SubFile`'s insides, `FileStorage._fpath`, the file-name
endings inside compound segments, and `Token`'s attributes. `tests/index/test_whoosh_private.py` checks that
each fast path here is still taken and that the segment writer writes what Whoosh's own writer writes; when
Whoosh changes, those tests fail instead of search or indexing silently slowing down.

Sections: tokens (analysis), storage (reading a generation), postings and lengths (search's numpy arrays),
the fast segment writer (full builds, and the merges of incremental ones).
"""
from __future__ import annotations

import heapq
import io
from bisect import bisect_right
import mmap
import pickle
import struct
import zlib
from operator import itemgetter

import numpy as np
import whoosh
from whoosh.analysis.acore import Token
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util import random_name
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

WHOOSH_SERIES = (2, 7)
if tuple(whoosh.__version__[:2]) != WHOOSH_SERIES:
    raise ImportError(f"kwarchive needs whoosh-reloaded {'.'.join(map(str, WHOOSH_SERIES))}.x (its fast paths use "
                      f"Whoosh internals; see index/whoosh_private.py), found {whoosh.versionstring()}")


# ---- tokens ----------------------------------------------------------------------------------------------------

def new_token(text, pos, startchar, endchar, kind, mode, **extra) -> Token:
    """A new Token; filled directly because Token.__init__ with keywords is a measurable cost per word."""
    token = Token.__new__(Token)
    token.__dict__ = {"text": text, "pos": pos, "startchar": startchar, "endchar": endchar, "kind": kind,
                      "mode": mode, "boost": 1.0, "stopped": False, "removestops": True, "positions": True,
                      "chars": True, **extra}
    return token


# ---- storage ---------------------------------------------------------------------------------------------------

ON_DISK_SUFFIXES = (".pst", "._stored.col")  # member files of a compound segment: postings, stored fields


class MappedMember(BufferFile):
    """A member of a compound segment as a read-only view of the segment's memory map: Whoosh's `get` reads
    (term dictionary lookups, per-document columns) slice the map, so the bytes live once in the page cache
    for every process instead of in a private copy each (Whoosh's BufferFile copies its buffer)."""

    def __init__(self, source: mmap.mmap, offset: int, length: int, name=None):
        self._buf = memoryview(source)[offset:offset + length]
        self._name = name
        self.file = SubFile(source, offset, length, name=name)  # stream reads (read_pickle, read_varint…)
        self.onclose = None
        self.is_real = False
        self.is_closed = False
        self._source, self._offset = source, offset

    def subset(self, position, length, name=None):
        return MappedMember(self._source, self._offset + position, length, name=name or self._name)

    def close(self):
        try:
            self._buf.release()
        except BufferError:  # something still reads from it; the view goes with its last reader
            pass
        self.is_closed = True


class SegmentFile(StructFile):
    """A compound segment file handing out its members as views of one read-only memory map (the term
    dictionary, lengths and other per-document columns: many small reads) or, for postings and stored fields,
    as files read on demand (the bulk of the index, read in blocks; mapping them would only add their pages
    to each worker's resident set)."""

    def __init__(self, fileobj, **kwargs):
        super().__init__(fileobj, **kwargs)
        self._map = mmap.mmap(fileobj.fileno(), 0, access=mmap.ACCESS_READ)

    def subset(self, offset, length, name=None):
        name = name or self._name
        if str(name).endswith(ON_DISK_SUFFIXES):
            return super().subset(offset, length, name=name)
        return MappedMember(self._map, offset, length, name=name)

    def close(self):
        super().close()
        try:
            self._map.close()
        except BufferError:  # a member view is still referenced: the map goes when the last one does
            pass


class _Storage(FileStorage):
    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False)

    def open_file(self, name, **kwargs):
        if name.endswith(".seg"):
            return SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)
        return super().open_file(name, **kwargs)


def open_index(path: str):
    """The Whoosh index in `path` with compound segments read through `SegmentFile`."""
    return _Storage(path).open_index()


# ---- postings and lengths ----------------------------------------------------------------------------------------

def postings_arrays(leaf, fieldname: str, text, values: bool, within: np.ndarray | None = None):
    """(docnums int64, weights float32, values: a list of bytes per posting, or None) of one term in one
    segment, or None when the segment lacks the term. With `within` (sorted segment docnums) only the blocks
    that may hold one of those documents are decoded (the others are skipped by their header's last docnum), so
    a caller wanting a few documents' postings of a common word reads a few blocks; it filters the rest.

    W3 postings are parsed straight from the term's bytes, read at once: per block the pickled header, the
    (compressed) pickled ids, weights and values, the ids' deltas summed with numpy. Whoosh's matcher reads the
    same blocks through its file object a few bytes at a time and sums the deltas in a Python generator, which
    at a million documents costs seconds for a common word."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return None
    deleted = None
    if type(matcher) is FilterMatcher and matcher._exclude:  # a segment with deletions filters them out
        deleted, matcher = matcher._ids, matcher.child
    if type(matcher) is not W3LeafMatcher or matcher._byteids:
        return _postings_one_by_one(leaf.postings(fieldname, text), values)
    ids, weights, found = _w3_postings(matcher, values, None if within is None else within.tolist())
    if deleted:
        keep = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        ids, weights = ids[keep], weights[keep]
        found = [value for value, kept in zip(found, keep.tolist()) if kept] if values else None
    return ids, weights, found


def _w3_postings(matcher, values: bool, within: list | None):
    """`postings_arrays` of a W3 matcher's term: every block, or those that may hold a docnum of `within`."""
    start, extent = matcher._baseoffset, matcher._length
    if isinstance(extent, tuple):  # W3TermInfo.from_bytes keeps the extent's length as struct.unpack's 1-tuple
        extent = extent[0]
    raw = matcher._postfile.get(start, matcher._startoffset + extent - start)
    fixed = matcher._fixedsize
    deltas, counts, weights, found = [], [], [], [] if values else None
    position, last_id = 0, -1
    while position < len(raw):
        length = abs(_BLOCK_LENGTH.unpack_from(raw, position)[0])
        block = io.BytesIO(raw[position + _BLOCK_LENGTH.size:position + _BLOCK_LENGTH.size + length])
        position += _BLOCK_LENGTH.size + length
        count, max_id, _, compression, _, _ = pickle.load(block)
        if within is not None:  # the block holds docnums after the previous block's last, up to its own last
            wanted = bisect_right(within, last_id)
            last_id = max_id
            if wanted == len(within) or within[wanted] > max_id:
                continue
        data = block.read()
        if values:
            block_ids, block_weights, block_values = _whole_block(data, compression)
        else:
            block_ids, block_weights = _ids_and_weights(data, compression, count)
        deltas.extend(block_ids)
        counts.append(count)
        if block_weights is None or isinstance(block_weights, float):  # all 1.0, or all the same
            weights.extend([1.0 if block_weights is None else block_weights] * count)
        else:
            weights.extend(block_weights)
        if values:
            if fixed is None or fixed < 0:
                found.extend(block_values)
            elif fixed == 0:
                found.extend([None] * count)
            else:
                found.extend(block_values[i:i + fixed] for i in range(0, len(block_values), fixed))
    # Each block's deltas start from 0: the running sum, less the sum of the blocks before it.
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), found
    summed = np.cumsum(np.array(deltas, dtype=np.int64))
    counts = np.array(counts, dtype=np.int64)
    before = np.concatenate(([0], summed[np.cumsum(counts)[:-1] - 1]))
    return summed - np.repeat(before, counts), np.array(weights, dtype=np.float32), found


_VALUES_START = b"c_codecs\nencode\n"  # protocol 2 pickles bytes through _codecs.encode: the values start there
_IDS_AND_WEIGHTS_BYTES = 4096  # 128 ids (at most 5 bytes each) and weights (9 bytes each) fit in this …
_INFLATE_STEP = 1536  # … usually in this (one-byte deltas, differing weights), so a block is inflated this at a time


def _ids_and_weights(data: bytes, compressed: bool, count: int):
    """A block's (ids, weights) without its values: only the head of the block is inflated, and the pickle is
    cut where the values start (turned into a 2-tuple). A common word's block holds 128 postings with all their
    positions and offsets, 10 to 80 KB inflated, of which ids and weights are under 2 KB. Anything unexpected
    (no values where they should start, a cut that does not unpickle to `count` postings) reads the whole block."""
    if compressed:
        inflater = zlib.decompressobj()
        head = inflater.decompress(data, _INFLATE_STEP)
        cut = head.find(_VALUES_START)
        while cut < 0 and len(head) < _IDS_AND_WEIGHTS_BYTES and inflater.unconsumed_tail:
            searched = max(0, len(head) - len(_VALUES_START))
            head += inflater.decompress(inflater.unconsumed_tail, _INFLATE_STEP)
            cut = head.find(_VALUES_START, searched)
    else:
        head = data
        cut = head.find(_VALUES_START)
    if cut > 0:
        if head[cut - 1:cut] == pickle.MARK:  # the values tuple's MARK, when it holds more than 3 values
            cut -= 1
        try:
            ids, weights = pickle.loads(head[:cut] + pickle.TUPLE2 + pickle.STOP)
        except Exception:  # not the layout expected: the whole block below
            ids, weights = (), None
        if len(ids) == count and (weights is None or isinstance(weights, float) or len(weights) == count):
            return ids, weights
    return _whole_block(data, compressed)[:2]


def _whole_block(data: bytes, compressed: bool) -> tuple:
    """A block's (ids, weights, values) as Whoosh pickled them."""
    return pickle.loads(zlib.decompress(data) if compressed else data)


def _postings_one_by_one(matcher, values: bool):
    """The slow way, through the public matcher API, for a matcher that is not a W3 one."""
    ids, weights, vals = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            vals.append(matcher.value())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32), vals if values else None


_BLOCK_LENGTH = struct.Struct("!i")  # a W3 postings block's byte length, negative for a term's last block
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def field_lengths(leaf, fieldname: str) -> np.ndarray | None:
    """The field length BM25 uses (Whoosh's byte-quantised one) of every document of one segment, 0 where the
    document has none; None when the field keeps no lengths. `leaf` is a segment reader, or the per-document
    reader of a segment being written."""
    perdoc = getattr(leaf, "_perdoc", leaf)
    count = leaf.doc_count_all()
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        # Whoosh's fixed one-byte column: one read; documents past its end have length 0.
        stored = min(column._count, count)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    else:
        codes = _length_codes_one_by_one(column, count)
    return _BYTE_LENGTHS[codes]


def _length_codes_one_by_one(column, count: int) -> np.ndarray:
    return np.fromiter((column[d] for d in range(count)), dtype=np.uint8, count=count)


# ---- the fast segment writer -------------------------------------------------------------------------------------

class TermPool:
    """The postings of a fresh segment, grouped by term as documents are added.

    Whoosh's pool keeps one tuple per posting and sorts them all; here each (field, term) holds a flat list
    `[docnum, weight, value, …]` in docnum order, so a spill sorts only the distinct terms and the final merge
    joins whole posting lists. Runs spilled to temporary storage hold earlier documents than the ones after
    them, so concatenating a term's lists in run order keeps its docnums ascending.
    """

    # Posting-list items (three a posting) per pickled chunk of a run: the final merge holds one chunk of every
    # run at a time, so this bounds its memory (counted in terms, 5,000 common terms made a chunk of ~100 MB).
    CHUNK_ITEMS = 30_000
    NEW_TERM_BYTES = 200  # estimated memory of a term's first posting (key, list), plus the term and value bytes
    POSTING_BYTES = 100  # estimated memory of each further posting, plus its value bytes

    def __init__(self, tempstore, limitmb: int):
        self.tempstore = tempstore
        self.limit = limitmb * 2**20
        self.currentsize = 0
        self.current: dict[str, dict[bytes, list]] = {}  # field → term → [docnum, weight, value, …]
        self.runs: list[str] = []

    def add(self, item) -> None:
        """One posting the way Whoosh hands them over, `(field, term, docnum, weight, value)`, as when a reader
        is merged in (`add_reader`): its docnums follow every document already added, so order holds."""
        name, tbytes, docnum, weight, vbytes = item
        terms = self.current.setdefault(name, {})
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [docnum, weight, vbytes]
            self.currentsize += self.NEW_TERM_BYTES + len(tbytes) + len(vbytes or b"")
        else:
            postings.extend((docnum, weight, vbytes))
            self.currentsize += self.POSTING_BYTES + len(vbytes or b"")
        if self.currentsize > self.limit:
            self.save()

    def save(self) -> None:
        """Spill the postings held in memory as one run sorted by (field, term)."""
        if not self.current:
            return
        path = f"{random_name()}.run"
        with self.tempstore.create_file(path).raw_file() as out:
            chunk, items = [], 0
            for item in self._sorted_current():
                chunk.append(item)
                items += len(item[1])
                if items >= self.CHUNK_ITEMS:
                    pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
                    chunk, items = [], 0
            if chunk:
                pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
        self.runs.append(path)
        self.current, self.currentsize = {}, 0

    def terms(self):
        """((field, term), flat postings) in sorted order, each term once, its runs' lists joined."""
        sources = [self._read_run(path) for path in self.runs] + [self._sorted_current()]
        merged = heapq.merge(*sources, key=itemgetter(0)) if len(sources) > 1 else sources[0]
        last_key, joined = None, None
        for key, flat in merged:
            if key == last_key:
                joined.extend(flat)
                continue
            if last_key is not None:
                yield last_key, joined
            last_key, joined = key, flat
        if last_key is not None:
            yield last_key, joined

    def _sorted_current(self):
        for name in sorted(self.current):
            terms = self.current[name]
            for tbytes in sorted(terms):
                yield (name, tbytes), terms[tbytes]

    def _read_run(self, path: str):
        with self.tempstore.open_file(path).raw_file() as run:
            while True:
                try:
                    chunk = pickle.load(run)
                except EOFError:
                    break
                yield from chunk
        self.tempstore.delete_file(path)

    def cleanup(self) -> None:
        for path in self.runs:
            try:
                self.tempstore.delete_file(path)
            except OSError:
                pass


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter for fresh segments without Whoosh's per-posting overheads (see `TermPool`, and
    `_write_term`); the files it writes are the ones the stock writer would write.

    It writes postings, lengths, stored fields and columns: a schema with term vectors or separate spelling
    fields, or a document with `_boost` keywords, is refused rather than indexed without them.
    `lock=False` is for worker processes writing one segment each for a writer that holds the lock.
    """

    def __init__(self, ix, limitmb=128, *, lock: bool = True, **kwargs):
        schema = ix.schema
        unsupported = sorted(name for name, field in schema.items() if field.vector or field.separate_spelling())
        if unsupported:
            raise ValueError(f"FastSegmentWriter does not write term vectors or spelling fields "
                             f"({', '.join(unsupported)}); use the index's own writer")
        super().__init__(ix, limitmb=limitmb, _lk=lock, **kwargs)
        self.pool = TermPool(self._tempstorage, limitmb)

    def add_document(self, **fields):
        """Whoosh's add_document for a schema without spelling fields or vectors, with each posting appended to
        its term's list instead of becoming a tuple in a pool."""
        self._check_state()
        boosts = sorted(name for name in fields if name.startswith("_"))
        if boosts:
            raise ValueError(f"FastSegmentWriter does not apply boosts ({', '.join(boosts)})")
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        current, size = pool.current, 0
        new_term_bytes, posting_bytes = pool.NEW_TERM_BYTES, pool.POSTING_BYTES
        names = sorted(fields)
        self._check_fields(schema, names)
        perdocwriter.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    scorable = field.scorable
                    terms = current.get(name)
                    if terms is None:
                        terms = current[name] = {}
                    fast = getattr(field.format, "index_terms", None)  # kwarchive's formats build them in one pass
                    items = fast(value, field.analyzer) if fast is not None else None
                    if items is None:
                        items = list(field.index(value))
                    if scorable:
                        length = sum([item[1] for item in items])
                    size += posting_bytes * len(items) + sum([len(item[3] or b"") for item in items])
                    for tbytes, _freq, weight, vbytes in items:
                        postings = terms.get(tbytes)
                        if postings is None:
                            terms[tbytes] = [docnum, weight, vbytes]
                            size += new_term_bytes - posting_bytes + len(tbytes)
                        else:
                            postings += (docnum, weight, vbytes)
                perdocwriter.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        pool.currentsize += size
        if pool.currentsize > pool.limit:
            pool.save()

    def finish_segment(self):
        """Write this writer's segment out and return it (for `commit_segments`, here or in another process)."""
        return self._finalize_segment()

    def commit_segments(self, segments) -> None:
        """Make `segments` the index's segments, in this order (Whoosh's commit without merging, for segments
        written by this writer and by workers), and release the lock."""
        self._check_state()
        self._close_segment()
        self._commit_toc(list(segments))
        self._finish()

    def commit_merging(self, added, merge) -> list:
        """Commit the index this writer opened: its segments (with the deletions made through the writer), then
        `added` (segments other writers wrote into its directory, as `finish_segment` returns them), except the
        segments in `merge`, whose documents not deleted are copied, in that order, into one new segment that
        comes last (what Whoosh's merge policies do, for segments this writer did not write). A segment left
        without documents is dropped. Returns the committed segments in their order; releases the lock."""
        self._check_state()
        merged = {segment.segid for segment in merge}
        for segment in merge:
            reader = SegmentReader(self.storage, self.schema, segment)
            try:
                self.add_reader(reader)
            finally:
                reader.close()
        final = [segment for segment in [*self.segments, *added]
                 if segment.segid not in merged and segment.doc_count() > 0]
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(final)
        self._finish()
        return final

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths: dict[str, list | None] = {}
        fieldwriter, field_name = self.fieldwriter, None
        for (name, tbytes), flat in self.pool.terms():
            if name != field_name:
                if field_name is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(name, self.schema[name])
                field_name = name
                term_lengths = _lengths_list(pdr, name, lengths) if pdr is not None else None
            fieldwriter.start_term(tbytes)
            _write_term(fieldwriter._postwriter, flat, term_lengths)
            fieldwriter.finish_term()
        if field_name is not None:
            fieldwriter.finish_field()
        fieldwriter.close()
        if pdr:
            pdr.close()


def _lengths_list(pdr, fieldname: str, remembered: dict) -> list | None:
    """A just-written segment's field lengths as a list (0 where none), read once per field."""
    if fieldname not in remembered:
        found = field_lengths(pdr, fieldname)
        remembered[fieldname] = None if found is None else found.tolist()
    return remembered[fieldname]


def _write_term(postwriter, flat: list, lengths: list | None) -> None:
    """Fill a Whoosh W3PostingsWriter's blocks for one term in bulk: what `add_posting` does per posting
    (a block written each time it holds `_blocklimit` postings; weight and length statistics per block)."""
    docnums, weights, values = flat[0::3], flat[1::3], flat[2::3]
    limit = postwriter._blocklimit
    for first in range(0, len(docnums), limit):
        if first:
            postwriter._write_block()
        block = slice(first, first + limit)
        postwriter._ids.extend(docnums[block])
        postwriter._weights.extend(weights[block])
        postwriter._values.extend(filter(None, values[block]))
        postwriter._maxweight = max(postwriter._maxweight, max(weights[block]))
        if lengths is not None:
            known = list(filter(None, map(lengths.__getitem__, docnums[block])))
            if known:
                low = min(known)
                if postwriter._minlength is None or low < postwriter._minlength:
                    postwriter._minlength = low
                postwriter._maxlength = max(postwriter._maxlength, max(known))
