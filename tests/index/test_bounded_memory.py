"""The streaming build runs in bounded memory: a subprocess limited (RLIMIT_DATA) to what it holds after start-up
plus HEADROOM indexes a corpus that a build of the corpus held in memory cannot index under that limit; and an
incremental reindex (with --if-stale's check) of a large corpus fits where one that loads the corpus does not."""
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


def write_corpus(root, documents: int, words: int, letters: int = 0):
    """One collection of `documents` records of `words` words each, drawn from a fixed vocabulary (of 400 words
    of `letters` letters each when given: much text, but few words to analyse and index)."""
    rng = random.Random(16)
    vocabulary = [f"{a}{b}{c}{d}" for a in "bcdfghklmnprstvz" for b in "aeiou" for c in ("n", "r", "s", "t", "ng")
                  for d in ("", "a", "ov", "ik")]
    if letters:
        vocabulary = ["".join(rng.choices("bcdfghklmnprstvz", k=letters)) for _ in range(400)]
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


UPDATE_HEADROOM_MB = 48  # at this size the streaming update needed 24-32 MB over its warm start, the other 64+
# ~50 MB of text in words of 200 letters (few to analyse: the full build that sets the test up stays quick);
# the update that loads the corpus holds all of it
UPDATE_DOCUMENTS, UPDATE_WORDS, UPDATE_LETTERS, UPDATE_SHARD = 6000, 40, 200, 2000

UPDATE_CHILD = """
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from corpus.loader import load_corpus
from corpus.shards import plan_shards
from index.build import build_incremental, build_streaming

mode, corpus, warm, index, shard = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]), int(sys.argv[7])
# every module imported and the analyzer built once, by both kinds of update of a small index
build_streaming(plan_shards(warm, 1), index / "warm")
path = warm / "telegrams" / "documents.jsonl"
path.write_text(path.read_text().replace("Telegram 1", "Telegram one"))
build_streaming(plan_shards(warm, 1), index / "warm", incremental=True, if_stale=True)
build_incremental(load_corpus(warm), index / "warm")
data = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmData:")) * 1024
limit = data + int(sys.argv[6]) * 2**20
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
if mode == "streaming":
    summary = build_streaming(plan_shards(corpus, shard), index / "built", incremental=True, if_stale=True)
else:
    summary = build_incremental(load_corpus(corpus), index / "built")
print("updated", summary.mode, summary.updated, flush=True)
"""


def update_under_limit(mode: str, corpus, warm, index) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", UPDATE_CHILD, str(REPO_ROOT), mode, str(corpus), str(warm),
                           str(index), str(UPDATE_HEADROOM_MB), str(UPDATE_SHARD)], capture_output=True, text=True,
                          timeout=900)


@pytest.mark.slow
def test_an_incremental_reindex_fits_where_one_that_loads_the_corpus_does_not(tmp_path):
    from corpus.shards import plan_shards
    from index.build import build_streaming

    corpus = write_corpus(tmp_path / "corpus", UPDATE_DOCUMENTS, UPDATE_WORDS, UPDATE_LETTERS)
    for mode in ("streaming", "memory"):
        build_streaming(plan_shards(corpus, UPDATE_SHARD), tmp_path / mode / "built")
    path = corpus / "telegrams" / "documents.jsonl"
    path.write_text(path.read_text().replace('"title": "Telegram 7"', '"title": "Telegram 7, corrected"'))
    streaming = update_under_limit("streaming", corpus, write_corpus(tmp_path / "warm", 2, 10), tmp_path / "streaming")
    assert streaming.returncode == 0 and "updated incremental 1" in streaming.stdout, streaming.stderr[-3000:]
    in_memory = update_under_limit("memory", corpus, write_corpus(tmp_path / "warm-2", 2, 10), tmp_path / "memory")
    assert in_memory.returncode != 0, "the update that loads the corpus fit the limit: the test shows nothing"
    assert "MemoryError" in in_memory.stderr or in_memory.returncode < 0, in_memory.stderr[-3000:]
