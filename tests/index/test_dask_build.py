"""The reindex on a real Dask cluster (a `dask scheduler` and `dask worker` processes on loopback, the shared
`dask_cluster`): it builds what an in-process build builds, so does an incremental reindex on it, and a worker
SIGKILLed mid-build costs only a retry."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from corpus.shards import BUNDLED_ROOT, plan_shards
from index.build import build_streaming
from index import integrity
from index.columns import load_columns
from index.generations import live_generation, open_live_index
from search.request import SearchRequest
from search.searcher import Searcher
from soak.corpora import write_small_corpus
from soak.reindex import REPO_ROOT, reindex_argv

QUERIES = ["stalin", "armistice negotiations", '"air force"', "Kim Il Sung", "Mao", "prisoners of war",
           "sender:stalin", "Kaesong OR Panmunjom"]


def reindex(index, corpus, *extra, timeout=240):
    done = subprocess.run(reindex_argv(index, corpus) + list(extra), cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def answers(root):
    searcher = Searcher(root)
    found = {}
    for q in QUERIES:
        result = searcher.search(SearchRequest(q=q))
        found[q] = (result.total, result.total_documents, [(hit.id, round(hit.score, 6)) for hit in result.hits])
    return found


def documents(root):
    columns = load_columns(live_generation(root).path)
    return sorted((doc_id, h) for doc_id, h in zip(columns.ids, columns.content_hashes) if doc_id)


@pytest.mark.slow
def test_a_build_on_a_dask_cluster_equals_a_build_in_process(dask_cluster, tmp_path):
    output = reindex(tmp_path / "dask", BUNDLED_ROOT, "--scheduler", dask_cluster.address)
    assert f"(scheduler {dask_cluster.address})" in output
    build_streaming(plan_shards(BUNDLED_ROOT), tmp_path / "here")  # in this process
    assert documents(tmp_path / "dask") == documents(tmp_path / "here")
    assert len(documents(tmp_path / "dask")) > 200
    dask, here = answers(tmp_path / "dask"), answers(tmp_path / "here")
    assert dask == here
    assert all(total for total, _documents, _hits in dask.values())
    assert live_generation(tmp_path / "dask").meta["corpus_hash"] == live_generation(tmp_path / "here").meta[
        "corpus_hash"]


@pytest.mark.slow
def test_a_worker_killed_mid_build_has_its_shards_run_again(dask_cluster, tmp_path):
    from distributed import Client

    corpus, index = write_small_corpus(tmp_path / "corpus", 400), tmp_path / "index"
    dask_cluster.add_worker("victim")
    victim = dask_cluster.worker_address("victim")
    # Shards of 5 records: 80 index tasks, so the build is still writing segments when the victim is killed.
    child = subprocess.Popen(reindex_argv(index, corpus) + ["--scheduler", dask_cluster.address, "--shard-size", "5"],
                             cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with Client(dask_cluster.address) as watcher:
            deadline = time.monotonic() + 120
            while not any(key.startswith("index_shard") for key in watcher.processing([victim]).get(victim, ())):
                assert child.poll() is None and time.monotonic() < deadline, "the victim never indexed a shard"
                time.sleep(0.01)
        dask_cluster.kill("victim")
        output, _ = child.communicate(timeout=240)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, output
    assert "400 documents" in output and "generation 1" in output
    generation = live_generation(index)
    assert len(documents(index)) == 400
    # No file of a segment the victim left unfinished is in the generation, and every file checks out.
    with open_live_index(index).reader() as reader:
        committed = {leaf.segment().segid for leaf, _offset in reader.leaf_readers()}
    assert {p.name.split(".")[0].removeprefix("MAIN_") for p in generation.path.glob("MAIN_*")} == committed
    verify = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "index", "verify",
                             "--index", str(index)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    later = reindex(index, corpus, "--scheduler", dask_cluster.address, "--shard-size", "100")
    assert "400 documents" in later and "generation 2" in later


@pytest.mark.slow
def test_an_incremental_reindex_on_a_dask_cluster_equals_a_full_build_in_process(dask_cluster, tmp_path):
    corpus, index = write_small_corpus(tmp_path / "corpus", 60), tmp_path / "dask"
    on_dask = ("--scheduler", dask_cluster.address, "--shard-size", "20")
    reindex(index, corpus, *on_dask)
    path = corpus / "small" / "documents.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[6]["body"] = "A corrected telegram about the prisoners at Kaesong."  # record 7 edited
    added = dict(records[0], number="61", title="Telegram 61", body="A new telegram about the prisoners.")
    records = [r for r in records if r["number"] != "30"] + [added]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    output = reindex(index, corpus, "--incremental", *on_dask)
    assert "incremental reindex: 60 documents" in output and "(1 added, 1 updated, 1 deleted)" in output
    assert f"(scheduler {dask_cluster.address})" in output
    build_streaming(plan_shards(corpus, 20), tmp_path / "here")  # in this process, in full
    assert documents(index) == documents(tmp_path / "here")
    searchers = Searcher(index), Searcher(tmp_path / "here")
    try:
        for q in ("prisoners", "Kaesong", "armistice talks", "number 30", "telegram"):
            dask, here = (s.search(SearchRequest.from_args({"q": [q], "per_page": ["100"]})) for s in searchers)
            assert (dask.total, sorted(h.id for h in dask.hits)) == (here.total, sorted(h.id for h in here.hits)), q
        assert searchers[0].search(SearchRequest(q="prisoners")).total == 2
    finally:
        for searcher in searchers:
            searcher.close()
