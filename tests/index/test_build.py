"""Builds into generations: incremental updates, the atomic switch, killed builds, the lock, status."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from whoosh import query

from index.build import build_full, build_incremental
from index.columns import load_columns
from index.errors import IndexUnavailable
from index.generations import CURRENT, ReindexLocked, build_lock, live_generation, open_live_index
from index.status import index_status, needs_build
from small_corpus import FixtureCorpus, changed, small_documents

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent


def search_ids(root, term, field="body"):
    with open_live_index(root).searcher() as searcher:
        return sorted(h["id"] for h in searcher.search(query.Term(field, term), limit=None))


def test_full_build_makes_a_live_generation(tmp_path):
    summary = build_full(FixtureCorpus(), tmp_path)
    assert (summary.documents, summary.generation, summary.mode) == (7, 1, "full")
    assert summary.size_bytes > 0
    assert (tmp_path / CURRENT).read_text().strip() == "gen-1"
    meta = live_generation(tmp_path).meta
    assert meta["documents"] == 7 and meta["corpus_hash"] == FixtureCorpus().corpus_hash()


def test_incremental_touches_only_changed_documents(tmp_path):
    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    before = live_generation(tmp_path)
    documents[0] = changed(documents[0], body="A new text about the armistice.")
    documents = [d for d in documents if d.id != "fx/6"] + [
        changed(documents[1], id="fx/8", number="8", body="Приложение: перемирие.")]
    touched = []
    summary = build_incremental(FixtureCorpus(documents), tmp_path, lambda done, total: touched.append(done))
    assert (summary.mode, summary.added, summary.updated, summary.deleted) == ("incremental", 1, 1, 1)
    assert len(touched) == 2 and summary.documents == 7 and summary.generation == 2
    assert search_ids(tmp_path, "armistice") == ["fx/1"]
    assert search_ids(tmp_path, "telegrams") == []
    assert search_ids(tmp_path, "peremiriye") == ["fx/8"]
    assert search_ids(tmp_path, "intercepted") == []
    after = live_generation(tmp_path)
    shared = [p.name for p in before.path.iterdir()
              if (after.path / p.name).exists() and os.path.samefile(p, after.path / p.name)]
    assert any(name.endswith(".seg") for name in shared)  # unchanged segments are linked, not rewritten
    columns = load_columns(after.path)
    assert sorted(i for i in columns.ids if i) == sorted(d.id for d in documents)
    assert build_incremental(FixtureCorpus(documents), tmp_path).mode == "unchanged"


def test_incremental_without_an_index_builds_in_full(tmp_path):
    assert build_incremental(FixtureCorpus(), tmp_path).mode == "full"


def test_a_reader_opened_before_a_reindex_keeps_working(tmp_path):
    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    old_searcher = open_live_index(tmp_path).searcher()
    documents[4] = changed(documents[4], body="Nothing about anyone.")
    build_full(FixtureCorpus(documents), tmp_path)
    try:
        assert sorted(h["id"] for h in old_searcher.search(query.Term("body", "shtikov"))) == ["fx/5"]
    finally:
        old_searcher.close()
    assert search_ids(tmp_path, "shtikov") == []
    assert live_generation(tmp_path).number == 2


def test_old_generations_are_cleaned_up(tmp_path):
    for _ in range(4):
        build_full(FixtureCorpus(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gen-")) == ["gen-3", "gen-4"]


def test_a_build_failing_midway_leaves_the_live_index(tmp_path):
    build_full(FixtureCorpus(), tmp_path)

    def explode(done, total):
        if done == 3:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        build_full(FixtureCorpus(), tmp_path, explode)
    assert live_generation(tmp_path).number == 1
    assert search_ids(tmp_path, "shtikov") == ["fx/5"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert build_full(FixtureCorpus(), tmp_path).generation == 2


# The child says when it is midway through writing documents, then waits there to be killed.
KILLABLE_BUILD = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{repo!r}, {tests!r}]
    from index.build import build_full
    from small_corpus import FixtureCorpus

    def midway(done, total):
        if done >= 2:
            print("midway", flush=True)
            time.sleep(600)

    build_full(FixtureCorpus(), {root!r}, midway)
""")


def test_a_build_killed_with_sigkill_leaves_the_live_index(tmp_path):
    build_full(FixtureCorpus(), tmp_path)
    script = KILLABLE_BUILD.format(repo=str(REPO), tests=str(TESTS), root=str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "midway"
    child.send_signal(signal.SIGKILL)
    child.stdout.close()
    child.wait()
    assert (tmp_path / "gen-2.tmp").exists()
    assert live_generation(tmp_path).number == 1 and search_ids(tmp_path, "shtikov") == ["fx/5"]
    assert build_full(FixtureCorpus(), tmp_path).generation == 2
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_second_reindex_is_refused_while_one_runs(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(ReindexLocked, match=rf"another reindex is running \(pid {os.getpid()}\)"):
            build_full(FixtureCorpus(), tmp_path)
    assert build_full(FixtureCorpus(), tmp_path).generation == 1


def test_status_reports_missing_fresh_stale_and_corrupt(tmp_path):
    missing = index_status(tmp_path, FixtureCorpus())
    assert not missing.usable and "no index" in missing.error and needs_build(missing)
    build_full(FixtureCorpus(), tmp_path)
    fresh = index_status(tmp_path, FixtureCorpus())
    assert fresh.usable and fresh.out_of_date is False and fresh.documents == 7 and not needs_build(fresh)
    documents = small_documents()
    documents[0] = changed(documents[0], title="Retitled")
    stale = index_status(tmp_path, FixtureCorpus(documents))
    assert stale.out_of_date is True and needs_build(stale)
    assert any("OUT OF DATE" in line for line in stale.lines())
    for segment in live_generation(tmp_path).path.glob("*.seg"):
        segment.unlink()
    corrupt = index_status(tmp_path, FixtureCorpus())
    assert not corrupt.usable and "is missing" in corrupt.error and "damaged" in corrupt.error


def test_a_dangling_pointer_is_reported(tmp_path):
    build_full(FixtureCorpus(), tmp_path)
    (tmp_path / CURRENT).write_text("gen-9\n")
    with pytest.raises(IndexUnavailable, match="gen-9"):
        open_live_index(tmp_path)
