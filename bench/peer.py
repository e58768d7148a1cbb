"""SQLite FTS5 under measurement: build, one-record update, size, and per-class latency."""
from __future__ import annotations

from pathlib import Path

from bench import fts5
from bench.generate import changed_copy
from bench.measure import peak_rss_mb, repeat, summary_ms, timed, tree_size_mb
from bench.queries import BenchQuery, by_class
from corpus.authority import Authority
from corpus.model import Document


def reindex(documents: list[Document], path: Path) -> dict:
    full_s, _ = timed(lambda: fts5.build(documents, path))
    middle = documents[len(documents) // 2]
    update_s, _ = timed(lambda: fts5.update_one(path, changed_copy(middle)))
    return {
        "full_s": round(full_s, 3),
        "docs_per_s": round(len(documents) / full_s, 1),
        "incremental_s": round(update_s, 4),
        "index_mb": tree_size_mb(path),
        "documents": len(documents),
        "peak_rss_mb": peak_rss_mb(),
    }


def search_latency(path: Path, queries: list[BenchQuery], reps: int, budget_s: float) -> dict:
    searcher = fts5.FtsSearcher(path, Authority.load())
    try:
        totals = {q.q + "|" + q.query_class: searcher.search(q).total for q in queries}  # warm-up
        results = {}
        for name, members in by_class(queries).items():
            actions = [(lambda q=q: searcher.search(q)) for q in members]
            samples = repeat(actions, reps, budget_s)
            results[name] = summary_ms(samples) | {"total": [totals[q.q + "|" + name] for q in members]}
    finally:
        searcher.close()
    return {"classes": results, "peak_rss_mb": peak_rss_mb(), "sqlite": fts5.sqlite3.sqlite_version}
