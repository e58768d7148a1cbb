"""Per-generation facet and date columns as numpy arrays, indexed by Whoosh document number.

Counting facets over a result set then needs no stored-field reads: for each facet a CSR pair
(`offsets[docnum]:offsets[docnum+1]` slices `value_ids`) and a value table; `date_start`/`date_end` as int32
(YYYYMMDD, 0 undated); `live` marks documents not deleted. Written at build time beside the index
(`columns.npz` + `columns.json`); an incremental update carries unchanged segments' slices over and reads
records only for new segments, since merges renumber documents.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader

from index.errors import IndexUnavailable
from index.facets import FACETS
from index.schema import date_int

ARRAYS = "columns.npz"
TABLES = "columns.json"
# Every facet (by index field), plus each document's version links (grouping versions at query time needs no
# postings walk).
LISTS = {spec.field: spec.read for spec in FACETS} | {"versions": lambda doc: doc.versions}


@dataclass(frozen=True)
class Facet:
    """One facet's values per document: value table plus CSR arrays."""

    name: str
    values: tuple[str, ...]
    offsets: np.ndarray  # int32, len = documents + 1
    value_ids: np.ndarray  # int32

    def values_of(self, docnum: int) -> list[str]:
        start, end = self.offsets[docnum], self.offsets[docnum + 1]
        return [self.values[i] for i in self.value_ids[start:end]]


@dataclass(frozen=True)
class Columns:
    ids: tuple[str, ...]  # document id per docnum ("" for deleted)
    content_hashes: tuple[str, ...]
    live: np.ndarray  # bool
    date_start: np.ndarray  # int32
    date_end: np.ndarray  # int32
    facets: dict[str, Facet]

    @property
    def documents(self) -> int:
        return int(self.live.sum())

    def docnum_of(self) -> dict[str, int]:
        return {doc_id: n for n, doc_id in enumerate(self.ids) if doc_id}


def compute_columns(reader, documents_by_id: dict, hashes: dict[str, str],
                    previous: "Columns | None" = None, previous_segments: dict[str, int] | None = None) -> Columns:
    """Columns for the index `reader` sees, segment by segment.

    A segment that was already in the previous generation (`previous_segments`: segment id → its first docnum
    there) keeps its slice of `previous`, minus documents deleted since; only new segments (added documents,
    or small segments Whoosh merged) are read from the Document records. That keeps an incremental update's
    cost proportional to what changed, even though merges move documents to new docnums.
    """
    parts = []
    for leaf, _offset in reader.leaf_readers():
        start = (previous_segments or {}).get(leaf.segment().segid)
        if previous is not None and start is not None:
            parts.append(_kept_part(previous, start, leaf))
        else:
            parts.append(_fresh_part(leaf, documents_by_id, hashes))
    return join_parts(parts)


@dataclass(frozen=True)
class ColumnPart:
    """Columns of one segment, with facet value ids local to its own value tables (a streaming build's shard
    task returns one; `join_parts` makes the generation's columns of them)."""

    ids: list[str]
    hashes: list[str]
    live: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    facets: dict[str, tuple[tuple[str, ...], np.ndarray, np.ndarray]]  # name → (values, offsets, value_ids)


def segment_starts(index) -> dict[str, int]:
    """Segment id → first docnum, for the segments of a Whoosh index in TOC order (its docnum order)."""
    with index.reader() as reader:
        return {leaf.segment().segid: offset for leaf, offset in reader.leaf_readers()
                if isinstance(leaf, SegmentReader)}  # an index without segments has one EmptyReader


def _kept_part(previous: Columns, start: int, leaf) -> ColumnPart:
    count = leaf.doc_count_all()
    stop = start + count
    live = previous.live[start:stop].copy()
    if leaf.has_deletions():
        live[[n for n in leaf.segment().deleted_docs() if n < count]] = False
    ids = [doc_id if alive else "" for doc_id, alive in zip(previous.ids[start:stop], live.tolist())]
    hashes = [h if alive else "" for h, alive in zip(previous.content_hashes[start:stop], live.tolist())]
    facets = {}
    for name, facet in previous.facets.items():
        offsets = facet.offsets[start:stop + 1]
        entries = facet.value_ids[offsets[0]:offsets[-1]]
        sizes = np.diff(offsets) * live
        keep = np.repeat(live, np.diff(offsets))
        facets[name] = (facet.values, _offsets(sizes), entries[keep])
    dates = np.where(live, previous.date_start[start:stop], 0), np.where(live, previous.date_end[start:stop], 0)
    return ColumnPart(ids, hashes, live, dates[0].astype(np.int32), dates[1].astype(np.int32), facets)


def _fresh_part(leaf, documents_by_id: dict, hashes: dict[str, str]) -> ColumnPart:
    id_column = leaf.column_reader("id")
    part = PartBuilder()
    for docnum in range(leaf.doc_count_all()):
        doc_id = "" if leaf.is_deleted(docnum) else _text(id_column[docnum])
        doc = documents_by_id.get(doc_id) if doc_id else None
        if doc_id and doc is None:
            raise IndexUnavailable("index holds documents the corpus does not have; rebuild it in full")
        part.add(doc, hashes.get(doc_id, ""))
    return part.part()


