"""Searcher: runs a SearchRequest against the live index generation and returns a SearchResult.

`search/scoring.py` lists every matching docnum with its score; everything after that — date overlap, facet
filters, facet counts, the histogram, sorting, version grouping, paging — is numpy over the per-generation
columns. Snippets come from postings offsets. Results are cached per (generation, canonical
query string); the live generation is re-checked on every call (one small file read) and a new one is opened
when it changes, which also drops the cache.
"""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import query as wq

from index.caching import BoundedCache
from index.errors import IndexUnavailable
from index.facets import FACET_BY_NAME
from index.generations import live_generation
from search import facets as facet_counts
from search.dates import ymd_to_iso
from search.errors import NotFound
from search.query import TEXT_FIELDS, ParsedQuery, parse_query
from search.request import NONE, SearchRequest, is_excluded, plain_value
from search.result import Hit, SearchResult, doc_url
from search.scoring import matching, positions_cost
from search.snapshot import Snapshot
from search.snippets import collect_spans, highlight, merge, snippet
from search.marks import query_marks, text_spans
from search import order as result_order
from search.names import name_suggestions
from search.suggest import correction, did_you_mean

RESULT_CACHE_BYTES = 32 * 2**20  # search results kept per searcher (per worker)
MORE_LIKE_THIS_CHARS = 50_000  # key terms of a very long document come from its beginning
FEW_RESULTS = 3


@dataclass(frozen=True)
class Match:
    """What one request matches, before ordering and paging: boolean masks and scores over docnums."""

    parsed: ParsedQuery
    notices: tuple[str, ...]
    base: np.ndarray  # live documents the query matches
    score: np.ndarray  # BM25F score per docnum (0 where unscored)
    dates: np.ndarray  # documents whose dates overlap the requested range
    masks: dict[str, np.ndarray]  # facet name → documents carrying a selected value
    selected: dict[str, list[int]]  # facet name → the selected values' ids
    unknown: dict[str, list[str]]  # facet name → selected values no document has
    excluded: dict[str, list[int]]  # facet name → the excluded ('-value') values' ids
    nones: dict[str, tuple[bool, bool]]  # facet name → ('__none__' selected, '-__none__' excluded)

    def filtered(self, without: str | None = None, dates: bool = True) -> np.ndarray:
        """The selected documents: query, dates (unless `dates=False`) and every facet but `without`."""
        mask = self.base & self.dates if dates else self.base.copy()
        for facet, facet_mask in self.masks.items():
            if facet != without:
                mask &= facet_mask
        return mask


