"""The streaming build runs in bounded memory: a subprocess limited (RLIMIT_DATA) to what it holds after start-up
plus HEADROOM indexes a corpus that a build of the corpus held in memory cannot index under that limit."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from soak.reindex import REPO_ROOT

HEADROOM_MB = 56
DOCUMENTS, WORDS, SHARD = 600, 1000, 50  # ~6 MB of text, 600,000 postings: the in-memory build needs ~100 MB more

CHILD = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from corpus.loader import load_corpus
from corpus.shards import plan_shards
from index.build import build_full, build_streaming

mode, corpus, warm, index = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
build_streaming(plan_shards(warm, 1), index / "warm")  # every module imported, the analyzer built once
build_full(load_corpus(warm), index / "warm-memory")
data = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmData:")) * 1024
limit = data + int(sys.argv[6]) * 2**20
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
if mode == "streaming":
    summary = build_streaming(plan_shards(corpus, int(sys.argv[7])), index / "built")
else:
    summary = build_full(load_corpus(corpus), index / "built")
print("built", summary.documents, flush=True)
"""


def write_corpus(root, documents: int, words: int):
    """One collection of `documents` records of `words` words each, drawn from a fixed vocabulary."""
    rng = random.Random(16)
    vocabulary = [f"{a}{b}{c}{d}" for a in "bcdfghklmnprstvz" for b in "aeiou" for c in ("n", "r", "s", "t", "ng")
                  for d in ("", "a", "ov", "ik")]
    folder = root / "telegrams"
    folder.mkdir(parents=True)
    (folder / "collection.toml").write_text('slug = "telegrams"\ntitle = "Telegrams"\ncitation = "tests"\n'
                                            'language = "en"\n', encoding="utf-8")
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as out:
        for n in range(1, documents + 1):
            day = f"1951-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            out.write(json.dumps({"number": str(n), "title": f"Telegram {n}", "doc_type": "telegram",
                                  "date": {"start": day, "end": day, "label": day, "precision": "day"},
                                  "body": " ".join(rng.choices(vocabulary, k=words)), "language": "en"}) + "\n")
    return root


def build_under_limit(mode: str, corpus, warm, index) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(REPO_ROOT), mode, str(corpus), str(warm), str(index),
                           str(HEADROOM_MB), str(SHARD)], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_streaming_build_fits_where_the_build_in_memory_does_not(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", DOCUMENTS, WORDS)
    warm = write_corpus(tmp_path / "warm", 2, 10)
    streaming = build_under_limit("streaming", corpus, warm, tmp_path / "streaming")
    assert streaming.returncode == 0 and f"built {DOCUMENTS}" in streaming.stdout, streaming.stderr[-3000:]
    in_memory = build_under_limit("memory", corpus, warm, tmp_path / "memory")
    assert in_memory.returncode != 0, "the build of the corpus in memory fit the limit: the test shows nothing"
    assert "MemoryError" in in_memory.stderr or in_memory.returncode < 0, in_memory.stderr[-3000:]
