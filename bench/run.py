"""`make bench`: the whole benchmark, unattended, per corpus size; results to bench/results/latest.{md,json}.

    .venv/bin/python -m bench.run [--quick] [--sizes 1000,10000] [--seed 0]

Each measured stage runs in its own process with a timeout; a stage that fails or does not exist yet is
recorded as "not measured" with its reason, and the rest of the run goes on.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.report import machine, ratios, write_results
from bench.stage import REPO

SCRATCH = REPO / "bench" / "scratch"
RESULTS = REPO / "bench" / "results"
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)


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
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    sizes = _sizes(args.sizes) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    started = time.perf_counter()
    runs = []
    for n in sizes:
        _say(f"== {n:,} documents")
        runs.append(bench_size(n, args.seed, settings))
    results = {
        "machine": machine(),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed,
        "mode": "quick" if args.quick else "full",
        "settings": asdict(settings),
        "seconds": round(time.perf_counter() - started, 1),
        "sizes": runs,
    }
    write_results(results, args.out)
    _say(f"wrote {args.out / 'latest.md'} and latest.json in {results['seconds']} s")
    return 0


def bench_size(n: int, seed: int, settings: Settings) -> dict:
    folder = SCRATCH / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    docs_path = folder / "documents.jsonl"
    outcome: dict = {"documents": n}
    try:
        from bench.generate import generate, write_jsonl

        started = time.perf_counter()
        documents = generate(n, seed)
        write_jsonl(documents, docs_path)
        outcome["generate_s"] = round(time.perf_counter() - started, 2)
        outcome["mean_body_chars"] = round(sum(len(doc.body) for doc in documents) / n)
        del documents
    except Exception as exc:  # the corpus stage itself may be unfinished: report, don't crash
        outcome["not_measured"] = f"corpus generation failed: {type(exc).__name__}: {exc}"
        return outcome
    kw_root, fts_path = folder / "kwarchive", folder / "fts5.sqlite"
    shutil.rmtree(kw_root, ignore_errors=True)
    run = _runner(folder, settings)
    outcome["corpus_load"] = run("kw-load", folder / "corpus", docs=docs_path)
    outcome["kwarchive_build"] = run("kw-reindex", kw_root, docs=docs_path)
    outcome["fts5_build"] = run("fts-reindex", fts_path, docs=docs_path)
    outcome["fts5_search"] = run("fts-search", fts_path)
    outcome["kwarchive_search"] = _after(outcome["kwarchive_build"], lambda: run("kw-search", kw_root))
    outcome["profile"] = _after(outcome["kwarchive_search"], lambda: run(
        "kw-profile", kw_root, query_class=slowest_class(outcome["kwarchive_search"])))
    outcome["http"] = _after(outcome["kwarchive_build"], lambda: run("http", kw_root, http=True))
    outcome["ratios"] = ratios(outcome.get("kwarchive_search", {}), outcome.get("fts5_search", {}))
    return outcome


def slowest_class(search: dict) -> str:
    classes = search["classes"]
    return max(classes, key=lambda name: classes[name]["p50"])


def _after(prerequisite: dict, action) -> dict:
    if "not_measured" in prerequisite:
        return {"not_measured": "needs the stage before it: " + prerequisite["not_measured"]}
    return action()


def _runner(folder: Path, settings: Settings):
    def run(name: str, target: Path, docs: Path | None = None, query_class: str = "", http: bool = False) -> dict:
        command = [sys.executable, "-m", "bench.stage", name, "--target", str(target)]
        if docs:
            command += ["--docs", str(docs)]
        if query_class:
            command += ["--query-class", query_class]
        reps = settings.http_requests if http else settings.reps
        command += ["--reps", str(reps), "--budget", str(settings.budget_s)]
        _say(f"   {name} …")
        return _run_stage(command, folder / f"{name}.log", settings.stage_timeout_s)
    return run


def _run_stage(command: list[str], log: Path, timeout_s: float) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"not_measured": f"timed out after {timeout_s:.0f} s"}
    log.write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"not_measured": f"{reason} (exit {done.returncode}; log {log.relative_to(REPO)})"}
    outcome = json.loads(lines[-1])
    outcome["stage_wall_s"] = round(time.perf_counter() - started, 1)
    return outcome


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
