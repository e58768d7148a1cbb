"""Full and incremental builds: each writes a new generation beside the live one and switches atomically.

A full build is a set of shard tasks (`corpus/shards.py`): each reads its shard's records, analyses them and
writes one Whoosh segment into the new generation's directory, returning only the segment's description and
its columns. The tasks run where `index/cluster.py` says (this process, a local Dask cluster, a remote one);
this process only links versions (from the shards' compact profiles), commits the segments in one TOC, writes
the columns and checksums and switches the generation, so no process holds the whole corpus.

An incremental build streams the same way. Its scan also hashes every record's content; this process compares
the hashes (with the version links it just made) with the live generation's `content_hashes` column, hard-links
the live generation's files (Whoosh never rewrites a segment file in place), and the same shard tasks write only
the changed and new records, each shard's read from their lines alone, as new segments; this process marks the
old copies and removed records deleted, merges small segments (`segments_to_merge`) and carries the columns of
unchanged segments over from the live generation.

A build that dies (exception, kill -9, full disk) leaves only an unreferenced `gen-N.tmp`, which the next
build removes; the live generation is never written to.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from whoosh import index as whoosh_index

from corpus.hashes import corpus_hash, record_hash, record_json
from corpus.shards import CorpusScan, ShardPlan, join_scans, scan_shard
from index.analysis import analysis_fingerprint
from index.cluster import InProcess
from index.columns import (ColumnPart, PartBuilder, carried_part, is_column_file, join_parts, live_rows,
                           load_columns, save_columns)
from index import integrity
from index.errors import IndexUnavailable
from index.memory import return_freed_memory
from index.generations import (META, Generation, build_lock, check_files, directory_size, live_generation,
                               next_generation, publish, remove_stale)
from index.schema import document_fields, make_schema
from index.status import index_status, needs_build
from index.whoosh_private import FastSegmentWriter

Progress = Callable[[int, int], None]  # (documents done, of total)
ScanProgress = Callable[[int, int, int], None]  # (shards scanned, of total, documents read so far)
LIMIT_MB = 256  # a segment writer's posting pool before it spills a run to disk
# An update adds small segments; it merges those of one size tier (1-9 documents, 10-99, 100-999) once there
# are MERGE_FACTOR of them, so a long run of updates keeps few segments, and never merges a segment of
# MERGE_BELOW documents or more (a full build's shards are larger), so no update rewrites much.
MERGE_FACTOR = 5
MERGE_BELOW = 1000


@dataclass(frozen=True)
class BuildSummary:
    documents: int
    seconds: float
    size_bytes: int
    generation: int
    mode: str = "full"  # full | incremental | unchanged | current (--if-stale found the index up to date)
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


class _InMemory:
    """An in-memory corpus seen as an update sees a scanned one: records' hashes, and sources for some of them."""

    def __init__(self, corpus):
        self.corpus, self.authority = corpus, corpus.authority

    def records(self) -> Iterator[tuple[str, str]]:
        return ((doc.id, record_hash(doc)) for doc in self.corpus.documents)

    def select(self, ids: Collection[str]) -> list[Listed]:
        return [Listed(tuple(doc for doc in self.corpus.documents if doc.id in ids))]

    def corpus_hash(self) -> str:
        return self.corpus.corpus_hash()


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
                    check: Callable[[CorpusScan], None] | None = None, incremental: bool = False,
                    if_stale: bool = False, reading: ScanProgress | None = None) -> BuildSummary:
    """Index the corpus `plan` describes, shard by shard on `runner` (default: this process).

    Under the build lock: scan every shard (a first pass of tasks; `reading` hears of each shard scanned), link
    versions here, let `check` see the scan (problems, counts; it may raise to stop before anything is
    written), then index the shards. `incremental`: write only what changed since the live generation (in full
    when that cannot be updated, as `build_incremental`); `if_stale`: nothing (mode "current") when the live
    generation is usable and was built from this very corpus, as `index status` tells.
    """
    root, runner = Path(root), runner or InProcess()
    with build_lock(root):
        remove_stale(root)
        authority = plan.authority()
        updatable = _updatable(root, authority) if incremental else None
        scan = scan_corpus(plan, runner, hashes=if_stale or updatable is not None, reading=reading)
        if check:
            check(scan)
        if if_stale and not needs_build(index_status(root, scan)):
            return _summary(live_generation(root), time.perf_counter(), "current")
        if updatable is not None:
            return _update(root, *updatable, scan, runner, progress)
        return _full(root, authority, scan.work, runner, progress, scan.documents)


def build_incremental(corpus, root: Path | str, progress: Progress | None = None) -> BuildSummary:
    """Re-index only changed, new and removed documents of an in-memory `corpus`, in this process (tests, small
    corpora; `build_streaming(..., incremental=True)` is the reindex's); falls back to a full build when there
    is no usable live generation (missing, damaged, built without checksums), its columns are unreadable or
    older, or the analysis (the authority's forms) changed."""
    root = Path(root)
    with build_lock(root):
        remove_stale(root)
        updatable = _updatable(root, corpus.authority)
        if updatable is None:
            return _full_in_memory(corpus, root, progress)
        return _update(root, *updatable, _InMemory(corpus), InProcess(), progress)


def _updatable(root: Path, authority) -> tuple[Generation, object] | None:
    """The live generation and its columns when an update can start from them; None when a full build must."""
    try:
        live = live_generation(root)
        if live is not None:
            check_files(live)
    except IndexUnavailable:
        return None
    if (live is None or live.meta.get("analysis") != analysis_fingerprint(authority)
            or integrity.FILES not in live.meta):
        return None
    try:
        return live, load_columns(live.path)
    except IndexUnavailable:  # unreadable or older columns: nothing to carry over
        return None


