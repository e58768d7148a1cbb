"""The peers under measurement, SQLite FTS5 and tantivy: build, one-record update, size, and per-class latency."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from bench import fts5, tantivy_engine
from bench.generate import changed_copy, iter_jsonl
from bench.measure import peak_rss_mb, repeat, summary_ms, timed, tree_size_mb
from bench.queries import BenchQuery, by_class
from corpus.authority import Authority
from corpus.model import Document


def reindex(documents: list[Document], path: Path) -> dict:
    """FTS5 from records in memory."""
    full_s, _ = timed(lambda: fts5.build(documents, path))
    middle = documents[len(documents) // 2]
    update_s, _ = timed(lambda: fts5.update_one(path, changed_copy(middle)))
    return _build_outcome(len(documents), full_s, update_s, path)


def tantivy_reindex(docs_path: Path, path: Path) -> dict:
    """tantivy from the records file as it is read: its build never holds the corpus."""
    full_s, count = timed(lambda: tantivy_engine.build(iter_jsonl(docs_path), path))
    middle = next(doc for i, doc in enumerate(iter_jsonl(docs_path)) if i == count // 2)
    update_s, _ = timed(lambda: tantivy_engine.update_one(path, changed_copy(middle)))
    return _build_outcome(count, full_s, update_s, path) | {"threads": os.cpu_count()}


def _build_outcome(count: int, full_s: float, update_s: float, path: Path) -> dict:
    return {
        "full_s": round(full_s, 3),
        "docs_per_s": round(count / full_s, 1),
        "incremental_s": round(update_s, 4),
        "index_mb": tree_size_mb(path),
        "documents": count,
        "peak_rss_mb": peak_rss_mb(),
    }


def search_latency(path: Path, queries: list[BenchQuery], reps: int, budget_s: float) -> dict:
    searcher = fts5.FtsSearcher(path, Authority.load())
    try:
        return _latency(searcher.search, queries, reps, budget_s) | {"sqlite": fts5.sqlite3.sqlite_version}
    finally:
        searcher.close()


def tantivy_search_latency(path: Path, queries: list[BenchQuery], reps: int, budget_s: float) -> dict:
    searcher = tantivy_engine.TantivySearcher(path, Authority.load())
    return _latency(searcher.search, queries, reps, budget_s) | {"tantivy": _tantivy_version()}


def _latency(search: Callable, queries: list[BenchQuery], reps: int, budget_s: float) -> dict:
    totals = {q.q + "|" + q.query_class: search(q).total for q in queries}  # warm-up
    results = {}
    for name, members in by_class(queries).items():
        actions = [(lambda q=q: search(q)) for q in members]
        samples = repeat(actions, reps, budget_s)
        results[name] = summary_ms(samples) | {"total": [totals[q.q + "|" + name] for q in members]}
    return {"classes": results, "peak_rss_mb": peak_rss_mb()}


def _tantivy_version() -> str:
    from importlib.metadata import version

    return version("tantivy")
