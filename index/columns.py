"""Per-generation facet and date columns as numpy arrays, indexed by Whoosh document number.

Counting facets over a result set then needs no stored-field reads: for each facet a CSR pair
(`offsets[docnum]:offsets[docnum+1]` slices `value_ids`) and a value table; `date_start`/`date_end` as int32
(YYYYMMDD, 0 undated); `live` marks documents not deleted. Written at build time beside the index
(`columns.npz` + `columns.json`) and rebuilt after every incremental update, since merges renumber documents.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.errors import IndexUnavailable
from index.schema import FACETS, date_int

ARRAYS = "columns.npz"
TABLES = "columns.json"


@dataclass(frozen=True)
class Facet:
    """One facet's values per document: value table plus CSR arrays."""

    name: str
    values: tuple[str, ...]
    offsets: np.ndarray  # int32, len = documents + 1
    value_ids: np.ndarray  # int32

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many selected documents (boolean mask over docnums) carry each value."""
        per_entry = np.repeat(mask, np.diff(self.offsets))
        return np.bincount(self.value_ids[per_entry], minlength=len(self.values))

    def documents_with(self, value_ids) -> np.ndarray:
        """Boolean mask of documents carrying any of the given value ids (the OR within one facet)."""
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        wanted[list(value_ids)] = True
        hit_entries = wanted[self.value_ids]
        owners = np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets))
        mask = np.zeros(len(self.offsets) - 1, dtype=bool)
        mask[owners[hit_entries]] = True
        return mask

    def value_id(self, value: str) -> int | None:
        try:
            return self.values.index(value)
        except ValueError:
            return None

    def of(self, docnum: int) -> list[str]:
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


def compute_columns(reader, documents_by_id: dict, hashes: dict[str, str]) -> Columns:
    """Columns for the index `reader` sees, taking values from the Document records it was built from."""
    total = reader.doc_count_all()
    id_column = reader.column_reader("id")
    ids, live = [], np.zeros(total, dtype=bool)
    for docnum in range(total):
        if reader.is_deleted(docnum):
            ids.append("")
            continue
        ids.append(_text(id_column[docnum]))
        live[docnum] = True
    docs = [documents_by_id.get(doc_id) if doc_id else None for doc_id in ids]
    if any(live[n] and doc is None for n, doc in enumerate(docs)):
        raise IndexUnavailable("index holds documents the corpus does not have; rebuild it in full")
    starts = np.array([date_int(d.date.start) if d else 0 for d in docs], dtype=np.int32)
    ends = np.array([date_int(d.date.end) if d else 0 for d in docs], dtype=np.int32)
    facets = {name: _facet(name, read, docs) for name, read in FACETS.items()}
    content = tuple(hashes.get(doc_id, "") for doc_id in ids)
    return Columns(tuple(ids), content, live, starts, ends, facets)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _facet(name: str, read, docs) -> Facet:
    table: dict[str, int] = {}
    offsets, value_ids = [0], []
    for doc in docs:
        for value in (read(doc) if doc else ()):
            value_ids.append(table.setdefault(value, len(table)))
        offsets.append(len(value_ids))
    return Facet(name, tuple(table), np.array(offsets, dtype=np.int32), np.array(value_ids, dtype=np.int32))


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
        json.dump(payload, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
