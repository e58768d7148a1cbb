"""Full and incremental builds: each writes a new generation beside the live one and switches atomically.

A build that dies (exception, kill -9, full disk) leaves only an unreferenced `gen-N.tmp`, which the next
build removes; the live generation is never written to. An incremental build hard-links the live generation's
files (Whoosh never rewrites a segment file in place), then adds, updates and deletes only the documents whose
content hash changed.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index

from corpus.loader import record_hash
from index.analysis import analysis_fingerprint
from index.columns import TABLES, ARRAYS, compute_columns, load_columns, save_columns, segment_starts
from index import integrity
from index.errors import IndexUnavailable
from index.generations import (META, Generation, build_lock, check_files, directory_size, live_generation,
                               next_generation, publish, remove_stale)
from index.workers import die_with_parent
from index.storage import open_whoosh
from index.schema import document_fields, make_schema
from index.whoosh_private import FastSegmentWriter

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


def build_incremental(corpus, root: Path | str, progress: Progress | None = None, *,
                      procs: int | None = None) -> BuildSummary:
    """Re-index only changed, new and removed documents; falls back to a full build when there is no usable
    live generation (missing, damaged, built without checksums), its columns are unreadable or older, or the
    analysis (the authority's forms) changed."""
    root = Path(root)
    with build_lock(root):
        remove_stale(root)
        try:
            live = live_generation(root)
            if live is not None:
                check_files(live)
        except IndexUnavailable:
            live = None
        full_procs = procs or _default_procs(corpus)
        if (live is None or live.meta.get("analysis") != analysis_fingerprint(corpus.authority)
                or integrity.FILES not in live.meta):
            return _full(corpus, root, progress, full_procs)
        try:
            previous = load_columns(live.path)
        except IndexUnavailable:  # unreadable or older columns: nothing to carry over
            return _full(corpus, root, progress, full_procs)
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
            else:
                hashes = _write_documents(writer, documents, progress)
                segments = [writer.finish_segment()]
        except BaseException:
            writer.cancel()
            raise
        writer.commit_segments(segments)
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
                                                               results, os.getpid()), daemon=True)
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


def _segment_worker(index, documents, slot: int, results, parent: int) -> None:
    die_with_parent(parent)
    try:
        writer = FastSegmentWriter(index, limitmb=LIMIT_MB, lock=False)
        reported = [0]

        def report(done, _total):
            if done - reported[0] >= PROGRESS_EVERY or done == len(documents):
                results.put(("progress", slot, done - reported[0]))
                reported[0] = done

        hashes = _write_documents(writer, documents, report)
        segment = writer.finish_segment()
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
        generation = _seal(corpus, root, number, tmp, index, hashes, "incremental", started, kept,
                           checksums=live.meta[integrity.FILES])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    added = sum(1 for doc in changed if doc.id not in old_hashes)
    return _summary(generation, started, "incremental", added=added, updated=len(changed) - added,
                    deleted=len(deleted))


def _link_index_files(source: Path, target: Path) -> None:
    """Hard-link the Whoosh files of a generation (copy where links are impossible); not its own metadata."""
    for path in source.iterdir():
        if path.name in (META, ARRAYS, TABLES, integrity.SIGNATURES) or not path.is_file() or "WRITELOCK" in path.name:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _seal(corpus, root: Path, number: int, tmp: Path, index, hashes, mode: str, started: float,
          kept: tuple = (None, None), checksums: dict | None = None) -> Generation:
    """Write the columns (reusing `kept` = (previous columns, their segment starts)), record every file's
    checksum (reusing `checksums` for files linked from the verified live generation) and publish."""
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
        # What the analyzer's (key, forms) pairs lack, for name suggestions through the Searcher.
        "names": {entry.key: [entry.kind, entry.description] for entry in corpus.authority.entries},
        "mode": mode,
        "seconds": round(time.perf_counter() - started, 3),
        integrity.FILES: integrity.record(tmp, checksums),
    }
    integrity.write_signatures(tmp, meta[integrity.FILES])  # renaming the directory keeps its files' signatures
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
