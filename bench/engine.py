"""kwarchive under measurement: full and incremental reindex, and searches in process through `Searcher`.

The reindex runs as an archivist runs it, `kwarchive reindex --corpus DIR --index DIR` in its own process, with
the memory of that process and every worker it starts polled together (`bench.memory.TreePeak`).

Imports of `index` and `search` happen inside the functions, so a stage that does not exist yet is reported as
"not measured" by the caller instead of breaking the whole benchmark.
"""
from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bench.generate import changed_copy
from bench.measure import peak_rss_mb, repeat, summary_ms, timed
from bench.memory import TreePeak
from bench.queries import BenchQuery, by_class
from corpus.model import Document

# The CLI's closing line: "full reindex: 100000 documents in 412.3 s, 2718.0 MB, generation 1 (...)".
_SUMMARY = re.compile(r"(full|incremental) reindex: (\d+) documents in ([\d.]+) s, ([\d.]+) MB")
INCREMENTAL_AT_LEAST_S = 300


def reindex(corpus_root: Path, docs_path: Path, root: Path) -> dict:
    """`kwarchive reindex` of the corpus, then `--incremental` with the middle record of `docs_path` changed
    (and changed back afterwards); the build's own seconds, the whole command's, and the tree's peak memory.

    An incremental run that fails, or takes longer than the full build did (at least INCREMENTAL_AT_LEAST_S), is
    reported as such and keeps the full build's numbers."""
    full = run_reindex(corpus_root, root)
    step = {"build_s": None, "wall_s": None, "tree_peak_pss_mb": None}
    try:
        with edited_record(docs_path):
            step = run_reindex(corpus_root, root, "--incremental",
                               timeout_s=max(INCREMENTAL_AT_LEAST_S, full["wall_s"]))
    except RuntimeError as exc:
        step |= {"mode": f"failed: {exc}"}
    build_s = full["build_s"] or full["wall_s"]
    return {
        "full_s": build_s,
        "wall_s": full["wall_s"],
        "docs_per_s": round(full["documents"] / build_s, 1) if full["documents"] and build_s else None,
        "incremental_s": step["build_s"],
        "incremental_wall_s": step["wall_s"],
        "incremental_mode": step["mode"],
        "index_mb": live_index_mb(root),
        "documents": full["documents"],
        "peak_rss_mb": full["tree_peak_rss_mb"],
        "tree_peak_rss_mb": full["tree_peak_rss_mb"],
        "tree_peak_pss_mb": full["tree_peak_pss_mb"],
        "tree_processes": full["tree_processes"],
        "incremental_tree_peak_pss_mb": step["tree_peak_pss_mb"],
    }


def run_reindex(corpus_root: Path, root: Path, *extra: str, timeout_s: float | None = None) -> dict:
    """One `kwarchive reindex` run under a process-tree memory poll; fails loudly when the command does, or
    runs longer than `timeout_s` (it is killed then; the workers of its local cluster exit with it)."""
    command = [str(Path(sys.executable).with_name("kwarchive")), "reindex", "--corpus", str(corpus_root),
               "--index", str(root), *extra]
    log = root.parent / f"reindex{'-'.join(['', *(e.strip('-') for e in extra)])}.log"
    root.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        with TreePeak(process.pid) as peak:
            try:
                status = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise RuntimeError(f"kwarchive reindex {' '.join(extra)} took longer than {timeout_s:.0f} s "
                                   f"(log {log})") from None
    wall_s = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if status != 0:
        raise RuntimeError(f"kwarchive reindex exited {status}: {text.strip().splitlines()[-1:]} (log {log})")
    found = _SUMMARY.findall(text)
    mode, documents, build_s, _ = found[-1] if found else ("", "0", "0", "0")
    return {"mode": mode, "documents": int(documents), "build_s": float(build_s) or None,
            "wall_s": round(wall_s, 2), "tree_peak_rss_mb": peak.peak_rss_mb, "tree_peak_pss_mb": peak.peak_pss_mb,
            "tree_processes": peak.peak.processes}


@contextmanager
def edited_record(docs_path: Path) -> Iterator[Document]:
    """The middle record of a documents file given an archivist's correction for the duration, then restored;
    the file is rewritten line by line, never read whole."""
    with docs_path.open("rb") as counted:
        lines = sum(1 for _ in counted)
    saved = docs_path.with_suffix(".orig")
    docs_path.replace(saved)
    try:
        edited = None
        with saved.open(encoding="utf-8") as source, docs_path.open("w", encoding="utf-8") as out:
            for i, line in enumerate(source):
                if i == lines // 2:
                    edited = changed_copy(Document.from_dict(json.loads(line)))
                    line = json.dumps(edited.to_dict(), ensure_ascii=False) + "\n"
                out.write(line)
        yield edited
    finally:
        saved.replace(docs_path)


def live_index_mb(root: Path) -> float | None:
    from index.generations import directory_size, live_generation

    live = live_generation(root)
    return round(directory_size(live.path) / 2**20, 2) if live else None


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
