"""How a reindex cuts the corpus for its workers."""
import pytest

from index.cluster import shard_size


@pytest.mark.parametrize("records, workers, size", [
    (100_000, 1, 20_000),  # five shards of the largest size
    (100_000, 2, 16_667),  # six: an even number for two workers, none idles at the end
    (1_000_000, 2, 20_000),
    (10_000, 2, 2_500),  # small corpora: two shards per worker
    (7, 4, 1),
])
def test_shards_are_bounded_and_shared_evenly(records, workers, size):
    assert shard_size(records, workers, 20_000) == size
