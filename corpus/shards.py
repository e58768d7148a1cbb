"""The corpus read in shards — runs of one collection's records — so that a build streams records from the
collection files to the index in bounded batches and no process ever holds the whole corpus.

A streaming build reads each shard twice. `scan_shard` returns what linking needs (ids, lines, a compact
`VersionProfile` per record, problems; with `hashes`, each record's content hash too, for an incremental
reindex); the parent joins the scans (`join_scans`: numbers used twice across shards, `[senders]` naming no
document, version links) into a `CorpusScan`; then each `ShardWork.documents()` reads its shard again and
yields the final records (enriched, versions set) for the index stage to write — every record, or only those
`CorpusScan.select` names, read from their lines alone.
Every function here is picklable work for a process that sees the corpus root: a shard names its file and
byte range, never its records. `load_corpus` reads the same shards, one per collection.
"""
from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Collection, Iterable, Iterator

from corpus.authority import Authority
from corpus.enrich import enrich_document, with_parties
from corpus.errors import CorpusError
from corpus.hashes import content_hash, corpus_hash, linked_hash
from corpus.jsonl import Problem, iter_documents
from corpus.manifest import Manifest, ManifestError, load_manifest
from corpus.model import Document
from corpus.parsers import get_parser
from corpus.record_format import record_errors
from corpus.versions import VersionProfile, link_profiles, version_profile

BUNDLED_ROOT = Path(__file__).resolve().parent / "collections"
MANIFEST = "collection.toml"
DOCUMENTS = "documents.jsonl"
AUTHORITY = "authority.toml"
RECORDS_PER_SHARD = 20_000  # lines of documents.jsonl per shard in a streaming build: one index segment each
_CHUNK = 1 << 24  # bytes read at a time when a documents.jsonl is cut into shards


@dataclass(frozen=True)
class Shard:
    """Lines `first_line`… of a collection's documents.jsonl between byte offsets `start` and `stop` (-1: to
    the end), or the whole of a parsed source (`start` 0, `stop` -1)."""

    manifest: Manifest
    start: int = 0
    stop: int = -1
    first_line: int = 1
    lines: int = 0  # lines in the range: about its records (0 when unknown, for a parsed source)

    @property
    def collection(self) -> str:
        return self.manifest.slug


@dataclass(frozen=True)
class ShardPlan:
    """Every shard of a corpus root, in order (collections by folder name, then file order)."""

    root: Path
    authority_path: Path | None  # the root's own authority.toml; None: the bundled one
    manifests: tuple[Manifest, ...]
    shards: tuple[Shard, ...]
    problems: tuple[Problem, ...]  # collections left out because their manifest is wrong
    # Per manifest (in order): where each line of its documents.jsonl starts and how many lines it has, as the
    # planning's one read found them (None for a parsed source or an unreadable file), for `recut`.
    line_starts: tuple[tuple[array, int] | None, ...] = field(default=(), compare=False, repr=False)

    @property
    def lines(self) -> int:
        return sum(shard.lines for shard in self.shards)

    def recut(self, records_per_shard: int) -> "ShardPlan":
        """The same corpus cut every `records_per_shard` lines instead, from the line starts the planning kept:
        no file is read again (a reindex balances its shards over the workers once it knows how many lines
        there are)."""
        if len(self.line_starts) != len(self.manifests):
            raise ValueError("the plan was made without cutting its files")
        shards = []
        for manifest, lines in zip(self.manifests, self.line_starts):
            shards.extend([Shard(manifest)] if lines is None else _shards_of(manifest, *lines, records_per_shard))
        return replace(self, shards=tuple(shards))

    def authority(self) -> Authority:
        return Authority.load(self.authority_path)


def corpus_root(root: str | Path | None = None) -> Path:
    """`--corpus DIR`, else `KWARCHIVE_CORPUS`, else the bundled collections."""
    chosen = root or os.environ.get("KWARCHIVE_CORPUS") or BUNDLED_ROOT
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise CorpusError(f"corpus root {path} is not a directory")
    return path


