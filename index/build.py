"""Full and incremental builds: each writes a new generation beside the live one and switches atomically.

A build that dies (exception, kill -9, full disk) leaves only an unreferenced `gen-N.tmp`, which the next
build removes; the live generation is never written to. An incremental build hard-links the live generation's
files (Whoosh never rewrites a segment file in place), then adds, updates and deletes only the documents whose
content hash changed.
"""
from __future__ import annotations

import multiprocessing
import heapq
import os
import pickle
import queue
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from corpus.errors import IndexUnavailable
from corpus.loader import record_hash
from index.analysis import analysis_fingerprint
from index.columns import TABLES, ARRAYS, compute_columns, load_columns, save_columns, segment_starts
from index.generations import (META, Generation, build_lock, directory_size, live_generation, next_generation,
                               publish, remove_stale)
from index.storage import open_whoosh
from index.schema import document_fields, make_schema

Progress = Callable[[int, int], None]
LIMIT_MB = 256
PARALLEL_FROM = 5000  # documents
PROGRESS_EVERY = 50  # documents a worker indexes between progress reports


@dataclass(frozen=True)
class BuildSummary:
    documents: int
    seconds: float
    size_bytes: int
    generation: int
    mode: str = "full"  # full | incremental | unchanged
    added: int = 0
    updated: int = 0
    deleted: int = 0


def build_full(corpus, root: Path | str, progress: Progress | None = None, *, procs: int | None = None) -> BuildSummary:
    """Index every document of `corpus` into a new generation and make it live.

    `procs` analyses in that many worker processes (one segment each, not merged); by default every core when
    the corpus is large enough for the workers' start-up to pay off.
    """
    root = Path(root)
    if procs is None:
        procs = _default_procs(corpus)
    with build_lock(root):
        remove_stale(root)
        return _full(corpus, root, progress, procs)


def build_incremental(corpus, root: Path | str, progress: Progress | None = None) -> BuildSummary:
    """Re-index only changed, new and removed documents; falls back to a full build when there is no usable
    live generation, its columns are unreadable or older, or the analysis (the authority's forms) changed."""
    root = Path(root)
    with build_lock(root):
        remove_stale(root)
        live = live_generation(root)
        if live is None or live.meta.get("analysis") != analysis_fingerprint(corpus.authority):
            return _full(corpus, root, progress, _default_procs(corpus))
        try:
            previous = load_columns(live.path)
        except IndexUnavailable:  # unreadable or older columns: nothing to carry over
            return _full(corpus, root, progress, _default_procs(corpus))
        return _incremental(corpus, root, live, previous, progress)


def _default_procs(corpus) -> int:
    """Every core when the corpus is large enough for the workers' start-up to pay off."""
    return (os.cpu_count() or 1) if len(corpus.documents) >= PARALLEL_FROM else 1


def _full(corpus, root: Path, progress: Progress | None, procs: int) -> BuildSummary:
    started = time.perf_counter()
    documents = list(corpus.documents)
    number, tmp = next_generation(root)
    try:
        index = whoosh_index.create_in(str(tmp), make_schema(corpus.authority))
        writer = FastSegmentWriter(index, limitmb=LIMIT_MB)
        try:
            if procs > 1 and len(documents) > 1:
                segments, hashes = _write_parallel(index, documents, procs, progress)
                writer._close_segment()
            else:
                hashes = _write_documents(writer, documents, progress)
                segments = [writer._finalize_segment()]
            writer._commit_toc(segments)
        except BaseException:
            writer.cancel()
            raise
        writer._finish()
        generation = _seal(corpus, root, number, tmp, index, hashes, "full", started)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _summary(generation, started, "full", added=len(documents))


def _write_documents(writer, documents, progress: Progress | None) -> dict[str, str]:
    """Add `documents` to `writer`; the content hash of each by id."""
    hashes = {}
    total = len(documents)
    for done, doc in enumerate(documents, 1):
        hashes[doc.id] = record_hash(doc)
        writer.add_document(**document_fields(doc, hashes[doc.id]))
        if progress:
            progress(done, total)
    return hashes


