"""kwarchive under measurement: full and incremental reindex, and searches in process through `Searcher`.

Imports of `index` and `search` happen inside the functions, so a stage that does not exist yet is reported as
"not measured" by the caller instead of breaking the whole benchmark.
"""
from __future__ import annotations

import cProfile
import io
import pstats
from pathlib import Path

from bench.generate import as_corpus, changed_copy
from bench.measure import peak_rss_mb, repeat, summary_ms, timed
from bench.queries import BenchQuery, by_class
from corpus.loader import load_corpus
from corpus.model import Document


def reindex(documents: list[Document], root: Path) -> dict:
    """Full build, then an incremental build with one record changed; times, throughput, size."""
    from index.build import build_full, build_incremental

    source = load_corpus()
    full = build_full(as_corpus(documents, source), root)
    edited = list(documents)
    middle = len(edited) // 2
    edited[middle] = changed_copy(edited[middle])
    incremental = build_incremental(as_corpus(edited, source), root)
    return {
        "full_s": full.seconds,
        "docs_per_s": round(full.documents / full.seconds, 1) if full.seconds else None,
        "incremental_s": incremental.seconds,
        "incremental_mode": incremental.mode,
        "index_mb": round(incremental.size_bytes / 2**20, 2),
        "documents": full.documents,
        "peak_rss_mb": peak_rss_mb(),
    }


def request_for(query: BenchQuery, page: int = 1):
    from search.request import SearchRequest

    args = query.args()
    if page != 1:
        args["page"] = [str(page)]
    return SearchRequest.from_args(args)


def forget_results(searcher) -> str:
    """Empty the searcher's result cache so the next search does the real work; says how it did it."""
    clear = getattr(searcher, "clear_cache", None)
    if callable(clear):
        clear()
        return "clear_cache()"
    emptied = []
    for name, value in vars(searcher).items():
        if "cache" in name.lower() and hasattr(value, "clear"):
            value.clear()
            emptied.append(name)
        elif "cache" in name.lower() and hasattr(value, "cache_clear"):
            value.cache_clear()
            emptied.append(name)
    return ", ".join(f"{name}.clear()" for name in emptied) or "none found: pages varied"


def search_latency(root: Path, queries: list[BenchQuery], reps: int, budget_s: float) -> dict:
    """Warm per-class latency with the cache emptied before each search, the cached path, and a profile."""
    from search.searcher import Searcher

    searcher = Searcher(root)
    classes = by_class(queries)
    totals = {q.q + "|" + q.query_class: searcher.search(request_for(q)).total for q in queries}  # warm-up
    method = forget_results(searcher)
    vary_pages = method.startswith("none")
    results = {}
    for name, members in classes.items():
        actions = [_uncached(searcher, q, i, vary_pages) for i, q in enumerate(members * reps)]
        samples = repeat(actions, reps, budget_s)
        results[name] = summary_ms(samples) | {"total": [totals[q.q + "|" + name] for q in members]}
    return {
        "classes": results,
        "cache_bypass": method,
        "cached": _cached_path(searcher, queries[0]),
        "peak_rss_mb": peak_rss_mb(),
        "generation": getattr(searcher, "generation", None) and str(searcher.generation),
    }


def _uncached(searcher, query: BenchQuery, i: int, vary_pages: bool):
    page = 1 + i % 5 if vary_pages else 1

    def action():
        if not vary_pages:
            forget_results(searcher)
        return searcher.search(request_for(query, page))
    return action


def _cached_path(searcher, query: BenchQuery, reps: int = 50) -> dict:
    """A saved query reloaded: the same request over and over."""
    request = request_for(query)
    searcher.search(request)
    samples = [timed(lambda: searcher.search(request))[0] for _ in range(reps)]
    return summary_ms(samples) | {"query": query.q, "class": query.query_class}


def profile_class(root: Path, queries: list[BenchQuery], rounds: int = 3, top: int = 15) -> str:
    """cProfile of one query class's searches (cache emptied each time), top functions by cumulative time."""
    from search.searcher import Searcher

    searcher = Searcher(root)
    for query in queries:
        searcher.search(request_for(query))
    profiler = cProfile.Profile()
    for _ in range(rounds):
        for query in queries:
            forget_results(searcher)
            request = request_for(query)
            profiler.runcall(searcher.search, request)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return _trim_profile(out.getvalue())


def _trim_profile(text: str) -> str:
    lines = text.strip().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    header = [line for line in lines[:start] if "function calls" in line]
    return "\n".join(header + lines[start:]).replace(str(Path.cwd()) + "/", "")
