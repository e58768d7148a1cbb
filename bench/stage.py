"""One measured stage in its own process, so its peak memory is its own: `python -m bench.stage NAME ...`.

Prints one JSON object as the last line of stdout; `bench.run` starts these with a timeout.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dataclasses import replace

from bench import engine, http_load, peer
from bench.generate import read_jsonl, write_jsonl
from bench.queries import by_class, query_mix

REPO = Path(__file__).resolve().parent.parent
LOAD_COLLECTIONS = 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stage")
    parser.add_argument("name", choices=sorted(STAGES))
    parser.add_argument("--docs", type=Path, help="documents.jsonl of the scaled corpus")
    parser.add_argument("--corpus", type=Path, help="corpus root holding that documents.jsonl's collection")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers for http (0: as configured)")
    parser.add_argument("--target", type=Path, required=True, help="index root or FTS5 database")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query class or load phase")
    parser.add_argument("--query-class", default="")
    args = parser.parse_args(argv)
    outcome = STAGES[args.name](args)
    print(json.dumps(outcome, ensure_ascii=False))
    return 0


def _kw_reindex(args) -> dict:
    return engine.reindex(args.corpus, args.docs, args.target)


def _kw_search(args) -> dict:
    return engine.search_latency(args.target, query_mix(), args.reps, args.budget)


def _kw_profile(args) -> dict:
    members = by_class(query_mix())[args.query_class]
    return {"class": args.query_class, "profile": engine.profile_class(args.target, members)}


def _kw_load(args) -> dict:
    """`load_corpus` of the scaled corpus written as an archivist would (a manifest and a documents.jsonl per
    collection), in LOAD_COLLECTIONS collections so that version linking compares across collections."""
    import shutil
    import time

    from corpus.check import check_corpus
    from corpus.loader import load_corpus
    from corpus.versions import link_versions

    documents = read_jsonl(args.docs)
    shutil.rmtree(args.target, ignore_errors=True)
    for slot in range(LOAD_COLLECTIONS):
        slug = f"bench-{slot + 1}"
        folder = args.target / slug
        folder.mkdir(parents=True)
        (folder / "collection.toml").write_text(f'slug = "{slug}"\ntitle = "Bench {slot + 1}"\ncitation = "bench"\n',
                                                encoding="utf-8")
        write_jsonl([replace(doc, id="", collection="") for doc in documents[slot::LOAD_COLLECTIONS]],
                    folder / "documents.jsonl")
    started = time.perf_counter()
    corpus = load_corpus(args.target)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    check_corpus(corpus)
    check_s = load_s + time.perf_counter() - started  # `corpus check` is a load and these rules
    started = time.perf_counter()
    link_versions(corpus.documents)
    return {"documents": len(corpus.documents), "collections": LOAD_COLLECTIONS, "load_s": round(load_s, 2),
            "check_s": round(check_s, 2), "link_versions_s": round(time.perf_counter() - started, 2),
            "problems": len(corpus.problems)}


def _fts_reindex(args) -> dict:
    return peer.reindex(read_jsonl(args.docs), args.target)


def _fts_search(args) -> dict:
    return peer.search_latency(args.target, query_mix(), args.reps, args.budget)


def _tv_reindex(args) -> dict:
    return peer.tantivy_reindex(args.docs, args.target)


def _tv_search(args) -> dict:
    return peer.tantivy_search_latency(args.target, query_mix(), args.reps, args.budget)


def _http(args) -> dict:
    return http_load.measure(REPO, args.target, query_mix(), requests=args.reps, budget_s=args.budget,
                             workers=args.workers or None)


STAGES = {
    "kw-reindex": _kw_reindex,
    "kw-load": _kw_load,
    "kw-search": _kw_search,
    "kw-profile": _kw_profile,
    "fts-reindex": _fts_reindex,
    "fts-search": _fts_search,
    "tv-reindex": _tv_reindex,
    "tv-search": _tv_search,
    "http": _http,
}

if __name__ == "__main__":
    sys.exit(main())