def _write_parallel(index, documents, procs: int, progress: Progress | None):
    """Each forked worker analyses a contiguous share of `documents` into a segment of its own.

    The documents reach the workers by fork, not by pickling, and the field preparation happens in the workers,
    so the parent only waits; it returns the segments (in document order) for one TOC, and the hashes.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    share = -(-len(documents) // procs)
    workers = [context.Process(target=_segment_worker, args=(index, documents[i * share:(i + 1) * share], i,
                                                               results), daemon=True)
               for i in range(procs) if documents[i * share:(i + 1) * share]]
    for worker in workers:
        worker.start()
    try:
        return _collect(results, workers, len(documents), progress)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _collect(results, workers, total: int, progress: Progress | None):
    segments, hashes, done, finished = {}, {}, 0, 0
    while finished < len(workers):
        try:
            kind, slot, payload = results.get(timeout=1.0)
        except queue.Empty:
            if any(w.exitcode not in (None, 0) for w in workers):
                raise RuntimeError("an index worker died") from None
            continue
        if kind == "error":
            raise RuntimeError(f"index worker failed: {payload}")
        if kind == "progress":
            done += payload
            if progress:
                progress(done, total)
            continue
        segments[slot], worker_hashes = payload
        hashes.update(worker_hashes)
        finished += 1
    return [segments[slot] for slot in sorted(segments)], hashes


def _segment_worker(index, documents, slot: int, results) -> None:
    try:
        writer = FastSegmentWriter(index, _lk=False, limitmb=LIMIT_MB)
        reported = [0]

        def report(done, _total):
            if done - reported[0] >= PROGRESS_EVERY or done == len(documents):
                results.put(("progress", slot, done - reported[0]))
                reported[0] = done

        hashes = _write_documents(writer, documents, report)
        segment = writer._finalize_segment()
        results.put(("segment", slot, (segment, hashes)))
    except BaseException as exc:  # reported to the parent, which raises
        results.put(("error", slot, f"{type(exc).__name__}: {exc}"))


def _incremental(corpus, root: Path, live: Generation, old, progress: Progress | None) -> BuildSummary:
    started = time.perf_counter()
    old_hashes = {doc_id: h for doc_id, h in zip(old.ids, old.content_hashes) if doc_id}
    hashes = {doc.id: record_hash(doc) for doc in corpus.documents}
    changed = [doc for doc in corpus.documents if old_hashes.get(doc.id) != hashes[doc.id]]
    deleted = [doc_id for doc_id in old_hashes if doc_id not in hashes]
    if not changed and not deleted:
        return _summary(live, started, "unchanged")
    number, tmp = next_generation(root)
    try:
        _link_index_files(live.path, tmp)
        index = open_whoosh(tmp)
        kept = (old, segment_starts(index))
        writer = index.writer(limitmb=LIMIT_MB)
        try:
            for doc_id in deleted:
                writer.delete_by_term("id", doc_id)
            for done, doc in enumerate(changed, 1):
                writer.update_document(**document_fields(doc, hashes[doc.id]))
                if progress:
                    progress(done, len(changed))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        generation = _seal(corpus, root, number, tmp, index, hashes, "incremental", started, kept)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    added = sum(1 for doc in changed if doc.id not in old_hashes)
    return _summary(generation, started, "incremental", added=added, updated=len(changed) - added,
                    deleted=len(deleted))


class _TermPool:
    """The postings of a fresh segment, grouped by term as documents are added.

    Whoosh's pool keeps one tuple per posting and sorts them all; here each (field, term) holds a flat list
    `[docnum, weight, value, …]` in docnum order, so a spill sorts only the distinct terms and the final merge
    joins whole posting lists. Runs spilled to temporary storage hold earlier documents than the ones after
    them, so concatenating a term's lists in run order keeps its docnums ascending.
    """

    CHUNK = 5000  # terms per pickled chunk of a run
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
            chunk = []
            for item in self._sorted_current():
                chunk.append(item)
                if len(chunk) >= self.CHUNK:
                    pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
                    chunk = []
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


class _Lengths:
    """Field lengths of a just-written segment, read once per field (as Whoosh stores them: one byte each)."""

    def __init__(self, reader):
        self.reader = reader
        self.columns: dict[str, list | None] = {}

    def of(self, fieldname: str) -> list | None:
        """Length per docnum (None where zero), or None when the field keeps no lengths."""
        if fieldname not in self.columns:
            lengths = self.reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self.columns[fieldname] = None if lengths is None else [
                byte_to_length(b) if b else None for b in (lengths[n] for n in range(self.reader.doc_count_all()))]
        return self.columns[fieldname]


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter for fresh segments without Whoosh's per-posting overheads (see `_TermPool`, and
    `_write_term`); the files it writes are the ones the stock writer would write."""

    def __init__(self, ix, limitmb=128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _TermPool(self._tempstorage, limitmb)

    def add_document(self, **fields):
        """Whoosh's add_document for this project's schema (no spelling fields, vectors or `_boost` keywords),
        with each posting appended to its term's list instead of becoming a tuple in a pool."""
        self._check_state()
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        current, size = pool.current, 0
        new_term_bytes, posting_bytes = pool.NEW_TERM_BYTES, pool.POSTING_BYTES
        names = sorted(name for name in fields if not name.startswith("_"))
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
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        postings = terms.get(tbytes)
                        if postings is None:
                            terms[tbytes] = [docnum, weight, vbytes]
                            size += new_term_bytes + len(tbytes) + len(vbytes or b"")
                        else:
                            postings.extend((docnum, weight, vbytes))
                            size += posting_bytes + len(vbytes or b"")
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

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr else None
        fieldwriter, field_name = self.fieldwriter, None
        for (name, tbytes), flat in self.pool.terms():
            if name != field_name:
                if field_name is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(name, self.schema[name])
                field_name, field_lengths = name, lengths.of(name) if lengths else None
            fieldwriter.start_term(tbytes)
            _write_term(fieldwriter._postwriter, flat, field_lengths)
            fieldwriter.finish_term()
        if field_name is not None:
            fieldwriter.finish_field()
        fieldwriter.close()
        if pdr:
            pdr.close()


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
        postwriter._values.extend(v for v in values[block] if v)
        postwriter._maxweight = max(postwriter._maxweight, max(weights[block]))
        if lengths is not None:
            known = [n for n in (lengths[d] for d in docnums[block]) if n]
            if known:
                low = min(known)
                if postwriter._minlength is None or low < postwriter._minlength:
                    postwriter._minlength = low
                postwriter._maxlength = max(postwriter._maxlength, max(known))


def _link_index_files(source: Path, target: Path) -> None:
    """Hard-link the Whoosh files of a generation (copy where links are impossible); not its own metadata."""
    for path in source.iterdir():
        if path.name in (META, ARRAYS, TABLES) or not path.is_file() or "WRITELOCK" in path.name:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _seal(corpus, root: Path, number: int, tmp: Path, index, hashes, mode: str, started: float,
          kept: tuple = (None, None)) -> Generation:
    """Write the columns (reusing `kept` = (previous columns, their segment starts)) and publish."""
    with index.reader() as reader:
        documents = reader.doc_count()
        columns = compute_columns(reader, {doc.id: doc for doc in corpus.documents}, hashes, *kept)
    save_columns(columns, tmp)
    meta = {
        "generation": number,
        "documents": documents,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus_hash": corpus.corpus_hash(),
        "analysis": analysis_fingerprint(corpus.authority),
        "mode": mode,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return publish(root, number, tmp, meta)


def _summary(generation: Generation, started: float, mode: str, **counts) -> BuildSummary:
    return BuildSummary(
        documents=int(generation.meta.get("documents", 0)),
        seconds=round(time.perf_counter() - started, 3),
        size_bytes=directory_size(generation.path),
        generation=generation.number,
        mode=mode,
        **counts,
    )