def plan_shards(root: str | Path | None = None, records_per_shard: int | None = None) -> ShardPlan:
    """The shards of the corpus at `root`: one per collection, or `documents.jsonl` files cut every
    `records_per_shard` lines (parsed sources stay whole: their parsers read the whole text)."""
    path = corpus_root(root)
    own = path / AUTHORITY
    manifests, shards, problems, line_starts = [], [], [], []
    for folder in sorted(p for p in path.iterdir() if (p / MANIFEST).is_file()):
        try:
            manifest = load_manifest(folder / MANIFEST)
        except ManifestError as exc:
            message = exc.message.removeprefix(f"{folder / MANIFEST}: ").removeprefix(f"{exc.field}: ")
            problems.append(Problem(str(folder / MANIFEST), 0, exc.field, message, "collection"))
            continue
        manifests.append(manifest)
        lines = None if manifest.parser or not records_per_shard else _line_starts(manifest.folder / DOCUMENTS)
        line_starts.append(lines)
        shards.extend([Shard(manifest)] if lines is None else _shards_of(manifest, *lines, records_per_shard))
    return ShardPlan(path, own if own.is_file() else None, tuple(manifests), tuple(shards), tuple(problems),
                     tuple(line_starts) if records_per_shard else ())


def _line_starts(path: Path) -> tuple[array, int] | None:
    """(the byte offset where each line starts, plus one past the last newline; the number of lines) of a file,
    found by counting newlines; None when it cannot be read (reading it reports the problem)."""
    try:
        source = open(path, "rb")
    except OSError:
        return None
    starts, offset = array("q", [0]), 0
    with source:
        while chunk := source.read(_CHUNK):
            position = 0
            while (found := chunk.find(b"\n", position)) >= 0:
                position = found + 1
                starts.append(offset + position)
            offset += len(chunk)
    lines = len(starts) - 1 + (1 if offset and not _ends_with_newline(path, offset) else 0)
    return starts, lines


def _shards_of(manifest: Manifest, starts: array, lines: int, records_per_shard: int) -> list[Shard]:
    """Shards of `records_per_shard` lines of the collection's documents.jsonl, whose lines start at `starts`."""
    firsts = range(0, max(lines, 1), records_per_shard)  # each shard's first line, counted from 0
    shards = []
    for i, first in enumerate(firsts):
        last = firsts[i + 1] if i + 1 < len(firsts) else None
        shards.append(Shard(manifest, starts[first], -1 if last is None else starts[last], first + 1,
                            (lines if last is None else last) - first))
    return shards


def _ends_with_newline(path: Path, size: int) -> bool:
    with open(path, "rb") as source:
        source.seek(size - 1)
        return source.read(1) == b"\n"


def shard_records(shard: Shard, problems: list[Problem], lines: frozenset[int] | None = None
                  ) -> Iterator[tuple[int, Document]]:
    """The shard's good records, one at a time with their line (0 for a parsed source), with the manifest's
    `[senders]` applied; a Problem in `problems` for each one left out. `lines`: only the records on these
    lines of a documents.jsonl (lines a scan found good; a parsed source is read whole)."""
    manifest = shard.manifest
    if manifest.parser:
        records = ((0, doc) for doc in _parsed(manifest, problems))
    else:
        records = iter_documents(manifest.folder / DOCUMENTS, manifest, problems, shard.start, shard.stop,
                                 shard.first_line, lines)
    senders = dict(manifest.senders)
    for line, doc in records:
        yield line, (replace(doc, senders_raw=senders[doc.number]) if doc.number in senders else doc)


def _parsed(manifest: Manifest, problems: list[Problem]) -> list[Document]:
    source = manifest.folder / (manifest.source or "source.txt")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = source.read_bytes().count(b"\n", 0, exc.start) + 1
        problems.append(Problem(str(source), line, "", f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
                                                       "the collection is skipped", "collection"))
        return []
    except OSError as exc:
        problems.append(Problem(str(source), 0, "", f"cannot read: {exc.strerror or exc}; the collection is "
                                                    "skipped", "collection"))
        return []
    try:
        parsed = get_parser(manifest.parser)(text, manifest)
    except Exception as exc:  # a parser meeting text it was not written for: skip the collection, say why
        problems.append(Problem(str(source), 0, "", f"the {manifest.parser} parser failed "
                                                    f"({type(exc).__name__}: {str(exc)[:200]}); the collection is "
                                                    "skipped", "collection"))
        return []
    return _valid_records(parsed, str(source), problems)