class PartBuilder:
    """A segment's columns gathered document by document, in docnum order, as the segment is written."""

    def __init__(self):
        self.ids, self.hashes, self.starts, self.ends = [], [], [], []
        self.tables = {name: {} for name in LISTS}  # per facet: value → local id
        self.sizes = {name: [] for name in LISTS}
        self.value_ids = {name: [] for name in LISTS}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc, content_hash: str) -> None:
        """The next document (None for a deleted one)."""
        self.ids.append(doc.id if doc else "")
        self.hashes.append(content_hash if doc else "")
        self.starts.append(date_int(doc.date.start) if doc else 0)
        self.ends.append(date_int(doc.date.end) if doc else 0)
        for name, read in LISTS.items():
            values = read(doc) if doc else ()
            table = self.tables[name]
            self.value_ids[name].extend(table.setdefault(value, len(table)) for value in values)
            self.sizes[name].append(len(values))

    def part(self) -> ColumnPart:
        facets = {name: (tuple(self.tables[name]), _offsets(np.array(self.sizes[name], dtype=np.int64)),
                         np.array(self.value_ids[name], dtype=np.int32)) for name in LISTS}
        return ColumnPart(list(self.ids), list(self.hashes), np.array([bool(i) for i in self.ids], dtype=bool),
                          np.array(self.starts, dtype=np.int32), np.array(self.ends, dtype=np.int32), facets)


def join_parts(parts: list[ColumnPart]) -> Columns:
    """One Columns from the segments' parts in docnum order; each facet's value table keeps only used values."""
    ids = tuple(doc_id for part in parts for doc_id in part.ids)
    hashes = tuple(h for part in parts for h in part.hashes)
    cat = lambda arrays, dtype: np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)
    live = cat([p.live for p in parts], bool)
    starts, ends = cat([p.starts for p in parts], np.int32), cat([p.ends for p in parts], np.int32)
    facets = {name: _join_facet(name, [p.facets[name] for p in parts]) for name in LISTS}
    return Columns(ids, hashes, live, starts, ends, facets)


def _join_facet(name: str, pieces) -> Facet:
    table: dict[str, int] = {}
    sizes, value_ids = [], []
    for values, offsets, local_ids in pieces:
        remap = np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int32)
        value_ids.append(remap[local_ids] if len(local_ids) else local_ids.astype(np.int32))
        sizes.append(np.diff(offsets))
    value_ids = np.concatenate(value_ids).astype(np.int32) if value_ids else np.zeros(0, dtype=np.int32)
    used = np.zeros(len(table), dtype=bool)
    used[value_ids] = True
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    values = tuple(value for value, keep in zip(table, used.tolist()) if keep)
    sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    return Facet(name, values, _offsets(sizes), renumber[value_ids])


def _offsets(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(sizes))).astype(np.int32)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def save_columns(columns: Columns, directory: Path) -> None:
    arrays = {"live": columns.live, "date_start": columns.date_start, "date_end": columns.date_end}
    for name, facet in columns.facets.items():
        arrays[f"{name}__offsets"] = facet.offsets
        arrays[f"{name}__ids"] = facet.value_ids
    tables = {
        "ids": list(columns.ids),
        "content_hashes": list(columns.content_hashes),
        "facets": {name: list(facet.values) for name, facet in columns.facets.items()},
    }
    with open(directory / ARRAYS, "wb") as out:
        np.savez(out, **arrays)
        out.flush()
        os.fsync(out.fileno())
    _write_json(directory / TABLES, tables)


def load_columns(generation_dir: Path | str) -> Columns:
    """The columns of one generation; IndexUnavailable when they are missing or unreadable."""
    directory = Path(generation_dir)
    try:
        tables = json.loads((directory / TABLES).read_text(encoding="utf-8"))
        missing = sorted(set(LISTS) - set(tables["facets"]))
        if missing:
            raise IndexUnavailable(f"index columns in {directory} were written by an older kwarchive (no "
                                   f"{', '.join(missing)}); run `kwarchive reindex`")
        with np.load(directory / ARRAYS) as arrays:
            facets = {
                name: Facet(name, tuple(values), arrays[f"{name}__offsets"], arrays[f"{name}__ids"])
                for name, values in tables["facets"].items()
            }
            return Columns(tuple(tables["ids"]), tuple(tables["content_hashes"]), arrays["live"],
                           arrays["date_start"], arrays["date_end"], facets)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(f"index columns in {directory} are unreadable: {exc}") from exc


def _write_json(path: Path, payload) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(payload, ensure_ascii=False))  # one-shot dumps uses the C encoder; dump() does not
        out.flush()
        os.fsync(out.fileno())
