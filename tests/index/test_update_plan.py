"""What an incremental reindex decides before it writes: which live documents go and which records are written
(`changes_since`), which small segments it merges (`segments_to_merge`), and the columns a merged segment keeps
(`live_rows`)."""
from dataclasses import dataclass

import numpy as np

from index.build import MERGE_BELOW, MERGE_FACTOR, changes_since, segments_to_merge
from index.columns import PartBuilder, live_rows
from small_corpus import TINY_DOCUMENTS


@dataclass
class Previous:
    ids: list
    content_hashes: list


def test_changes_since_the_live_generation():
    previous = Previous(["test/1", "", "test/2", "test/3", "test/4"], ["a", "", "b", "c", "d"])
    changes = changes_since(previous, [("test/1", "a"), ("test/2", "B"), ("test/4", "d"), ("test/9", "z")])
    assert changes.stale == (2, 3)  # test/2 changed, test/3 removed; docnum 1 was deleted before
    assert changes.chosen == {"test/2", "test/9"}
    assert (changes.added, changes.updated, changes.deleted) == (1, 1, 1)
    nothing = changes_since(previous, [("test/1", "a"), ("test/2", "b"), ("test/3", "c"), ("test/4", "d")])
    assert nothing.stale == () and not nothing.chosen


@dataclass
class Segment:
    name: str
    documents: int

    def doc_count(self):
        return self.documents


def test_small_segments_of_one_size_tier_are_merged_once_there_are_enough_of_them():
    big = [Segment(f"shard-{n}", 20_000) for n in range(MERGE_FACTOR + 3)]
    ones = [Segment(f"one-{n}", 1) for n in range(MERGE_FACTOR - 1)]
    assert segments_to_merge(big + ones) == []  # full-build shards are never merged, nor too few small ones
    tens = [Segment(f"ten-{n}", 10 + n) for n in range(MERGE_FACTOR)]
    emptied = Segment("emptied", 0)
    assert segments_to_merge(big + ones + [emptied] + tens) == tens
    ones.append(Segment("one-more", 9))
    assert segments_to_merge(ones + tens) == ones + tens
    assert segments_to_merge([Segment(f"s{n}", MERGE_BELOW) for n in range(MERGE_FACTOR)]) == []


def test_live_rows_drop_deleted_documents_and_their_facet_values():
    builder = PartBuilder()
    for doc in TINY_DOCUMENTS[:4]:
        builder.add(doc, f"hash of {doc.id}")
    part = builder.part()
    part.live[1] = False
    kept = live_rows(part)
    assert kept.ids == ["test/1", "test/3", "test/4"] and kept.hashes[1] == "hash of test/3"
    assert kept.live.all() and len(kept.starts) == len(kept.ends) == 3
    values, offsets, value_ids = kept.facets["people"]
    assert [sorted(values[i] for i in value_ids[a:b]) for a, b in zip(offsets, offsets[1:])] == [
        sorted(doc.people) for doc in (TINY_DOCUMENTS[0], TINY_DOCUMENTS[2], TINY_DOCUMENTS[3])]
    assert np.array_equal(kept.starts, part.starts[[0, 2, 3]])