def _valid_records(documents: list[Document], source: str, problems: list[Problem]) -> list[Document]:
    """A parser's records held to the record format like an archivist's; a bad one is reported and skipped."""
    kept, seen = [], set()
    for doc in documents:
        errors = list(record_errors(doc.to_dict()))
        if not errors and doc.id in seen:
            errors = [("number", "used by an earlier record; this one is skipped")]
        for name, message in errors:
            problems.append(Problem(source, 0, name, f"{message} (document {doc.number[:40]!r})",
                                    f"document {doc.number[:40]}"))
        if not errors:
            seen.add(doc.id)
            kept.append(doc)
    return kept


def unmatched_senders(manifest: Manifest, numbers: Iterable[str]) -> list[Problem]:
    """A `[senders]` entry of the manifest whose number names none of the collection's records is a problem."""
    if not manifest.senders:
        return []
    found = set(numbers)
    return [Problem(str(manifest.folder / MANIFEST), 0, number, f"[senders] names no document {number}")
            for number, _names in manifest.senders if number not in found]


def skipped_summary(problems: Iterable[Problem]) -> str:
    """What loading left out, in words ("3 records and 1 collection"); "" when nothing was."""
    problems = list(problems)
    records = len({(p.file, p.skips) for p in problems if p.skips not in ("", "collection")})
    collections = len({p.file for p in problems if p.skips == "collection"})
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((records, "record"), (collections, "collection"))
             if n]
    return " and ".join(parts)


@dataclass(frozen=True)
class ShardScan:
    """What the first pass learns of one shard: its records' ids and lines, their version profiles, problems,
    and (a scan with `hashes`) their content hashes."""

    shard: Shard
    ids: tuple[str, ...]
    lines: tuple[int, ...]
    profiles: tuple[VersionProfile, ...]
    problems: tuple[Problem, ...]
    hashes: tuple[str, ...] = ()  # `content_hash` of each enriched record, in the order of `ids`


def scan_shard(shard: Shard, authority_path: Path | None, hashes: bool = False) -> ShardScan:
    """First pass over a shard (a task of its own): read, check, resolve parties, profile for linking; with
    `hashes`, enrich each record fully and hash its content (what an incremental reindex compares)."""
    authority = Authority.load(authority_path)
    problems: list[Problem] = []
    ids, lines, profiles, contents = [], [], [], []
    for line, doc in shard_records(shard, problems):
        ids.append(doc.id)
        lines.append(line)
        if hashes:
            doc = enrich_document(doc, authority)
            contents.append(content_hash(doc))
        else:
            doc = with_parties(doc, authority)  # all that linking compares, without finding every mention
        profile = version_profile(doc)
        if profile is not None:
            profiles.append(profile)
    return ShardScan(shard, tuple(ids), tuple(lines), tuple(profiles), tuple(problems), tuple(contents))


@dataclass(frozen=True)
class ShardWork:
    """Second pass over a shard: what is needed to yield its final records (all, or those `only` names)."""

    shard: Shard
    authority_path: Path | None
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # only records that have versions
    drop: frozenset[str] = frozenset()  # ids an earlier shard already used
    only: frozenset[str] | None = None  # None: every record of the shard
    lines: frozenset[int] | None = None  # the lines of `only`'s records in a documents.jsonl (None: read all)

    def documents(self) -> Iterator[Document]:
        authority = Authority.load(self.authority_path)
        for _line, doc in shard_records(self.shard, [], self.lines):  # its problems were reported by the scan
            if doc.id not in self.drop and (self.only is None or doc.id in self.only):
                yield replace(enrich_document(doc, authority), versions=self.versions.get(doc.id, ()))


