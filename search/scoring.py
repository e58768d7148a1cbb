"""Which documents a Whoosh query matches, and their BM25F scores, computed with numpy over a generation's
postings arrays (`search/postings.py`) instead of walking Whoosh's matchers one posting at a time.

`Scorer.METHODS` maps each query class to the method that evaluates it; a query containing a class not in the
table (or a shape a method does not handle, such as a sloppy phrase) is walked with Whoosh's own matcher,
which gives the same documents and scores, only slower (`tests/search/test_scoring.py` checks both).
"""
from __future__ import annotations

from math import log

import numpy as np
from whoosh import query as wq

BM25_B, BM25_K1 = 0.75, 1.2


def matching(snapshot, q: wq.Query, scored: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Every matching docnum and (when `scored`) its BM25F score."""
    if isinstance(q, wq.Every):
        return np.flatnonzero(snapshot.columns.live), None
    q = q.normalize()
    try:
        mask, score = Scorer(snapshot).run(q)
    except Unsupported:
        return walk(snapshot, q, scored)
    docnums = np.flatnonzero(mask)
    return docnums, (score[docnums] if scored else None)


def walk(snapshot, q: wq.Query, scored: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The same answer through Whoosh's matcher: for queries the scorer does not know."""
    searcher = snapshot.searcher
    if not scored:
        return np.fromiter(q.docs(searcher), dtype=np.int64), None
    matcher = q.matcher(searcher, searcher.context(needs_current=False))
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


class Unsupported(Exception):
    """A query node the scorer leaves to Whoosh."""


def phrase_steps(q: wq.Sequence) -> tuple[list[tuple], tuple]:
    """A phrase's steps (each the (field, text) alternatives of one position: a term or an OR of terms) and the
    key `snapshot.phrases` keeps where it stands under; Unsupported for a shape the scorer leaves to Whoosh."""
    if not q.ordered or not q.subqueries or (q.slop != 1 and len(q.subqueries) != 2):
        raise Unsupported("sloppy sequence")
    steps = []
    for child in q.subqueries:
        if type(child) is wq.Term:
            steps.append(((child.fieldname, child.text),))
        elif type(child) is wq.Or and all(type(c) is wq.Term for c in child.subqueries):
            steps.append(tuple((c.fieldname, c.text) for c in child.subqueries))
        else:
            raise Unsupported("phrase step")
    return steps, ("sequence", q.slop, tuple(steps))


def positions_cost(snapshot, q: wq.Query) -> int:
    """The positions the phrases of `q` would decode (see `Postings.positions_cost`): none for a phrase whose
    places are kept, else every occurrence of its common words. What makes a phrase like "prisoners of war"
    costly at a million documents (50 million positions of "of") though it reads few postings."""
    if type(q) is wq.Sequence:
        try:
            steps, key = phrase_steps(q)
        except Unsupported:
            return 0
        if snapshot.phrases.get(key) is not None:
            return 0
        return sum(snapshot.postings.positions_cost(f, t) for step in steps for f, t in step)
    return sum(positions_cost(snapshot, child) for child in q.children())


class Scorer:
    """Evaluates a Whoosh query tree as (match mask, score) arrays over all docnums, scoring like Whoosh's
    BM25F: a term scores idf·tf·(K1+1)/(tf + K1·(1−B+B·len/avglen))·boost, OR and AND add their children's
    scores, a phrase scores the sum of its words where they stand in sequence, a prefix, wildcard or fuzzy term
    the sum of its expansions' scores."""

    METHODS: dict[type, str] = {}  # query class → method name; filled below the class

    def __init__(self, snapshot):
        self.snapshot, self.postings, self.size = snapshot, snapshot.postings, snapshot.size
        self.reader = snapshot.reader
        self.doc_count = self.reader.doc_count_all()
        self._done: dict = {}  # query part → (mask, score), read only: callers copy before changing

    def run(self, q) -> tuple[np.ndarray, np.ndarray]:
        method = self.METHODS.get(type(q))  # exact class: a subclass may match or score differently
        if method is None:
            raise Unsupported(type(q).__name__)
        if type(q) in (wq.Term, wq.Every, type(wq.NullQuery)):
            return getattr(self, method)(q)
        # Soft-AND holds each part twice (every part, or any part): a part is evaluated once per search.
        found = self._done.get(q)
        if found is None:
            found = self._done[q] = getattr(self, method)(q)
        return found

    def _empty(self):
        return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float64)

    def term_scores(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of one term."""
        docs, weights = self.postings.term(fieldname, text)
        if len(docs) == 0:
            return docs, np.zeros(0)
        field = self.snapshot.schema[fieldname]
        if not field.scorable:
            return docs, weights.astype(np.float64) * boost
        idf = log(self.doc_count / (len(docs) + 1)) + 1
        avg = (self.reader.field_length(fieldname) / (self.doc_count or 1)) or 1
        lengths = self.postings.lengths(fieldname)[docs].astype(np.float64)
        tf = weights.astype(np.float64)
        scores = idf * (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / avg))
        return docs, scores * boost

    def term(self, q):
        mask, score = self._empty()
        docs, scores = self.term_scores(q.fieldname, q.text, q.boost)
        mask[docs] = True
        score[docs] = scores
        return mask, score

    def any_of(self, q):
        if getattr(q, "minmatch", 0) > 1:
            return self.at_least(q)
        mask, score = self._empty()
        for child in q.subqueries:
            if type(child) is wq.Term:  # scatter-add without building a dense array per term
                docs, scores = self.term_scores(child.fieldname, child.text, child.boost)
                mask[docs] = True
                score[docs] += scores
                continue
            m, sc = self.run(child)
            mask |= m
            score += sc
        return mask, score * q.boost

    def at_least(self, q):
        """OR that keeps only documents matching `minmatch` of its children (minimum-should-match)."""
        matched = np.zeros(self.size, dtype=np.int32)
        score = np.zeros(self.size, dtype=np.float64)
        for child in q.subqueries:
            m, sc = self.run(child)
            matched += m
            score += sc
        mask = matched >= q.minmatch
        return mask, np.where(mask, score, 0.0) * q.boost

    def all_of(self, q):
        mask, score = None, None
        for child in q.subqueries:
            m, sc = self.run(child)
            mask, score = (m, sc) if mask is None else (mask & m, score + sc)
        if mask is None:
            return self._empty()
        return mask, np.where(mask, score, 0.0) * q.boost

    def and_not(self, q):
        mask, score = self.run(q.a)
        negative, _ = self.run(q.b)
        mask = mask & ~negative
        return mask, np.where(mask, score, 0.0) * q.boost

    def and_maybe(self, q):
        mask, score = self.run(q.a)
        _, extra = self.run(q.b)
        return mask, np.where(mask, score + extra, 0.0) * q.boost

    def require(self, q):
        mask, score = self.run(q.a)
        required, _ = self.run(q.b)
        mask = mask & required
        return mask, np.where(mask, score, 0.0) * q.boost

    def every(self, q):
        live = self.snapshot.columns.live.copy()
        return live, live * float(q.boost)

    def nothing(self, q):
        return self._empty()

    def expanded(self, q):
        """Prefix, wildcard and fuzzy terms: the sum of the scores of the index terms they stand for."""
        mask, score = self._empty()
        for text in self.snapshot.expand(q):
            docs, scores = self.term_scores(q.fieldname, text, q.boost)
            mask[docs] = True
            score[docs] += scores
        return mask, score

    def sequence(self, q):
        steps, key = phrase_steps(q)
        phrases = self.snapshot.phrases
        docnums = phrases.get(key)
        if docnums is None:
            docnums = self._near(q.slop, steps) if q.slop != 1 else self._in_sequence(steps)
            if len(docnums):  # a phrase of words the index lacks is not kept (see Postings.term)
                phrases.put(key, docnums)
        mask, score = self._empty()
        if len(docnums) == 0:
            return mask, score
        mask[docnums] = True
        for child in q.subqueries:
            score += self.run(child)[1]
        return mask, np.where(mask, score, 0.0) * q.boost

    def _in_sequence(self, steps) -> np.ndarray:
        """Sorted docnums (int32) where the steps' words stand one after another. The rarest step's positions
        come first; each further step is read only in the documents still in the running, so a common word
        ("of") is decoded only in the postings blocks of documents where the rarer words already fit."""
        starts, within = None, None
        for offset in self._rarest_first(steps):
            keys = [self.postings.positions_in(f, t, within) for f, t in steps[offset]]
            if starts is None:  # each term's keys are sorted and distinct: only alternatives need merging
                starts = (keys[0] if len(keys) == 1 else np.unique(np.concatenate(keys))) - offset
            else:
                wanted, present = starts + offset, np.zeros(len(starts), dtype=bool)
                for found in keys:
                    if len(found):
                        at = np.minimum(np.searchsorted(found, wanted), len(found) - 1)
                        present |= found[at] == wanted
                starts = starts[present]
            within = np.unique(starts >> 32)
            if len(within) == 0:
                break
        return within.astype(np.int32)

    def _near(self, slop: int, steps) -> np.ndarray:
        """Sorted docnums (int32) holding two words in order, the second 1 to `slop` positions after the first
        (Whoosh's SpanNear2 with mindist 1): the proximity bonus of long queries. The rarer word is read first,
        the other only in the documents holding it."""
        found: list = [None, None]
        within = None
        for index in self._rarest_first(steps):
            found[index] = np.sort(np.concatenate([self.postings.positions_in(f, t, within) for f, t in steps[index]]))
            within = np.unique(found[index] >> 32)
        firsts, seconds = found
        if len(firsts) == 0 or len(seconds) == 0:
            return np.zeros(0, dtype=np.int32)
        at = np.searchsorted(seconds, firsts + 1)
        hit = at < len(seconds)
        hit[hit] = seconds[at[hit]] <= firsts[hit] + slop
        return np.unique(firsts[hit] >> 32).astype(np.int32)

    def _rarest_first(self, steps) -> list[int]:
        """The steps' indexes, the one whose words the fewest documents hold first."""
        frequency = [sum(self.snapshot.doc_frequency(f, t) for f, t in step) for step in steps]
        return sorted(range(len(steps)), key=frequency.__getitem__)



Scorer.METHODS = {
    wq.Term: "term",
    wq.Or: "any_of",
    wq.And: "all_of",
    wq.AndNot: "and_not",
    wq.AndMaybe: "and_maybe",
    wq.Require: "require",
    wq.Every: "every",
    type(wq.NullQuery): "nothing",  # Whoosh's class is the private `_NullQuery`; its one instance is public
    wq.Prefix: "expanded",
    wq.Wildcard: "expanded",
    wq.FuzzyTerm: "expanded",
    wq.Sequence: "sequence",
}
