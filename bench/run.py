"""`make bench`: the whole benchmark, unattended, per corpus size; results to bench/results/latest.{md,json}.

    .venv/bin/python -m bench.run [--quick] [--sizes 1000,10000] [--seed 0]

Per size: the scaled corpus is streamed to disk as a collection (and reused by later runs), kwarchive builds it
through `kwarchive reindex`, SQLite FTS5 and tantivy build the same records, and each engine answers the same
query mix in process; kwarchive is also measured over HTTP. Each measured stage runs in its own process with a
timeout; a stage that fails or does not exist yet is recorded as "not measured" with its reason, and the rest
of the run goes on. Above LARGE documents (`make bench SCALE=1000000`) the stages that hold every record in
memory (FTS5's build, the split-collection load) are left out and gunicorn runs its configured workers.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.report import machine, ratios, write_results
from bench.stage import REPO

SCRATCH = REPO / "bench" / "scratch"
RESULTS = REPO / "bench" / "results"
FULL_SIZES = (1_000, 10_000, 100_000)
DASK_FROM = 10_000  # documents: 1 vs 2 Dask workers from this size (below it, cluster start-up dominates)
QUICK_SIZES = (1_000, 10_000)
LARGE = 100_000
HTTP_WORKERS = 2  # up to LARGE, as earlier runs measured; above it, as web/gunicorn_conf.py configures
SLOWEST_BUILD_DOCS_PER_S = 50  # a stage's timeout grows with the corpus: n / this, at least the setting's
CORPUS_STAMP = "bench-corpus.json"
ENGINES = ("kwarchive", "fts5", "tantivy")


@dataclass(frozen=True)
class Settings:
    reps: int  # searches per query class
    budget_s: float  # per query class, and per HTTP phase
    http_requests: int  # per concurrency level
    stage_timeout_s: float


QUICK = Settings(reps=20, budget_s=15, http_requests=150, stage_timeout_s=1800)
FULL = Settings(reps=30, budget_s=30, http_requests=300, stage_timeout_s=3600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 documents, fewer repetitions")
    parser.add_argument("--sizes", help="comma-separated document counts, e.g. 1000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--note", default="", help="said in the report, e.g. what else loaded the machine")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated engines to measure, of {', '.join(ENGINES)} (default: all)")
    parser.add_argument("--reuse-build", action="store_true",
                        help="take kwarchive's build from the last run's kw-reindex.log at each size instead of "
                             "building again (its index must still be there)")
    args = parser.parse_args(argv)
    engines = set(args.engines.split(","))
    if engines - set(ENGINES):
        parser.error(f"unknown engine(s): {', '.join(sorted(engines - set(ENGINES)))}")
    settings = QUICK if args.quick else FULL
    sizes = _sizes(args.sizes) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    started = time.perf_counter()
    results = {
        "machine": machine(),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed,
        "mode": "quick" if args.quick else "full",
        "settings": asdict(settings),
        "note": args.note,
        "engines": sorted(engines),
        "sizes": [],
    }
    for i, n in enumerate(sizes):
        _say(f"== {n:,} documents")
        results["sizes"].append(bench_size(n, args.seed, settings, engines, args.reuse_build))
        results["seconds"] = round(time.perf_counter() - started, 1)
        # Written after every size, so a run stopped part way keeps what it measured and says it is partial.
        results["unfinished"] = [f"{m:,}" for m in sizes[i + 1:]]
        write_results(results, args.out)
    _say(f"wrote {args.out / 'latest.md'} and latest.json in {results['seconds']} s")
    return 0


def bench_size(n: int, seed: int, settings: Settings, engines=frozenset(ENGINES), reuse_build: bool = False) -> dict:
    folder = SCRATCH / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    outcome: dict = {"documents": n}
    try:
        corpus = ensure_corpus(n, seed, folder / "corpus")
    except Exception as exc:  # the corpus stage itself may be unfinished: report, don't crash
        outcome["not_measured"] = f"corpus generation failed: {type(exc).__name__}: {exc}"
        return outcome
    outcome |= {"generate_s": corpus["generate_s"], "mean_body_chars": corpus["mean_body_chars"]}
    docs_path, corpus_root = Path(corpus["path"]), folder / "corpus"
    kw_root, fts_path, tv_path = folder / "kwarchive", folder / "fts5.sqlite", folder / "tantivy"
    large = n > LARGE
    run = _runner(folder, replace(settings, stage_timeout_s=max(settings.stage_timeout_s,
                                                                n / SLOWEST_BUILD_DOCS_PER_S)))
    skipped = {"not_measured": f"holds every record in memory: left out above {LARGE:,} documents"}
    left_out = {"not_measured": "engine left out of this run (--engines)"}
    kw, fts, tv = ("kwarchive" in engines), ("fts5" in engines), ("tantivy" in engines)
    outcome["corpus_load"] = left_out if not kw else skipped if large else run("kw-load", folder / "split",
                                                                                   docs=docs_path)
    if not kw:
        outcome["kwarchive_build"] = left_out
    elif reuse_build:
        outcome["kwarchive_build"] = _last_outcome(folder / "kw-reindex.log", kw_root)
    else:
        shutil.rmtree(kw_root, ignore_errors=True)
        outcome["kwarchive_build"] = run("kw-reindex", kw_root, docs=docs_path, corpus=corpus_root)
    outcome["fts5_build"] = left_out if not fts else skipped if large else run("fts-reindex", fts_path,
                                                                                 docs=docs_path)
    if tv:
        shutil.rmtree(tv_path, ignore_errors=True)
    outcome["tantivy_build"] = run("tv-reindex", tv_path, docs=docs_path) if tv else left_out
    outcome["fts5_search"] = _after(outcome["fts5_build"], lambda: run("fts-search", fts_path))
    outcome["tantivy_search"] = _after(outcome["tantivy_build"], lambda: run("tv-search", tv_path))
    if kw and DASK_FROM <= n <= LARGE:
        _say("   dask-scaling …")
        outcome["dask_scaling"] = _run_stage([sys.executable, "-m", "bench.dask_scaling", str(corpus_root),
                                              str(folder / "dask")], folder / "dask-scaling.log",
                                             4 * settings.stage_timeout_s)
    outcome["kwarchive_search"] = _after(outcome["kwarchive_build"], lambda: run("kw-search", kw_root))
    outcome["profile"] = _after(outcome["kwarchive_search"], lambda: run(
        "kw-profile", kw_root, query_class=slowest_class(outcome["kwarchive_search"])))
    outcome["http"] = _after(outcome["kwarchive_build"], lambda: run(
        "http", kw_root, http=True, workers=0 if large else HTTP_WORKERS))
    outcome["ratios"] = ratios(outcome.get("kwarchive_search", {}), outcome.get("fts5_search", {}))
    outcome["ratios_tantivy"] = ratios(outcome.get("kwarchive_search", {}), outcome.get("tantivy_search", {}))
    return outcome


def ensure_corpus(n: int, seed: int, root: Path) -> dict:
    """The scaled corpus on disk, streamed out once and reused while its stamp says it is complete and the same."""
    from bench.generate import write_corpus

    stamp = root / CORPUS_STAMP
    try:
        known = json.loads(stamp.read_text(encoding="utf-8"))
        if known["documents"] == n and known["seed"] == seed and Path(known["path"]).is_file():
            return known
    except (OSError, ValueError, KeyError):
        pass
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    written = write_corpus(n, root, seed)
    made = {"documents": written.documents, "seed": seed, "path": str(written.path),
            "mean_body_chars": written.mean_body_chars, "generate_s": round(time.perf_counter() - started, 2)}
    stamp.write_text(json.dumps(made), encoding="utf-8")
    return made


def _last_outcome(log: Path, index: Path) -> dict:
    """The kw-reindex outcome an earlier run wrote (`--reuse-build`), or why there is none."""
    try:
        text = log.read_text(encoding="utf-8").split("\n--- stderr ---\n")[0].strip()
        outcome = json.loads(text.splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {"not_measured": f"--reuse-build: no finished build recorded in {log.relative_to(REPO)}"}
    if not (index / "CURRENT").is_file():
        return {"not_measured": f"--reuse-build: the index it built is gone ({index.relative_to(REPO)})"}
    return outcome | {"reused": str(log.relative_to(REPO))}


def slowest_class(search: dict) -> str:
    classes = search["classes"]
    return max(classes, key=lambda name: classes[name]["p50"])


def _after(prerequisite: dict, action) -> dict:
    if "not_measured" in prerequisite:
        return {"not_measured": "needs the stage before it: " + prerequisite["not_measured"]}
    return action()


def _runner(folder: Path, settings: Settings):
    def run(name: str, target: Path, docs: Path | None = None, query_class: str = "", http: bool = False,
            corpus: Path | None = None, workers: int | None = None) -> dict:
        command = [sys.executable, "-m", "bench.stage", name, "--target", str(target)]
        if docs:
            command += ["--docs", str(docs)]
        if corpus:
            command += ["--corpus", str(corpus)]
        if query_class:
            command += ["--query-class", query_class]
        if workers is not None:
            command += ["--workers", str(workers)]
        reps = settings.http_requests if http else settings.reps
        command += ["--reps", str(reps), "--budget", str(settings.budget_s)]
        _say(f"   {name} …")
        return _run_stage(command, folder / f"{name}.log", settings.stage_timeout_s)
    return run


def _run_stage(command: list[str], log: Path, timeout_s: float) -> dict:
    """One stage in its own process group, so that a timeout ends the stage and whatever it started (a reindex
    command and its workers, gunicorn) rather than leaving them running."""
    started = time.perf_counter()
    stage = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        stdout, stderr = stage.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(stage.pid, signal.SIGKILL)
        stage.communicate()
        return {"not_measured": f"timed out after {timeout_s:.0f} s"}
    log.write_text(stdout + "\n--- stderr ---\n" + stderr, encoding="utf-8")
    lines = stdout.strip().splitlines()
    if stage.returncode != 0 or not lines:
        reason = (stderr.strip().splitlines() or ["no output"])[-1]
        return {"not_measured": f"{reason} (exit {stage.returncode}; log {log.relative_to(REPO)})"}
    outcome = json.loads(lines[-1])
    outcome["stage_wall_s"] = round(time.perf_counter() - started, 1)
    return outcome


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
