"""`kwarchive reindex` and `kwarchive index status` on a small jsonl collection, through click."""
import json
import os

import pytest
from click.testing import CliRunner

from index.cli import index_group, reindex
from index.generations import build_lock


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus" / "letters"
    folder.mkdir(parents=True)
    (folder / "collection.toml").write_text(
        'slug = "letters"\ntitle = "Letters"\ncitation = "Letters, a test collection"\nlanguage = "en"\n')
    records = [
        {"number": "1", "title": "Telegram from Filippov", "body": "Filippov asks about Ch'óngjin.",
         "date": {"start": "1950-07-05", "end": "1950-07-05", "label": "5 July 1950", "precision": "day"}},
        {"number": "2", "title": "Letter", "body": "Shtikov reports."},
    ]
    (folder / "documents.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return tmp_path / "corpus"


def run(command, *args):
    return CliRunner().invoke(command, [str(a) for a in args])


def test_reindex_status_and_if_stale(tmp_path, corpus_dir):
    index = tmp_path / "index"
    built = run(reindex, "--index", index, "--corpus", corpus_dir)
    assert built.exit_code == 0, built.output
    assert "full reindex: 2 documents" in built.output and "generation 1" in built.output
    # plain log lines when not on a terminal, each naming its pass, the last of each once
    assert built.output.count("read 2/2 shards, 2 documents (versions;") == 1
    assert built.output.count("indexed 2/2 documents") == 1
    fresh = run(reindex, "--if-stale", "--index", index, "--corpus", corpus_dir)
    assert "up to date" in fresh.output and "versions, hashes" in fresh.output and "indexed" not in fresh.output
    status = run(index_group, "status", "--index", index, "--corpus", corpus_dir)
    assert status.exit_code == 0 and "generation:  1" in status.output and "up to date" in status.output
    again = run(reindex, "--incremental", "--index", index, "--corpus", corpus_dir)
    assert again.exit_code == 0 and "unchanged reindex" in again.output


def test_a_corrected_record_is_out_of_date_and_reindexed_alone(tmp_path, corpus_dir):
    index = tmp_path / "index"
    assert run(reindex, "--index", index, "--corpus", corpus_dir).exit_code == 0
    path = corpus_dir / "letters" / "documents.jsonl"
    path.write_text(path.read_text().replace("Shtikov reports.", "Shtikov reports on Kaesong."))
    status = run(index_group, "status", "--index", index, "--corpus", corpus_dir)
    assert "OUT OF DATE" in status.output
    updated = run(reindex, "--incremental", "--if-stale", "--index", index, "--corpus", corpus_dir)
    assert updated.exit_code == 0, updated.output
    assert "incremental reindex: 2 documents" in updated.output and "(0 added, 1 updated, 0 deleted)" in updated.output
    assert updated.output.count("read 2/2 shards, 2 documents (versions, hashes;") == 1
    assert updated.output.count("indexed 1/1 documents") == 1
    assert "up to date" in run(index_group, "status", "--index", index, "--corpus", corpus_dir).output
    assert "up to date" in run(reindex, "--if-stale", "--index", index, "--corpus", corpus_dir).output


def test_index_root_from_the_environment(tmp_path, corpus_dir, monkeypatch):
    monkeypatch.setenv("KWARCHIVE_INDEX", str(tmp_path / "from-env"))
    assert run(reindex, "--corpus", corpus_dir).exit_code == 0
    assert (tmp_path / "from-env" / "CURRENT").is_file()


def test_status_of_a_missing_index_fails(tmp_path, corpus_dir):
    result = run(index_group, "status", "--index", tmp_path / "nothing", "--corpus", corpus_dir)
    assert result.exit_code == 1 and "no index" in result.output


def test_a_second_reindex_says_so_and_fails(tmp_path, corpus_dir):
    with build_lock(tmp_path / "index"):
        result = run(reindex, "--index", tmp_path / "index", "--corpus", corpus_dir)
    assert result.exit_code != 0
    assert f"another reindex is running (pid {os.getpid()})" in result.output