@dataclass(frozen=True)
class CorpusScan:
    """The whole corpus as the first pass saw it: the second pass's work, every problem, the record count, and
    (a scan with `hashes`) each shard's ids, lines and content hashes (`hashed`, in the order of `work`)."""

    plan: ShardPlan
    work: tuple[ShardWork, ...]
    problems: tuple[Problem, ...]
    documents: int
    hashed: tuple[ShardScan, ...] = ()  # without their profiles

    @property
    def skipped(self) -> str:
        return skipped_summary(self.problems)

    @cached_property
    def authority(self) -> Authority:
        return self.plan.authority()

    def records(self) -> Iterator[tuple[str, str]]:
        """(id, `record_hash`) of every record, version links included, as the index stores them."""
        if len(self.hashed) != len(self.work):
            raise ValueError("the corpus was scanned without hashes")
        for scan, work in zip(self.hashed, self.work):
            for doc_id, content in zip(scan.ids, scan.hashes):
                if doc_id not in work.drop:
                    yield doc_id, linked_hash(content, work.versions.get(doc_id, ()))

    def corpus_hash(self) -> str:
        """What `Corpus.corpus_hash` gives for the same corpus, without holding it."""
        return corpus_hash(self.records())

    def select(self, ids: Collection[str]) -> tuple[ShardWork, ...]:
        """The second pass's work for the records `ids` names alone: each shard that holds some of them, reading
        only their lines (a scan with `hashes`, which kept the lines)."""
        if len(self.hashed) != len(self.work):
            raise ValueError("the corpus was scanned without hashes")
        chosen = []
        for scan, work in zip(self.hashed, self.work):
            found = [(doc_id, line) for doc_id, line in zip(scan.ids, scan.lines)
                     if doc_id in ids and doc_id not in work.drop]
            if found:
                lines = None if work.shard.manifest.parser else frozenset(line for _id, line in found)
                chosen.append(replace(work, only=frozenset(doc_id for doc_id, _line in found), lines=lines))
        return tuple(chosen)


def join_scans(plan: ShardPlan, scans: Iterable[ShardScan]) -> CorpusScan:
    """Join the shards' scans (in any order): records whose number an earlier shard used are dropped and
    reported, `[senders]` is checked per collection, and versions are linked across the whole corpus from the
    profiles alone."""
    by_shard = {scan.shard: scan for scan in scans}
    ordered = [by_shard[shard] for shard in plan.shards]
    problems, drops, numbers = list(plan.problems), [], {}
    first_line: dict[str, int] = {}
    for scan in ordered:
        problems.extend(scan.problems)
        path = str(scan.shard.manifest.folder / DOCUMENTS)
        dropped = set()
        for doc_id, line in zip(scan.ids, scan.lines):  # a shard's own ids are unique: a repeat is an earlier's
            earlier = first_line.get(doc_id)
            if earlier is None:
                first_line[doc_id] = line
                continue
            number = doc_id.rsplit("/", 1)[1]
            problems.append(Problem(path, line, "number", f"{number} is already used on line {earlier}; "
                                                          "this record is skipped", f"line {line}"))
            dropped.add(doc_id)
        drops.append(frozenset(dropped))
        if scan.shard.manifest.senders:
            numbers.setdefault(scan.shard.manifest, []).extend(i.rsplit("/", 1)[1] for i in scan.ids)
    for manifest, found in numbers.items():
        problems.extend(unmatched_senders(manifest, found))
    documents = len(first_line)
    del first_line
    links = link_profiles(p for scan, drop in zip(ordered, drops) for p in scan.profiles if p.doc_id not in drop)
    work = tuple(ShardWork(scan.shard, plan.authority_path,
                           {doc_id: links[doc_id] for doc_id in scan.ids if doc_id in links}, drop)
                 for scan, drop in zip(ordered, drops))
    hashed = tuple(replace(scan, profiles=()) for scan in ordered) if all(
        len(scan.hashes) == len(scan.ids) for scan in ordered) else ()
    return CorpusScan(plan, work, tuple(problems), documents, hashed)


def scan_in_process(plan: ShardPlan, hashes: bool = False) -> CorpusScan:
    """Both the scan and the join in this process (small corpora, tests)."""
    return join_scans(plan, (scan_shard(shard, plan.authority_path, hashes) for shard in plan.shards))
