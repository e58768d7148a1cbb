"""Per-generation facet and date columns as numpy arrays, indexed by Whoosh document number.

Counting facets over a result set then needs no stored-field reads: for each facet a CSR pair
(`offsets[docnum]:offsets[docnum+1]` slices `value_ids`) and a value table; `date_start`/`date_end` as int32
(YYYYMMDD, 0 undated); `live` marks documents not deleted; the orders a search sorts or groups by (`Orders`:
title and collection order, id order, version groups) are computed here too, at build time, not per worker.

On disk (`save_columns`) every array is stored uncompressed in one file, `columns.bin`, and every string table
(ids, facet values) as an array of UTF-8 bytes plus one of offsets; `columns.json` says where each array lies.
`load_columns` memory-maps the file read-only and hands out numpy views of it: every gunicorn worker shares one
copy through the page cache instead of holding its own, and a million documents cost a worker no more private
memory than a hundred. (One file, not one per array: a worker checks each file of its generation on every
request, see `index/integrity.py`.) An incremental update carries unchanged segments' slices over
(`carried_part`), takes new segments' parts from the tasks that wrote them, and a merged segment's from the
parts of the segments merged into it (`live_rows`), since merges renumber documents.
"""
from __future__ import annotations

import bisect
import json
import mmap
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.authority import fold
from index.errors import IndexUnavailable
from index.facets import FACETS
from index.schema import date_int

MANIFEST = "columns.json"  # format, and where each array lies in DATA
DATA = "columns.bin"
PREFIX = "columns."  # every column file of a generation is named columns.* (older formats: columns.npz)
FORMAT = 2  # 1: one columns.npz read into each process, tables in columns.json
ALIGN = 64
# Every facet (by index field), plus each document's version links (grouping versions at query time needs no
# postings walk).
LISTS = {spec.field: spec.read for spec in FACETS} | {"versions": lambda doc: doc.versions}


class StringTable(Sequence):
    """A read-only sequence of strings kept as UTF-8 bytes plus offsets (two numpy arrays, mmapped when loaded):
    a million ids take one 30 MB buffer instead of a million Python objects, and a string exists only while read."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self.data, self.offsets = data, offsets

    @classmethod
    def of(cls, strings) -> "StringTable":
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("string table index out of range")
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.data[start:end].tobytes().decode("utf-8")

    def __iter__(self):
        data, bounds = self.data.tobytes(), self.offsets.tolist()
        return (data[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:]))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"StringTable({len(self)} strings)"


@dataclass(frozen=True)
class Facet:
    """One facet's values per document: value table plus CSR arrays."""

    name: str
    values: Sequence[str]
    offsets: np.ndarray  # int32, len = documents + 1
    value_ids: np.ndarray  # int32

    def values_of(self, docnum: int) -> list[str]:
        start, end = self.offsets[docnum], self.offsets[docnum + 1]
        return [self.values[i] for i in self.value_ids[start:end]]


@dataclass(frozen=True)
class Orders:
    """What searches sort and group by, per docnum, computed once at build time (see `compute_orders`)."""

    title_rank: np.ndarray  # int32: place in (folded title, id) order, for sort=title
    collection_rank: np.ndarray  # int32: place in (collection, number as a number) order, for sort=collection
    id_order: np.ndarray  # int32: live docnums by id, to find a document by its id
    id_rank: np.ndarray  # int32: place in id order (ties in date order, version representatives)
    groups: np.ndarray  # int32: version group, the smallest docnum among documents linked by `versions`


@dataclass(frozen=True)
class Columns:
    ids: Sequence[str]  # document id per docnum ("" for deleted)
    content_hashes: Sequence[str]
    title_keys: Sequence[str]  # folded title per docnum, what sort=title compares
    live: np.ndarray  # bool
    date_start: np.ndarray  # int32
    date_end: np.ndarray  # int32
    facets: dict[str, Facet]
    orders: Orders

    @property
    def documents(self) -> int:
        return int(self.live.sum())

    def docnum_of(self, doc_id: str) -> int | None:
        """The docnum of a live document, by binary search in id order; None when there is none."""
        order, ids = self.orders.id_order, self.ids
        at = bisect.bisect_left(order, doc_id, key=lambda docnum: ids[docnum])
        return int(order[at]) if at < len(order) and ids[order[at]] == doc_id else None


@dataclass(frozen=True)
class ColumnPart:
    """Columns of one segment, with facet value ids local to its own value tables (a streaming build's shard
    task returns one; `join_parts` makes the generation's columns of them)."""

    ids: list[str]
    hashes: list[str]
    titles: list[str]  # folded, what sort=title compares
    live: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    facets: dict[str, tuple[tuple[str, ...], np.ndarray, np.ndarray]]  # name → (values, offsets, value_ids)


