"""Result order (`search/order.py`): the first page found from the best-placed matches is the first page of the
whole order, for every sort, with version groups, ties and pages beyond the first."""
from types import SimpleNamespace

import numpy as np
import pytest

from search.order import all_heads, first_heads, ordered, sort_key

SIZE = 3_000


def corpus(seed: int, linked: float):
    """Columns for SIZE documents: dates (some undated, many sharing a day), coarse scores (many ties), and
    version groups covering about `linked` of the documents."""
    rng = np.random.default_rng(seed)
    starts = np.where(rng.random(SIZE) < 0.1, 0, 19500601 + rng.integers(0, 20, SIZE)).astype(np.int32)
    ends = np.where(starts > 0, starts + rng.integers(0, 3, SIZE), 0).astype(np.int32)
    groups = np.arange(SIZE, dtype=np.int32)
    for docnum in np.flatnonzero(rng.random(SIZE) < linked):
        other = int(rng.integers(0, SIZE))
        groups[groups == groups[docnum]] = groups[other]
    for docnum in range(SIZE):  # a group is named by its smallest docnum, as the index does
        groups[docnum] = np.flatnonzero(groups == groups[docnum])[0]
    shared = np.bincount(groups, minlength=SIZE)[groups] > 1
    cols = SimpleNamespace(date_start=starts, date_end=ends)
    return SimpleNamespace(
        cols=cols, groups=groups, shared=shared, score=np.round(rng.random(SIZE) * 4, 1),
        rank=rng.permutation(SIZE).astype(np.int32), titles=rng.permutation(SIZE).astype(np.int32),
        selected=np.flatnonzero(rng.random(SIZE) < 0.6))


@pytest.mark.parametrize("seed, linked", [(1, 0.0), (2, 0.05), (3, 0.4)])
@pytest.mark.parametrize("sort", ["relevance", "date_asc", "date_desc", "title"])
def test_the_first_page_is_the_head_of_the_whole_order(seed, linked, sort):
    c = corpus(seed, linked)
    ranks = c.titles if sort == "title" else None
    keys = sort_key(sort, c.selected, c.score, c.cols, ranks)
    everything = all_heads(ordered(c.selected, keys), c.groups, c.rank, c.shared, ranks)
    for count in (1, 10, 57, 400, len(everything) + 5):
        total, heads = first_heads(c.selected, keys, count, c.groups, c.rank, c.shared, ranks, exact_up_to=0)
        assert total == len(everything)
        assert heads.tolist() == everything[:count].tolist()


def test_dates_sort_undated_last_both_ways_and_ties_by_docnum():
    cols = SimpleNamespace(date_start=np.array([19500625, 0, 19500601, 19500625, 19500601], dtype=np.int32),
                           date_end=np.array([19500625, 0, 19500630, 19500625, 19500601], dtype=np.int32))
    docnums = np.arange(5)
    assert ordered(docnums, sort_key("date_asc", docnums, None, cols)).tolist() == [4, 2, 0, 3, 1]
    assert ordered(docnums, sort_key("date_desc", docnums, None, cols)).tolist() == [0, 3, 2, 4, 1]


def test_a_page_behind_a_large_group_looks_further_down_the_order():
    """The 500 best matches are versions of one document: the page's other groups lie past them."""
    c = corpus(5, 0.0)
    best = np.argsort(-c.score)[:500]
    c.groups[best] = best.min()
    c.shared[:] = np.bincount(c.groups, minlength=SIZE)[c.groups] > 1
    keys = sort_key("relevance", c.selected, c.score, c.cols)
    everything = all_heads(ordered(c.selected, keys), c.groups, c.rank, c.shared)
    total, heads = first_heads(c.selected, keys, 20, c.groups, c.rank, c.shared, exact_up_to=0)
    assert (total, heads.tolist()) == (len(everything), everything[:20].tolist())
