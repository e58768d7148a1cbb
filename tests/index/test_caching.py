"""The one cache class, and the analysis memos built on it, stay within their byte budgets."""
import numpy as np

from index import analysis
from index.caching import ENTRY_BYTES, BoundedCache, estimate_bytes, memoize


def test_least_recently_used_entries_go_first_when_the_bytes_run_out():
    cache = BoundedCache(max_bytes=3 * (ENTRY_BYTES + 2 * estimate_bytes("k0") + estimate_bytes("x" * 100)))
    for i in range(3):
        cache.put(f"k{i}", "x" * 100)
    assert cache.get("k0") == "x" * 100  # k0 is now the most recently used
    cache.put("k3", "x" * 100)
    assert "k1" not in cache and "k0" in cache and "k3" in cache
    assert cache.nbytes <= cache.max_bytes


def test_sizes_follow_what_values_hold():
    cache = BoundedCache(max_bytes=10 * 2**20)
    cache.put("small", np.zeros(10))
    small = cache.nbytes
    cache.put("large", np.zeros(100_000))
    assert cache.nbytes - small >= 800_000
    cache.put("large", np.zeros(10))  # replacing an entry gives its bytes back
    assert cache.nbytes < 2 * small + 100


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = BoundedCache(max_bytes=1000)
    value = cache.put("big", "x" * 5000)
    assert value == "x" * 5000 and "big" not in cache and cache.nbytes == 0


def test_get_or_compute_computes_once():
    calls = []
    cache = BoundedCache(max_bytes=2**20)
    for _ in range(3):
        assert cache.get_or_compute("key", lambda: calls.append(1) or "value") == "value"
    assert calls == [1]


def test_a_stored_none_is_a_hit():
    calls = []

    @memoize(2**20)
    def nothing(word):
        calls.append(word)
        return None

    assert nothing("a") is None and nothing("a") is None
    assert calls == ["a"]


def test_the_analysis_memos_stay_within_their_bytes_after_many_unique_long_words():
    """Issue 17: the per-word memos were bounded by count (262,144 entries each), so overlong distinct words
    (pasted junk in queries, digit runs in documents) could hold gigabytes. Now they hold bytes."""
    analyzer = analysis.make_analyzer()
    memos = [analysis.fold_word, analysis.transliterate_cyrillic, analysis.stem_word, analysis.name_bases]
    word_infos = analysis._word_info.cache_info().currsize
    text = " ".join(f"{i:06d}" + "переговоры" * 50 for i in range(2000))  # 2,000 distinct 506-letter words
    for i in range(0, 2000, 100):
        [t.text for t in analyzer(text[i * 507:(i + 100) * 507], mode="query")]
    analyzer.postings(text)
    for memo in memos:
        assert memo.cache.nbytes <= analysis.WORD_CACHE_BYTES
    held = sum(memo.cache.nbytes for memo in memos)
    assert held > 2000 * 500  # the words did go through the memos, which count what they hold
    assert analysis._word_info.cache_info().currsize == word_infos  # overlong words never enter the hot cache


def test_the_memo_budget_evicts(monkeypatch):
    @memoize(50_000)
    def fold(word):
        return word.casefold()

    for i in range(10_000):
        fold(f"{i:05d}" + "x" * 100)
    assert 0 < fold.cache.nbytes <= 50_000
    assert len(fold.cache) < 200
