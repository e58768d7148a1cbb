"""Full and incremental builds: each writes a new generation beside the live one and switches atomically.

A full build is a set of shard tasks (`corpus/shards.py`): each reads its shard's records, analyses them and
writes one Whoosh segment into the new generation's directory, returning only the segment's description and
its columns. The tasks run where `index/cluster.py` says (this process, a local Dask cluster, a remote one);
this process only links versions (from the shards' compact profiles), commits the segments in one TOC, writes
the columns and checksums and switches the generation, so no process holds the whole corpus.

A build that dies (exception, kill -9, full disk) leaves only an unreferenced `gen-N.tmp`, which the next
build removes; the live generation is never written to. An incremental build hard-links the live generation's
files (Whoosh never rewrites a segment file in place), then adds, updates and deletes only the documents whose
content hash changed.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index

from corpus.loader import corpus_hash, record_hash
from corpus.shards import CorpusScan, ShardPlan, join_scans, scan_shard
from index.analysis import analysis_fingerprint
from index.cluster import InProcess
from index.columns import (ColumnPart, PartBuilder, compute_columns, is_column_file, join_parts, load_columns,
                           save_columns, segment_starts)
from index import integrity
from index.errors import IndexUnavailable
from index.memory import return_freed_memory
from index.generations import (META, Generation, build_lock, check_files, directory_size, live_generation,
                               next_generation, publish, remove_stale)
from index.storage import open_whoosh
from index.schema import document_fields, make_schema
from index.whoosh_private import FastSegmentWriter

Progress = Callable[[int, int], None]
LIMIT_MB = 256  # a segment writer's posting pool before it spills a run to disk


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


@dataclass(frozen=True)
class Listed:
    """Documents already in memory (a `Corpus`, a test's fixture), as one shard task's source."""

    records: tuple

    def documents(self) -> Iterator:
        return iter(self.records)


@dataclass(frozen=True)
class ShardSegment:
    """What a shard task hands back: its segment (None when it had no records) and that segment's columns."""

    segment: object
    columns: ColumnPart


def build_full(corpus, root: Path | str, progress: Progress | None = None) -> BuildSummary:
    """Index every document of an in-memory `corpus` into a new generation, in this process, and make it live."""
    root = Path(root)
    with build_lock(root):
        remove_stale(root)
        return _full_in_memory(corpus, root, progress)


def _full_in_memory(corpus, root: Path, progress: Progress | None) -> BuildSummary:
    return _full(root, corpus.authority, [Listed(tuple(corpus.documents))], InProcess(), progress,
                 len(corpus.documents), corpus.corpus_hash())


def build_streaming(plan: ShardPlan, root: Path | str, progress: Progress | None = None, *, runner=None,
                    check: Callable[[CorpusScan], None] | None = None) -> BuildSummary:
    """Index the corpus `plan` describes, shard by shard on `runner` (default: this process).

    Under the build lock: scan every shard (a first pass of tasks), link versions here, let `check` see the
    scan (problems, counts; it may raise to stop before anything is written), then index the shards.
    """
    root, runner = Path(root), runner or InProcess()
    with build_lock(root):
        remove_stale(root)
        scan = scan_corpus(plan, runner)
        if check:
            check(scan)
        return _full(root, plan.authority(), scan.work, runner, progress, scan.documents)


def build_incremental(corpus, root: Path | str, progress: Progress | None = None) -> BuildSummary:
    """Re-index only changed, new and removed documents; falls back to a full build when there is no usable
    live generation (missing, damaged, built without checksums), its columns are unreadable or older, or the
    analysis (the authority's forms) changed.

    It runs in this process on an in-memory corpus: the changed documents are found by comparing every
    record's hash with the live columns', and what changed is usually a handful of records, too few to pay
    for shipping them to a cluster.
    """
    root = Path(root)
    with build_lock(root):
        remove_stale(root)
        try:
            live = live_generation(root)
            if live is not None:
                check_files(live)
        except IndexUnavailable:
            live = None
        if (live is None or live.meta.get("analysis") != analysis_fingerprint(corpus.authority)
                or integrity.FILES not in live.meta):
            return _full_in_memory(corpus, root, progress)
        try:
            previous = load_columns(live.path)
        except IndexUnavailable:  # unreadable or older columns: nothing to carry over
            return _full_in_memory(corpus, root, progress)
        return _incremental(corpus, root, live, previous, progress)


def scan_corpus(plan: ShardPlan, runner) -> CorpusScan:
    """The first pass: every shard scanned on `runner`, joined here (versions linked from the profiles)."""
    scan = join_scans(plan, (scan for _n, scan in runner.run(scan_shard, plan.shards, plan.authority_path)))
    return_freed_memory()
    return scan


def index_shard(source, directory: str, report: Callable[[int], None] | None = None) -> ShardSegment:
    """A shard task: write `source`'s documents as one new segment of the index in `directory` (which the
    parent created and commits), and gather that segment's columns; `report(n)` after each document."""
    index = whoosh_index.open_dir(directory)
    writer = FastSegmentWriter(index, limitmb=LIMIT_MB, lock=False)
    columns = PartBuilder()
    try:
        for doc in source.documents():
            content_hash = record_hash(doc)
            writer.add_document(**document_fields(doc, content_hash))
            columns.add(doc, content_hash)
            if report:
                report(len(columns))
        if not len(columns):
            writer.cancel()
            return ShardSegment(None, columns.part())
        return ShardSegment(writer.finish_segment(), columns.part())
    except BaseException:
        writer.cancel()
        raise
    finally:
        return_freed_memory()  # a worker runs shard after shard: the next one starts from a small heap


def _full(root: Path, authority, sources, runner, progress: Progress | None, total: int,
          known_hash: str | None = None) -> BuildSummary:
    started = time.perf_counter()
    number, tmp = next_generation(root)
    try:
        index = whoosh_index.create_in(str(tmp), make_schema(authority))
        shards: list[ShardSegment | None] = [None] * len(sources)
        done = [0]

        def report(count: int) -> None:
            done[0] += count
            progress(min(done[0], total), total)

        for position, shard in runner.run(index_shard, sources, str(tmp), report=report if progress else None):
            shards[position] = shard
        if progress:
            progress(total, total)
        segments = [shard.segment for shard in shards if shard.segment is not None]
        writer = FastSegmentWriter(index, limitmb=LIMIT_MB)
        writer.commit_segments(segments)
        _remove_unused_segments(tmp, segments)
        parts = [shard.columns for shard in shards if shard.segment is not None]
        columns = join_parts(parts)
        hashes = known_hash or corpus_hash((doc_id, h) for part in parts for doc_id, h in zip(part.ids, part.hashes))
        generation = _seal(root, number, tmp, columns, hashes, authority, "full", started)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _summary(generation, started, "full", added=generation.meta["documents"])


def _remove_unused_segments(directory: Path, segments) -> None:
    """Files of segments the TOC does not name: written by a task whose worker died before it returned (the
    scheduler ran the task again elsewhere)."""
    names = {segment.segid for segment in segments}
    for path in directory.iterdir():
        stem = path.name.split(".", 1)[0]
        if stem.startswith("MAIN_") and stem.removeprefix("MAIN_") not in names:
            path.unlink(missing_ok=True)


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
        with index.reader() as reader:
            columns = compute_columns(reader, {doc.id: doc for doc in corpus.documents}, hashes, *kept)
        generation = _seal(root, number, tmp, columns, corpus.corpus_hash(), corpus.authority,
                           "incremental", started, checksums=_linked(live.meta[integrity.FILES]))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    added = sum(1 for doc in changed if doc.id not in old_hashes)
    return _summary(generation, started, "incremental", added=added, updated=len(changed) - added,
                    deleted=len(deleted))


def _linked(checksums: dict) -> dict:
    """The recorded checksums of the files `_link_index_files` links (the columns are rewritten, and may well
    keep their size)."""
    return {name: entry for name, entry in checksums.items() if not is_column_file(name)}


def _link_index_files(source: Path, target: Path) -> None:
    """Hard-link the Whoosh files of a generation (copy where links are impossible); not its own metadata."""
    for path in source.iterdir():
        if (path.name in (META, integrity.SIGNATURES) or is_column_file(path.name) or not path.is_file()
                or "WRITELOCK" in path.name):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _seal(root: Path, number: int, tmp: Path, columns, hash_of_corpus: str, authority, mode: str,
          started: float, checksums: dict | None = None) -> Generation:
    """Write the columns, record every file's checksum (reusing `checksums` for files linked from the verified
    live generation) and publish."""
    documents = columns.documents  # not a reader of the fresh index: Whoosh's own storage reads it whole
    save_columns(columns, tmp)
    meta = {
        "generation": number,
        "documents": documents,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus_hash": hash_of_corpus,
        "analysis": analysis_fingerprint(authority),
        # What the analyzer's (key, forms) pairs lack, for name suggestions through the Searcher.
        "names": {entry.key: [entry.kind, entry.description] for entry in authority.entries},
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
