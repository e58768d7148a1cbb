"""Everything a search needs from one index generation, opened once and kept while that generation is live.

The numpy columns come from `index/columns.py`; derived arrays (the owner docnum of every CSR entry, version
groups, date order, folded value tables) are computed here once per generation, so a query only does
vectorised work over them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from corpus.authority import fold
from index.columns import Columns, Facet, load_columns
from corpus.authority import Authority, AuthorityEntry
from index.analysis import AuthorityFilter
from index.generations import Generation, open_generation

FACET_FIELDS = {
    "type": "doc_type", "sender": "senders", "recipient": "recipients", "person": "people", "place": "places",
    "classification": "classification", "archive": "archive", "collection": "collection",
    "language": "language", "year": "years",
}
NAME_FIELDS = ("senders", "recipients", "people", "places")


@dataclass
class FacetColumn:
    """One facet's CSR arrays plus the docnum owning each entry (for masks) and a folded lookup table."""

    facet: Facet
    owners: np.ndarray
    by_fold: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, facet: Facet) -> "FacetColumn":
        owners = np.repeat(np.arange(len(facet.offsets) - 1, dtype=np.int32), np.diff(facet.offsets))
        by_fold: dict[str, int] = {}
        for value_id, value in enumerate(facet.values):
            by_fold.setdefault(fold(value), value_id)
        return cls(facet, owners, by_fold)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.facet.value_ids[mask[self.owners]], minlength=len(self.facet.values))

    def mask_for(self, value_ids: list[int], size: int) -> np.ndarray:
        wanted = np.zeros(len(self.facet.values) + 1, dtype=bool)
        wanted[value_ids] = True
        mask = np.zeros(size, dtype=bool)
        mask[self.owners[wanted[self.facet.value_ids]]] = True
        return mask


class Snapshot:
    """An open generation: Whoosh index and searcher, columns and derived arrays."""

    def __init__(self, generation: Generation):
        self.generation = generation
        self.index = open_generation(generation)
        self.searcher = self.index.searcher()
        self.reader = self.searcher.reader()
        self.columns: Columns = load_columns(generation.path)
        self.size = len(self.columns.ids)
        self.facets = {name: FacetColumn.of(self.columns.facets[fieldname])
                       for name, fieldname in FACET_FIELDS.items()}
        self.docnum_by_id = self.columns.docnum_of()
        self.authority = authority_of(self.analyzer)

    def close(self) -> None:
        self.searcher.close()

    @property
    def analyzer(self):
        return self.index.schema["body"].analyzer

    @cached_property
    def groups(self) -> np.ndarray:
        """Version group of every docnum (the smallest docnum of its versions), from the `versions` postings."""
        parent = np.arange(self.size, dtype=np.int64)

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = int(parent[x])
            return x

        for term in self.reader.lexicon("versions"):
            other = self.docnum_by_id.get(term.decode("utf-8") if isinstance(term, bytes) else term)
            if other is None:
                continue
            for docnum in self.reader.postings("versions", term).all_ids():
                a, b = find(docnum), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        return np.array([find(n) for n in range(self.size)], dtype=np.int64)

    @cached_property
    def date_order(self) -> np.ndarray:
        """Live dated docnums from earliest to latest (start, then end, then id): for neighbours."""
        cols = self.columns
        dated = np.flatnonzero(cols.live & (cols.date_start > 0))
        ids = np.array(cols.ids, dtype=object)[dated]
        order = np.lexsort((ids, cols.date_end[dated], cols.date_start[dated]))
        return dated[order]

    def value_ids(self, facet: str, raw: str) -> list[int]:
        """Ids of the facet values a user's value stands for: through the authority for names, else folded."""
        column = self.facets[facet]
        candidates = [raw]
        if FACET_FIELDS[facet] in NAME_FIELDS:
            entry = self.authority.resolve(raw)
            if entry is not None:
                candidates.insert(0, entry.canonical)
        found = []
        for candidate in candidates:
            value_id = column.by_fold.get(fold(candidate))
            if value_id is not None and value_id not in found:
                found.append(value_id)
        return found[:1]

    def resolve_field_value(self, fieldname: str, raw: str) -> str | None:
        """For `from:Filippov` in the query language: the exact indexed value, or None."""
        facet = next(name for name, f in FACET_FIELDS.items() if f == fieldname)
        ids = self.value_ids(facet, raw)
        return self.facets[facet].facet.values[ids[0]] if ids else None


def authority_of(analyzer):
    """The name authority the generation was analysed with, rebuilt from the analyzer's (key, forms) pairs,
    so name lookups always agree with the index being searched. The first form is the canonical name."""
    entries = next((item.entries for item in getattr(analyzer, "items", ()) if isinstance(item, AuthorityFilter)), ())
    return Authority([AuthorityEntry(key, forms[0], "person", tuple(forms[1:])) for key, forms in entries if forms])
