"""Parsing speed of every bundled collection (`python -m bench.corpus_parse`, part of `make bench`): the
timing that once sat in a unit test. Exits 1 when a collection's median parse is over its budget."""
from __future__ import annotations

import sys

from bench.measure import repeat, summary_ms
from corpus.loader import MANIFEST, corpus_root
from corpus.manifest import load_manifest
from corpus.parsers import get_parser

BUDGET_MS = 2000.0  # per collection; the NKIDP reader, the largest, takes about 300 ms


def main() -> int:
    slow = []
    for folder in sorted(p for p in corpus_root(None).iterdir() if (p / MANIFEST).is_file()):
        manifest = load_manifest(folder / MANIFEST)
        if not manifest.parser:
            continue
        text = (folder / manifest.source).read_text(encoding="utf-8")
        parse = get_parser(manifest.parser)
        timing = summary_ms(repeat([lambda: parse(text, manifest)], reps=7, budget_s=10))
        print(f"parse {manifest.slug:<20} p50 {timing['p50']:8.1f} ms  p95 {timing['p95']:8.1f} ms")
        if timing["p50"] > BUDGET_MS:
            slow.append(manifest.slug)
    if slow:
        print(f"over {BUDGET_MS:.0f} ms: {', '.join(slow)}", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