def scan_corpus(plan: ShardPlan, runner, hashes: bool = False, reading: ScanProgress | None = None) -> CorpusScan:
    """The first pass: every shard scanned on `runner` (with `hashes`: its records' content hashes too), joined
    here (versions linked from the profiles)."""

    def scans():
        documents = 0
        for done, (_position, scan) in enumerate(runner.run(scan_shard, plan.shards, plan.authority_path, hashes),
                                                 1):
            documents += len(scan.ids)
            if reading:
                reading(done, len(plan.shards), documents)
            yield scan

    scan = join_scans(plan, scans())
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
            record = record_json(doc)  # stored, and hashed too when the record has no versions
            content_hash = record_hash(doc, record)
            writer.add_document(**document_fields(doc, content_hash, record))
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


def _write_segments(runner, sources, directory: Path, progress: Progress | None, total: int) -> list[ShardSegment]:
    """One `index_shard` task per source on `runner`, writing into `directory`; their results in source order."""
    written: list[ShardSegment | None] = [None] * len(sources)
    done = [0]

    def report(count: int) -> None:
        done[0] += count
        progress(min(done[0], total), total)

    for position, shard in runner.run(index_shard, sources, str(directory), report=report if progress else None):
        written[position] = shard
    if progress and done[0] < total:  # tasks on a cluster report every few hundred documents
        progress(total, total)
    return written


def _full(root: Path, authority, sources, runner, progress: Progress | None, total: int,
          known_hash: str | None = None) -> BuildSummary:
    started = time.perf_counter()
    number, tmp = next_generation(root)
    try:
        index = whoosh_index.create_in(str(tmp), make_schema(authority))
        shards = _write_segments(runner, sources, tmp, progress, total)
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
    scheduler ran the task again elsewhere), or merged away by an update."""
    names = {segment.segid for segment in segments}
    for path in directory.iterdir():
        stem = path.name.split(".", 1)[0]
        if stem.startswith("MAIN_") and stem.removeprefix("MAIN_") not in names:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Changes:
    """What an update does to the live generation: docnums it deletes (records changed or removed), ids it
    writes (changed or new), and the counts a summary reports."""

    stale: tuple[int, ...]
    chosen: frozenset[str]
    added: int
    updated: int
    deleted: int


def changes_since(previous, records: Iterable[tuple[str, str]]) -> Changes:
    """Compare the corpus's (id, record hash) pairs with the live generation's columns (`previous`)."""
    current = dict(records)
    stale, updated = [], []
    deleted = 0
    for docnum, (doc_id, old) in enumerate(zip(previous.ids, previous.content_hashes)):
        if not doc_id:
            continue  # deleted in an earlier update
        new = current.pop(doc_id, None)
        if new == old:
            continue
        stale.append(docnum)
        if new is None:
            deleted += 1
        else:
            updated.append(doc_id)
    return Changes(tuple(stale), frozenset(updated).union(current), len(current), len(updated), deleted)


def segments_to_merge(segments) -> list:
    """The small segments an update merges into one: those of every size tier holding MERGE_FACTOR or more."""
    tiers: dict[int, list] = {}
    for segment in segments:
        count = segment.doc_count()
        if 0 < count < MERGE_BELOW:
            tiers.setdefault(len(str(count)), []).append(segment)
    return [segment for tier in sorted(tiers) if len(tiers[tier]) >= MERGE_FACTOR for segment in tiers[tier]]


def _update(root: Path, live: Generation, previous, corpus, runner, progress: Progress | None) -> BuildSummary:
    """Write what changed since `live` (whose columns are `previous`) into a new generation: `corpus` is a
    `CorpusScan` with hashes (shard tasks on `runner` read the changed records back) or an `_InMemory` one."""
    started = time.perf_counter()
    changes = changes_since(previous, corpus.records())
    if not changes.stale and not changes.chosen:
        return _summary(live, started, "unchanged")
    number, tmp = next_generation(root)
    try:
        _link_index_files(live.path, tmp)
        sources = corpus.select(changes.chosen) if changes.chosen else []
        written = [shard for shard in _write_segments(runner, sources, tmp, progress, len(changes.chosen))
                   if shard.segment is not None]
        writer = FastSegmentWriter(whoosh_index.open_dir(str(tmp)), limitmb=LIMIT_MB)
        try:
            for docnum in changes.stale:
                writer.delete_document(docnum)
            parts, start = {}, 0
            for segment in writer.segments:  # in the live generation's docnum order, as `previous` is
                parts[segment.segid] = carried_part(previous, start, segment)
                start += segment.doc_count_all()
            parts.update((shard.segment.segid, shard.columns) for shard in written)
            added = [shard.segment for shard in written]
            merge = segments_to_merge([*writer.segments, *added])
        except BaseException:
            writer.cancel()
            raise
        segments = writer.commit_merging(added, merge)
        _remove_unused_segments(tmp, segments)
        merged = [live_rows(parts[segment.segid]) for segment in merge]  # the last segment's documents
        columns = join_parts([parts[segment.segid] for segment in segments if segment.segid in parts] + merged)
        generation = _seal(root, number, tmp, columns, corpus.corpus_hash(), corpus.authority, "incremental",
                           started, checksums=_linked(live.meta[integrity.FILES]))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _summary(generation, started, "incremental", added=changes.added, updated=changes.updated,
                    deleted=changes.deleted)


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
