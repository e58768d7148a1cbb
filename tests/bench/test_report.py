"""The report says "not measured" for a missing stage instead of failing, and its numbers are percentiles."""
from __future__ import annotations

import json

from bench.measure import percentile, summary_ms
from bench.report import machine, markdown, ratios, write_results


def test_percentiles_are_nearest_rank():
    samples = list(range(1, 101))
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile([7.0], 99) == 7.0
    assert summary_ms([0.001, 0.002, 0.003])["p50"] == 2.0


def test_ratio_is_kwarchive_over_fts5():
    ours = {"classes": {"word/plain": {"p50": 10.0, "p95": 30.0}}}
    theirs = {"classes": {"word/plain": {"p50": 5.0, "p95": 10.0}}}
    assert ratios(ours, theirs) == {"word/plain": {"p50": 2.0, "p95": 3.0}}
    assert ratios({"not_measured": "no index"}, theirs) == {}


def test_missing_stages_are_reported_not_raised(tmp_path):
    missing = {"not_measured": "No module named 'search.searcher'"}
    fts = {"classes": {"word/plain": {"n": 3, "p50": 1.0, "p95": 2.0, "p99": 2.0, "mean": 1.3, "total": [4]}},
           "peak_rss_mb": 40.0, "sqlite": "3.40.1"}
    build = {"full_s": 0.5, "docs_per_s": 2000.0, "incremental_s": 0.01, "index_mb": 3.0, "documents": 1000,
             "peak_rss_mb": 50.0}
    results = {"machine": machine(), "command": "python -m bench.run --quick", "seed": 0, "mode": "quick",
               "seconds": 1.0, "sizes": [{"documents": 1000, "kwarchive_build": missing, "fts5_build": build,
                                          "fts5_search": fts, "kwarchive_search": missing, "profile": missing,
                                          "http": missing, "ratios": {}},
                                         {"documents": 10, "not_measured": "corpus generation failed"}]}
    write_results(results, tmp_path)
    text = (tmp_path / "latest.md").read_text()
    assert "not measured: No module named 'search.searcher'" in text
    assert "| word/plain | – | – | 1.0 | 2.0 |" in text
    assert json.loads((tmp_path / "latest.json").read_text())["sizes"][0]["fts5_build"]["full_s"] == 0.5
    assert markdown(results).count("not measured") >= 4


def test_a_run_stopped_part_way_says_so():
    results = {"machine": machine(), "command": "python -m bench.run", "seed": 0, "mode": "full", "seconds": 1.0,
               "sizes": [{"documents": 10, "not_measured": "corpus generation failed"}], "unfinished": ["100,000"]}
    assert "**Partial run**: stopped before 100,000 documents." in markdown(results)
    del results["unfinished"]
    assert "Partial run" not in markdown(results)