class Searcher:
    """Search one index root; safe to share between threads (searches are serialised per process)."""

    def __init__(self, index_root: Path | str):
        self.index_root = Path(index_root)
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._cache = BoundedCache(RESULT_CACHE_BYTES)
        self._pins: dict[int, int] = {}  # id(snapshot) -> open pins; a pinned snapshot is closed by its last unpin
        self._pinned = threading.local()
        # gate(cost, documents in the index): the web layer makes costly searches take turns (web/fairness.py)
        self.gate = lambda cost, documents=0: nullcontext()

    # ---- generations -------------------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._current().generation.number

    @property
    def built_at(self) -> str:
        """When the live generation was built (ISO 8601, UTC): the time its results last changed."""
        return str(self._current().generation.meta.get("built_at", ""))

    def _current(self) -> Snapshot:
        pinned = getattr(self._pinned, "snapshot", None)
        if pinned is not None:
            return pinned
        live = live_generation(self.index_root)
        if live is None:
            raise IndexUnavailable(f"no index at {self.index_root}; run `kwarchive reindex`")
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and snapshot.generation.path == live.path:
                try:
                    snapshot.ensure_intact()
                except IndexUnavailable:  # its files changed under it: answer 503 until it is repaired
                    self._snapshot = None
                    self._cache.clear()
                    if not self._pins.get(id(snapshot)):
                        snapshot.close()
                    raise
                return snapshot
            fresh = Snapshot(live)
            if snapshot is not None and not self._pins.get(id(snapshot)):
                snapshot.close()
            self._snapshot = fresh
            self._cache.clear()
            return fresh

    @contextmanager
    def pinned(self):
        """Every call in this thread inside the block reads the generation live at its start, which stays open
        until the block ends even if a reindex switches meanwhile (an export's pages all come from one
        generation). Yields that generation's number."""
        if getattr(self._pinned, "snapshot", None) is not None:
            yield self._pinned.snapshot.generation.number
            return
        with self._lock:
            snapshot = self._hold(self._current())
        self._pinned.snapshot = snapshot
        try:
            yield snapshot.generation.number
        finally:
            self._pinned.snapshot = None
            self._release(snapshot)

    def _hold(self, snapshot: Snapshot) -> Snapshot:
        """Keep `snapshot` open past a generation switch until `_release` (call with the lock held)."""
        self._pins[id(snapshot)] = self._pins.get(id(snapshot), 0) + 1
        return snapshot

    def _release(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._pins[id(snapshot)] -= 1
            if not self._pins[id(snapshot)]:
                del self._pins[id(snapshot)]
                if snapshot is not self._snapshot:
                    snapshot.close()

    def clear_cache(self) -> None:
        """Forget cached results (not the generation's postings arrays): for benchmarks and tests."""
        self._cache.clear()

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    # ---- search ------------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest, *, facet_limit: int | None = facet_counts.FACET_LIMIT) -> SearchResult:
        """The page of results, facet counts, histogram, suggestion and notices for one request."""
        started = time.perf_counter()
        with self._lock:
            snapshot = self._current()
            key = (snapshot.generation.number, request.cache_key(), facet_limit)
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            cost = self._cost(snapshot, request)
            self._hold(snapshot)  # another thread may switch generations while this one waits for its turn
        try:
            with self.gate(cost, snapshot.size):  # outside the lock: waiting for a turn must not stop this process's searches
                with self._lock:
                    return self._cache.put(key, self._search(snapshot, request, facet_limit, started))
        finally:
            self._release(snapshot)

    def cost(self, request: SearchRequest) -> int:
        """About how many postings the search reads: the sum of its (expanded) terms' document frequencies."""
        with self._lock:
            return self._cost(self._current(), request)

    def _cost(self, snapshot: Snapshot, request: SearchRequest) -> int:
        """Postings the search reads (its terms' document frequencies, expansions included) plus the positions
        its phrases decode (`search.scoring.positions_cost`)."""
        if not request.q:
            return 0
        frequency = snapshot.word_frequency if request.typos else None
        parsed = parse_query(request.q, snapshot.analyzer, snapshot.resolve_field_value, snapshot.fuzzy_names,
                             frequency)
        total = 0
        for leaf in parsed.query.leaves():
            if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
                terms = [(leaf.fieldname, text) for text in snapshot.expand(leaf)]
            else:
                terms = list(leaf.terms(phrases=True))
            total += sum(snapshot.doc_frequency(fieldname, text) for fieldname, text in terms)
        return total + positions_cost(snapshot, parsed.query.normalize())

    def facet_values(self, request: SearchRequest, facet: str, facet_q: str = "", limit: int | None = None,
                     sort: str | None = None) -> list:
        """Every value of one facet with counts, for the facet window: those whose name in any spelling or script
        contains `facet_q`, by count or by value (`sort`, default the facet's own order)."""
        if facet not in FACET_BY_NAME:
            raise NotFound(f"unknown facet '{facet}'")
        with self._lock:
            snapshot = self._current()
            match = self._match(snapshot, request)
            return self._facet(snapshot, request, match, facet, limit, facet_q, sort)

    def _match(self, snapshot: Snapshot, request: SearchRequest) -> "Match":
        """Matching docnums and scores, date mask and per-facet masks (all boolean arrays over docnums)."""
        frequency = snapshot.word_frequency if request.typos else None
        parsed = parse_query(request.q, snapshot.analyzer, snapshot.resolve_field_value, snapshot.fuzzy_names,
                             frequency)
        notices = list(request.notices) + list(parsed.notices)
        docnums, scores = matching(snapshot, parsed.query, scored=request.sort == "relevance" and bool(request.q))
        notices += _expansion_notices(snapshot, parsed.query)
        size = snapshot.size
        base = np.zeros(size, dtype=bool)
        base[docnums] = True
        base &= snapshot.columns.live
        score_of = np.zeros(size, dtype=np.float64)
        if scores is not None:
            score_of[docnums] = scores
        starts, ends = snapshot.columns.date_start, snapshot.columns.date_end
        dates = np.ones(size, dtype=bool)
        if request.date_range:
            low, high = request.date_range
            dates = (starts > 0) & (starts <= high) & (ends >= low)
        masks, selected, unknown, excluded, nones = {}, {}, {}, {}, {}
        for facet, values in request.filters:
            column = snapshot.facets[facet]
            ids, left_out, missing, none = [], [], [], [False, False]
            for value in values:
                plain, out = plain_value(value), is_excluded(value)
                if plain == NONE:
                    none[out] = True
                    continue
                found = snapshot.value_ids(facet, plain)
                (left_out if out else ids).extend(i for i in found if i not in ids and i not in left_out)
                if not found and not out:
                    missing.append(value)
                    notices.append(f"No document has {facet} '{value}'.")
            chosen = ids or none[0] or missing
            mask = column.mask_for(ids, size) if chosen else np.ones(size, dtype=bool)
            if none[0]:
                mask |= column.empty_mask(size)
            if left_out:
                mask &= ~column.mask_for(left_out, size)
            if none[1]:
                mask &= ~column.empty_mask(size)
            masks[facet] = mask
            selected[facet], unknown[facet], excluded[facet], nones[facet] = ids, missing, left_out, tuple(none)
        return Match(parsed, tuple(notices), base, score_of, dates, masks, selected, unknown, excluded, nones)

    def _facet(self, snapshot, request, match, facet, limit, facet_q="", sort=None) -> list:
        """Counts within every other filter (disjunctive), with an 'unknown' bucket for documents without a value."""
        column = snapshot.facets[facet]
        within = match.filtered(without=facet)
        nones = match.nones.get(facet, (False, False))
        unknown = (int((within & column.empty_mask(snapshot.size)).sum()), *nones)
        return facet_counts.facet_entries(
            column, within, set(match.selected.get(facet, ())), match.unknown.get(facet, ()), limit, facet_q,
            snapshot.authority, sort, excluded_ids=set(match.excluded.get(facet, ())), unknown=unknown)

    def _search(self, snapshot: Snapshot, request: SearchRequest, facet_limit, started) -> SearchResult:
        match = self._match(snapshot, request)
        selected = match.filtered()
        cols = snapshot.columns
        total, page_heads = _page(snapshot, match, selected, request)
        hits = self._hits(snapshot, match, page_heads)
        undated = match.filtered(dates=False) & (cols.date_start == 0)
        dated = np.flatnonzero(selected & (cols.date_start > 0))
        histogram = facet_counts.histogram(cols.date_start[dated], cols.date_end[dated], request.date_range)
        histogram["undated"] = int(undated.sum())
        notices = match.notices
        suggestion = None
        corrected = correction(snapshot, request.q, match.parsed.tolerated)
        if corrected:
            suggestion = corrected
            notices = [f"Showing results for {corrected} — search instead for {request.q}", *notices]
        elif total < FEW_RESULTS and match.parsed.words:
            suggestion = did_you_mean(snapshot, request.q, match.parsed.words)
        facets = {name: self._facet(snapshot, request, match, name, facet_limit) for name in FACET_BY_NAME}
        return SearchResult(
            query={"q": request.q, "query_string": request.to_query_string(), "description": request.describe()},
            total=total, total_documents=int(selected.sum()), page=request.page, per_page=request.per_page,
            hits=tuple(hits), facets=facets, histogram=histogram, suggestion=suggestion,
            search_instead=request.with_typos(False).url() if corrected else None,
            notices=tuple(dict.fromkeys(notices)), generation=snapshot.generation.number,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 2))

    def _hits(self, snapshot, match, heads) -> list[Hit]:
        if len(heads) == 0:
            return []
        terms = _terms(snapshot, match.parsed.query)
        postings = snapshot.postings
        spans = {f: postings.spans(f, terms.get(f, ()), heads, snapshot.spans) if postings.has_offsets(f)
                 else collect_spans(snapshot.reader, f, terms.get(f, ()), heads, snapshot.spans)
                 for f in TEXT_FIELDS}
        versions = snapshot.versions_of
        hits = []
        for docnum in heads.tolist():
            stored = snapshot.searcher.stored_fields(docnum)
            record = json.loads(stored["record"])
            hits.append(_hit(snapshot, record, stored, spans, docnum, float(match.score[docnum]),
                             versions.get(docnum, [])))
        return hits

    def documents(self, request: SearchRequest, start: int = 0, count: int = 100) -> tuple[int, list[tuple[dict, Hit]]]:
        """Every matching document, versions included, in result order with a group's other matching versions
        right after its representative: (how many in all, [(record, hit)] of `count` of them from `start`).
        What an export holds, so that its count is the search's `total_documents`."""
        with self._lock:
            snapshot = self._current()
            match, everything = self._all_documents(snapshot, request)
            return len(everything), self._records(snapshot, match, everything[start:start + count])

    def every_document(self, request: SearchRequest, batch: int = 100):
        """(how many, generation, iterator of (record, hit)): every document `documents` would list, from one
        match, built a batch at a time. Call it inside `pinned()` so that the generation stays open to the end."""
        with self._lock:
            snapshot = self._current()
            match, everything = self._all_documents(snapshot, request)

        def items():
            for start in range(0, len(everything), batch):
                with self._lock:
                    found = self._records(snapshot, match, everything[start:start + batch])
                yield from found

        return len(everything), snapshot.generation.number, items()

    def _all_documents(self, snapshot: Snapshot, request: SearchRequest):
        match = self._match(snapshot, request)
        selected = match.filtered()
        ordered, heads = _results(snapshot, match, selected, request)
        return match, result_order.grouped_order(ordered, heads, snapshot.groups)

    def _records(self, snapshot: Snapshot, match, chosen) -> list[tuple[dict, Hit]]:
        hits = self._hits(snapshot, match, chosen)
        records = [json.loads(snapshot.searcher.stored_fields(d)["record"]) for d in chosen.tolist()]
        return list(zip(records, hits))

    # ---- names and marks for the pages ------------------------------------------------------------------------

    def name_suggestions(self, text: str) -> dict:
        """Names of the live generation's authority that complete the words being typed in the search box."""
        with self._lock:
            return name_suggestions(self._current().authority, text)

    def highlight(self, q: str, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character spans of each text that the search for `q` matches: phrases only as phrases, names in every
        spelling, typo corrections; the same compiled query, analysed by the live generation's analyzer."""
        with self._lock:
            snapshot = self._current()
            parsed = parse_query(q, snapshot.analyzer, snapshot.resolve_field_value, snapshot.fuzzy_names,
                                 snapshot.word_frequency)
            marks = query_marks(parsed.query, snapshot.expand)
            return [text_spans(text, snapshot.analyzer, marks) for text in texts]

    # ---- documents ---------------------------------------------------------------------------------------------

    def document(self, doc_id: str) -> dict:
        """The full record of one document (plus its `url`); NotFound when the id is unknown."""
        with self._lock:
            snapshot = self._current()
            docnum = self._docnum(snapshot, doc_id)
            record = json.loads(snapshot.searcher.stored_fields(docnum)["record"])
            record["url"] = doc_url(record["id"])
            return record

    def neighbours(self, doc_id: str) -> dict:
        """{previous, next}: the documents just before and after this one in time (None at the ends/undated)."""
        with self._lock:
            snapshot = self._current()
            docnum = self._docnum(snapshot, doc_id)
            order = snapshot.date_order
            where = np.flatnonzero(order == docnum)
            if len(where) == 0:
                return {"previous": None, "next": None}
            i = int(where[0])
            pick = lambda j: _brief(snapshot, int(order[j])) if 0 <= j < len(order) else None
            return {"previous": pick(i - 1), "next": pick(i + 1)}

    def more_like_this(self, doc_id: str, n: int = 5) -> list[dict]:
        """Documents sharing the most key terms with this one, its own versions left out."""
        with self._lock:
            snapshot = self._current()
            docnum = self._docnum(snapshot, doc_id)
            stored = snapshot.searcher.stored_fields(docnum)
            text = f"{stored.get('title', '')}\n{stored.get('body', '')[:MORE_LIKE_THIS_CHARS]}"
            keywords = [w for w, _ in snapshot.searcher.key_terms_from_text("body", text, numterms=20)
                        if not w.startswith(("~", "ent:"))]
            if not keywords:
                return []
            q = wq.Or([wq.Term("body", w) for w in keywords])
            docnums, scores = matching(snapshot, q, scored=True)
            own = snapshot.groups[docnum]
            keep = snapshot.groups[docnums] != own
            docnums, scores = docnums[keep], scores[keep]
            best = docnums[np.argsort(-scores, kind="stable")][:n]
            return [_brief(snapshot, int(d)) for d in best]

    @staticmethod
    def _docnum(snapshot: Snapshot, doc_id: str) -> int:
        docnum = snapshot.docnum_of(doc_id)
        if docnum is None or not snapshot.columns.live[docnum]:
            raise NotFound(f"no document '{doc_id}'")
        return docnum


# ---- helpers -------------------------------------------------------------------------------------------------



def _sort_of(snapshot: Snapshot, request: SearchRequest) -> tuple[str, np.ndarray | None]:
    """The sort a request gets (relevance needs a query; without one it is by date) and, for title and number
    sorts, the rank array that places a group where its representative sorts."""
    sort = request.sort if request.q else ("date_asc" if request.sort == "relevance" else request.sort)
    ranks = snapshot.title_rank if sort == "title" else snapshot.collection_rank if sort == "collection" else None
    return sort, ranks


def _keys(snapshot: Snapshot, match: Match, selected: np.ndarray, request: SearchRequest):
    """(the selected docnums, their sort keys, the ranks of a title or number sort or None)."""
    sort, ranks = _sort_of(snapshot, request)
    docnums = np.flatnonzero(selected)
    return docnums, result_order.sort_key(sort, docnums, match.score, snapshot.columns, ranks), ranks


def _results(snapshot: Snapshot, match: Match, selected: np.ndarray, request: SearchRequest):
    """(every selected docnum in result order, one representative per version group in that order)."""
    docnums, keys, ranks = _keys(snapshot, match, selected, request)
    order = result_order.ordered(docnums, keys)
    return order, result_order.all_heads(order, snapshot.groups, snapshot.version_rank, snapshot.has_versions,
                                         ranks)


def _page(snapshot: Snapshot, match: Match, selected: np.ndarray, request: SearchRequest):
    """(how many groups the search found, the representatives on the requested page), without ordering every
    match (see `search/order.py`)."""
    docnums, keys, ranks = _keys(snapshot, match, selected, request)
    total, heads = result_order.first_heads(docnums, keys, request.page * request.per_page, snapshot.groups,
                                            snapshot.version_rank, snapshot.has_versions, ranks)
    return total, heads[(request.page - 1) * request.per_page:]


def _expansion_notices(snapshot: Snapshot, q: wq.Query) -> list[str]:
    """'co*' matches 1,204 words: say that only the most frequent were searched (see Snapshot._capped)."""
    notices = []
    for leaf in q.leaves():
        if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            cut = snapshot.expansion_cut(leaf)
            if cut:
                shown = f"{leaf.text}*" if isinstance(leaf, wq.Prefix) else (
                    f"{leaf.text}~" if isinstance(leaf, wq.FuzzyTerm) else leaf.text)
                notices.append(f"'{shown}' matches {cut[1]:,} words; only the {cut[0]:,} most frequent were "
                               "searched. Type more letters to reach the others.")
    return notices


def _terms(snapshot: Snapshot, q: wq.Query) -> dict[str, list]:
    """The (expanded) terms of the query that exist in the index, by text field.

    Written out because whoosh's `Query.existing_terms` reuses its `fieldname` argument as the loop variable
    and so drops every leaf whose field differs from the first one's.
    """
    reader = snapshot.reader
    terms: dict[str, list] = {}
    for leaf in q.leaves():
        try:
            if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
                expanded = [(leaf.fieldname, text) for text in snapshot.expand(leaf)]
            else:
                expanded = leaf.expanded_terms(reader, phrases=True)
        except Exception:  # an expansion the reader cannot do must not cost the results
            continue
        for fieldname, text in expanded:
            if fieldname in TEXT_FIELDS and snapshot.doc_frequency(fieldname, text):
                found = terms.setdefault(fieldname, [])
                if text not in found:
                    found.append(text)
    return terms


def _hit(snapshot, record, stored, spans, docnum, score, siblings) -> Hit:
    title, body = stored.get("title", "") or "", stored.get("body", "") or ""
    title_html = highlight(title, merge(spans["title"].get(docnum, []), len(title)))
    versions = []
    for other in siblings:
        fields = snapshot.searcher.stored_fields(other)
        other_id = fields["id"]
        versions.append({"id": other_id, "collection": other_id.split("/", 1)[0], "url": doc_url(other_id),
                         "title": fields.get("title", "")})
    date = record.get("date", {})
    return Hit(
        id=record["id"], url=doc_url(record["id"]), title=title_html, collection=record["collection"],
        number=record["number"], date={"start": date.get("start", ""), "end": date.get("end", ""),
                                       "label": date.get("label", ""), "precision": date.get("precision", "unknown")},
        doc_type=record.get("doc_type", ""), senders=tuple(record.get("senders", ())),
        recipients=tuple(record.get("recipients", ())), classification=record.get("classification", ""),
        archive=(record.get("archive") or {}).get("repository", ""), score=round(score, 4),
        versions=tuple(versions), snippet=snippet(body, spans["body"].get(docnum, [])))


def _brief(snapshot: Snapshot, docnum: int) -> dict:
    fields = snapshot.searcher.stored_fields(docnum)
    cols = snapshot.columns
    return {"id": fields["id"], "url": doc_url(fields["id"]), "title": fields.get("title", ""),
            "date": {"start": ymd_to_iso(int(cols.date_start[docnum])), "end": ymd_to_iso(int(cols.date_end[docnum])),
                     "label": fields.get("date_label", "")}}
