"""Result order: the selected docnums sorted for a request, one representative per version group, and the first
page of those without sorting every match.

A page shows a few groups of a search that can match half a million documents, so `first_heads` finds the
groups the page needs from the best-placed matches only (a partition, then a sort of those), and counts the
groups without ordering them; `ordered` and `representatives` give the whole order, which exports need.
Both answer the same: `tests/search/test_order.py` compares them.
"""
from __future__ import annotations

import numpy as np

EXACT_UP_TO = 20_000  # matches that are simply sorted whole: below this a partition gains nothing
_DATE_BITS = 30  # YYYYMMDD < 2**30, so (undated, start, end) fits one int64 key


def sort_key(sort: str, docnums: np.ndarray, score: np.ndarray, cols, ranks: np.ndarray | None = None) -> np.ndarray:
    """One key per docnum whose ascending order (ties by docnum) is the result order: relevance by score, dates
    with undated last (descending dates keep undated last too), title or collection by the build's `ranks`."""
    if sort == "relevance":
        return -score[docnums]
    if sort in ("title", "collection"):
        return ranks[docnums].astype(np.int64)
    starts = cols.date_start[docnums].astype(np.int64)
    ends = cols.date_end[docnums].astype(np.int64)
    undated = (starts == 0).astype(np.int64)
    if sort == "date_desc":
        top = (1 << _DATE_BITS) - 1
        starts, ends = top - starts, top - ends
    return (undated << (2 * _DATE_BITS)) | (starts << _DATE_BITS) | ends


def ordered(docnums: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """`docnums` (ascending) sorted by `keys`, ties by docnum."""
    return docnums[np.argsort(keys, kind="stable")]


def representatives(order: np.ndarray, groups: np.ndarray, rank: np.ndarray,
                    shared: np.ndarray | None = None) -> np.ndarray:
    """One docnum per version group, where the group's best-placed member stands in `order`; the one shown
    is the group's preferred matching member (lowest `rank`), whichever member placed it there. `shared` marks
    the docnums that have versions at all, so only those are ranked (the rest stand for themselves)."""
    if len(order) == 0:
        return order
    _, first = np.unique(groups[order], return_index=True)
    heads = order[np.sort(first)]
    in_groups = np.ones(len(order), dtype=bool) if shared is None else shared[order]
    if not in_groups.any():
        return heads
    members = order[in_groups]
    member_groups = groups[members]
    preferred = np.lexsort((rank[members], member_groups))  # groups ascending, preferred member first
    sorted_groups = member_groups[preferred]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    choice = np.empty(len(groups), dtype=order.dtype)
    choice[sorted_groups[starts]] = members[preferred[starts]]
    swap = in_groups[np.sort(first)]
    heads[swap] = choice[groups[heads[swap]]]
    return heads


def all_heads(order: np.ndarray, groups, rank, shared, ranks: np.ndarray | None = None) -> np.ndarray:
    """Every group's representative in result order: where its best-placed member stands, or, for a sort by
    title or number (`ranks`), where the representative itself sorts."""
    heads = representatives(order, groups, rank, shared)
    if ranks is not None:
        heads = heads[np.argsort(ranks[heads], kind="stable")]
    return heads


def grouped_order(order: np.ndarray, heads: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Every docnum of `order`, each group's representative (from `heads`) followed by its other members."""
    if len(order) == 0:
        return order
    place = np.zeros(int(groups.max()) + 1, dtype=np.int64)
    place[groups[heads]] = np.arange(len(heads))
    is_member = np.ones(len(order), dtype=np.int8)
    is_member[np.isin(order, heads)] = 0
    return order[np.lexsort((np.arange(len(order)), is_member, place[groups[order]]))]


def first_heads(docnums: np.ndarray, keys: np.ndarray, count: int, groups: np.ndarray, rank: np.ndarray,
                shared: np.ndarray, ranks: np.ndarray | None = None,
                exact_up_to: int = EXACT_UP_TO) -> tuple[int, np.ndarray]:
    """(how many groups `docnums` fall in, the first `count` of `all_heads`) for `docnums` ascending with their
    sort `keys`: the same answer as ordering everything, from the best-placed matches only.

    `ranks` (the title and number sorts, whose `keys` they are) places a group where its representative sorts."""
    if len(docnums) <= exact_up_to:
        heads = all_heads(ordered(docnums, keys), groups, rank, shared, ranks)
        return len(heads), heads[:count]
    versioned = shared[docnums]
    if ranks is not None:
        # Each group is its preferred matching member; the page is the `count` of those with the lowest keys.
        chosen = np.flatnonzero(~versioned)
        if versioned.any():
            members = np.flatnonzero(versioned)
            preferred = np.lexsort((rank[docnums[members]], groups[docnums[members]]))
            member_groups = groups[docnums[members[preferred]]]
            starts = np.flatnonzero(np.r_[True, member_groups[1:] != member_groups[:-1]])
            chosen = np.sort(np.concatenate((chosen, members[preferred[starts]])))
        best = _smallest(keys[chosen], count)
        return len(chosen), docnums[chosen[best]]
    total = _group_count(docnums, groups, versioned)
    want = min(count, total)
    take = 2 * want + 16
    while True:
        best = _smallest(keys, take)
        prefix = docnums[best]
        heads = representatives(prefix, groups, rank, shared)
        if len(heads) >= want or len(best) == len(docnums):
            return total, heads[:count] if len(best) == len(docnums) else _preferred(
                heads[:want], docnums, groups, rank, versioned)
        take *= 4


def _smallest(keys: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` smallest keys and every key tied with the last of them, in (key, position)
    order: exactly the head of a stable sort of `keys`, however long the ties."""
    if count >= len(keys):
        return np.argsort(keys, kind="stable")
    bound = np.partition(keys, count - 1)[count - 1]
    within = np.flatnonzero(keys <= bound)
    return within[np.argsort(keys[within], kind="stable")]


def _group_count(docnums: np.ndarray, groups: np.ndarray, versioned: np.ndarray) -> int:
    """How many version groups `docnums` fall in (a document without versions is a group of its own)."""
    linked = groups[docnums[versioned]]
    return int((~versioned).sum()) + len(np.unique(linked))


def _preferred(heads: np.ndarray, docnums: np.ndarray, groups, rank, versioned) -> np.ndarray:
    """Each head replaced by its group's preferred member among all of `docnums` (the prefix that placed the
    heads saw only some members)."""
    linked = docnums[versioned]
    if len(linked) == 0:
        return heads
    heads = heads.copy()
    wanted = np.isin(groups[heads], groups[linked])
    if not wanted.any():
        return heads
    members = linked[np.isin(groups[linked], groups[heads[wanted]])]
    preferred = members[np.lexsort((rank[members], groups[members]))]
    first = np.r_[True, groups[preferred][1:] != groups[preferred][:-1]]
    choice = dict(zip(groups[preferred[first]].tolist(), preferred[first].tolist()))
    heads[wanted] = [choice[g] for g in groups[heads[wanted]].tolist()]
    return heads