def carried_part(previous: Columns, start: int, segment) -> ColumnPart:
    """The columns of a segment that the previous generation held from docnum `start` on (Whoosh's `Segment`,
    with the deletions made since), read from `previous`: an update reads no record of an unchanged segment."""
    count = segment.doc_count_all()
    stop = start + count
    live = previous.live[start:stop].copy()
    if segment.has_deletions():
        live[[n for n in segment.deleted_docs() if n < count]] = False
    ids = [doc_id if alive else "" for doc_id, alive in zip(previous.ids[start:stop], live.tolist())]
    hashes = [h if alive else "" for h, alive in zip(previous.content_hashes[start:stop], live.tolist())]
    titles = [t if alive else "" for t, alive in zip(previous.title_keys[start:stop], live.tolist())]
    facets = {}
    for name, facet in previous.facets.items():
        offsets = facet.offsets[start:stop + 1]
        entries = facet.value_ids[offsets[0]:offsets[-1]]
        sizes = np.diff(offsets) * live
        keep = np.repeat(live, np.diff(offsets))
        facets[name] = (facet.values, _offsets(sizes), entries[keep])
    dates = np.where(live, previous.date_start[start:stop], 0), np.where(live, previous.date_end[start:stop], 0)
    return ColumnPart(ids, hashes, titles, live, dates[0].astype(np.int32), dates[1].astype(np.int32), facets)


def live_rows(part: ColumnPart) -> ColumnPart:
    """`part` without its deleted documents, in order: the columns of its segment's documents once Whoosh has
    merged that segment into another (a merge copies only documents not deleted)."""
    keep = part.live.tolist()
    pick = lambda strings: [s for s, alive in zip(strings, keep) if alive]
    facets = {}
    for name, (values, offsets, value_ids) in part.facets.items():
        sizes = np.diff(offsets)
        facets[name] = (values, _offsets(sizes[part.live]), value_ids[np.repeat(part.live, sizes)])
    return ColumnPart(pick(part.ids), pick(part.hashes), pick(part.titles), part.live[part.live],
                      part.starts[part.live], part.ends[part.live], facets)


class PartBuilder:
    """A segment's columns gathered document by document, in docnum order, as the segment is written."""

    def __init__(self):
        self.ids, self.hashes, self.titles, self.starts, self.ends = [], [], [], [], []
        self.tables = {name: {} for name in LISTS}  # per facet: value → local id
        self.sizes = {name: [] for name in LISTS}
        self.value_ids = {name: [] for name in LISTS}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc, content_hash: str) -> None:
        """The next document (None for a deleted one)."""
        self.ids.append(doc.id if doc else "")
        self.hashes.append(content_hash if doc else "")
        self.titles.append(fold(doc.title or "") if doc else "")
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
        return ColumnPart(list(self.ids), list(self.hashes), list(self.titles),
                          np.array([bool(i) for i in self.ids], dtype=bool),
                          np.array(self.starts, dtype=np.int32), np.array(self.ends, dtype=np.int32), facets)


def join_parts(parts: list[ColumnPart]) -> Columns:
    """One Columns from the segments' parts in docnum order; each facet's value table keeps only used values."""
    ids = tuple(doc_id for part in parts for doc_id in part.ids)
    hashes = tuple(h for part in parts for h in part.hashes)
    titles = tuple(t for part in parts for t in part.titles)
    cat = lambda arrays, dtype: np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)
    live = cat([p.live for p in parts], bool)
    starts, ends = cat([p.starts for p in parts], np.int32), cat([p.ends for p in parts], np.int32)
    facets = {name: _join_facet(name, [p.facets[name] for p in parts]) for name in LISTS}
    orders = compute_orders(ids, titles, live, facets["versions"])
    return Columns(ids, hashes, titles, live, starts, ends, facets, orders)


def compute_orders(ids: Sequence[str], titles: Sequence[str], live: np.ndarray, versions: Facet) -> Orders:
    """The orders of `Orders` from the columns: Python sorts over every document, done once per build."""
    size = len(ids)
    by_id = sorted(range(size), key=ids.__getitem__)
    id_rank = _ranks_of(by_id, size)
    by_title = sorted(range(size), key=lambda n: (titles[n], id_rank[n]))
    keys = [_collection_key(doc_id) for doc_id in ids]
    by_collection = sorted(range(size), key=keys.__getitem__)
    id_order = np.array([n for n in by_id if live[n]], dtype=np.int32)
    return Orders(_ranks_of(by_title, size), _ranks_of(by_collection, size), id_order, id_rank,
                  _version_groups(ids, live, versions))


def _ranks_of(order: list[int], size: int) -> np.ndarray:
    rank = np.empty(size, dtype=np.int32)
    rank[np.array(order, dtype=np.int64)] = np.arange(size, dtype=np.int32)
    return rank


def _collection_key(doc_id: str) -> tuple:
    """(collection, number as a number, number): "2" before "10", "18a" after "18"."""
    collection, _, number = doc_id.partition("/")
    digits = re.match(r"\d+", number)
    return (collection, int(digits.group()) if digits else float("inf"), number)


