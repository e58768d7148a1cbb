"""`make bench`'s Dask line: the same full `kwarchive reindex` on a local Dask cluster of 1 and of 2 workers,
same corpus and same shards, interleaved so that a machine shared with other work slows both alike; the build's
seconds, and the peak memory of the whole process tree (reindex plus workers).

    .venv/bin/python -m bench.dask_scaling CORPUS_ROOT WORKDIR [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from bench.engine import run_reindex

SHARDS = 8  # per build, for both sizes of cluster: a multiple of 1 and of 2


def measure(corpus_root: Path, workdir: Path, rounds: int = 2) -> dict:
    from corpus.shards import plan_shards

    records = plan_shards(corpus_root, 10**9).lines
    size = -(-records // SHARDS)
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for _round in range(rounds):
        for workers in (1, 2):
            index = workdir / f"index-{workers}"
            shutil.rmtree(index, ignore_errors=True)
            runs[workers].append(run_reindex(corpus_root, index, "--workers", str(workers),
                                             "--shard-size", str(size)))
    seconds = {w: statistics.median(run["build_s"] or run["wall_s"] for run in runs[w]) for w in runs}
    return {
        "documents": runs[2][0]["documents"],
        "shard_size": size,
        "rounds": rounds,
        "workers_1_s": round(seconds[1], 1),
        "workers_2_s": round(seconds[2], 1),
        "scaling": round(seconds[1] / seconds[2], 2),
        "docs_per_s_2_workers": round(runs[2][0]["documents"] / seconds[2]),
        "peak_tree_mb": {w: max(run["tree_peak_rss_mb"] for run in runs[w]) for w in runs},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dask_scaling", description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="corpus root (a collection folder with documents.jsonl)")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.corpus, args.workdir, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