def _version_groups(ids: Sequence[str], live: np.ndarray, versions: Facet) -> np.ndarray:
    """Version group of every docnum: the smallest docnum among the documents linked to it by `versions`
    (the links are symmetric in the corpus, but either direction joins)."""
    size = len(ids)
    docnum_by_id = {doc_id: n for n, doc_id in enumerate(ids) if doc_id and live[n]}
    targets = np.array([docnum_by_id.get(v, -1) for v in versions.values], dtype=np.int64)
    owners = np.repeat(np.arange(size, dtype=np.int64), np.diff(versions.offsets))
    linked = targets[versions.value_ids] if len(versions.value_ids) else np.zeros(0, dtype=np.int64)
    keep = linked >= 0
    return _components(size, owners[keep], linked[keep]).astype(np.int32)


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


def save_columns(columns: Columns, directory: Path) -> None:
    """Write `columns` into a generation directory: every array, string tables' bytes and offsets included, one
    after another in `columns.bin` (each at a 64-byte boundary), and where each lies in `columns.json`."""
    directory = Path(directory)
    arrays, tables = _files_of(columns)
    for name, table in tables.items():
        arrays[f"{name}.data"], arrays[f"{name}.offsets"] = table.data, table.offsets
    placed, position = {}, 0
    with open(directory / DATA, "wb") as out:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            padding = -position % ALIGN
            out.write(b"\0" * padding)
            position += padding
            placed[name] = {"dtype": array.dtype.str, "offset": position, "count": int(array.size)}
            out.write(array.tobytes())
            position += array.nbytes
        out.flush()
        os.fsync(out.fileno())
    manifest = {"format": FORMAT, "documents": len(columns.ids), "facets": sorted(columns.facets),
                "tables": sorted(tables), "arrays": placed}
    with open(directory / MANIFEST, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=0)
        out.flush()
        os.fsync(out.fileno())


def _files_of(columns: Columns) -> tuple[dict[str, np.ndarray], dict[str, StringTable]]:
    orders = columns.orders
    arrays = {"live": columns.live, "date_start": columns.date_start, "date_end": columns.date_end,
              "title_rank": orders.title_rank, "collection_rank": orders.collection_rank,
              "id_order": orders.id_order, "id_rank": orders.id_rank, "groups": orders.groups}
    tables = {"ids": columns.ids, "content_hashes": columns.content_hashes, "title_keys": columns.title_keys}
    for name, facet in columns.facets.items():
        arrays[f"{name}.offsets"] = facet.offsets
        arrays[f"{name}.value_ids"] = facet.value_ids
        tables[f"{name}.values"] = facet.values
    return arrays, {name: _as_table(table) for name, table in tables.items()}


def _as_table(strings) -> StringTable:
    return strings if isinstance(strings, StringTable) else StringTable.of(strings)


def load_columns(generation_dir: Path | str) -> Columns:
    """The columns of one generation as read-only views of one memory map of `columns.bin`; IndexUnavailable
    when they are missing, unreadable or written by an older kwarchive (which a reindex replaces)."""
    directory = Path(generation_dir)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IndexUnavailable(f"index columns in {directory} were written by an older kwarchive; "
                                   f"run `kwarchive reindex`")
        missing = sorted(set(LISTS) - set(manifest["facets"]))
        if missing:
            raise IndexUnavailable(f"index columns in {directory} were written by an older kwarchive (no "
                                   f"{', '.join(missing)}); run `kwarchive reindex`")
        source = _mapped(directory / DATA)
        placed = manifest["arrays"]

        def array(name: str) -> np.ndarray:
            where = placed[name]
            return np.frombuffer(source, dtype=np.dtype(where["dtype"]), count=where["count"], offset=where["offset"])

        table = lambda name: StringTable(array(f"{name}.data"), array(f"{name}.offsets"))
        facets = {name: Facet(name, table(f"{name}.values"), array(f"{name}.offsets"), array(f"{name}.value_ids"))
                  for name in manifest["facets"]}
        orders = Orders(array("title_rank"), array("collection_rank"), array("id_order"), array("id_rank"),
                        array("groups"))
        columns = Columns(table("ids"), table("content_hashes"), table("title_keys"), array("live"),
                          array("date_start"), array("date_end"), facets, orders)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexUnavailable(f"index columns in {directory} are unreadable: {exc}") from exc
    if any(len(a) != manifest["documents"] for a in (columns.live, columns.date_start, orders.title_rank)):
        raise IndexUnavailable(f"index columns in {directory} are unreadable: their lengths disagree")
    return columns


def is_column_file(name: str) -> bool:
    """Whether a file of a generation directory belongs to its columns (rewritten by every build)."""
    return name.startswith(PREFIX)


def _mapped(path: Path):
    """A read-only memory map of a whole file (an empty file has nothing to map)."""
    with open(path, "rb") as source:
        if os.fstat(source.fileno()).st_size == 0:
            return b""
        return mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
