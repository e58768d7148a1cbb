"""`bench.run`'s choices that need no engine: which engines run, and reusing a finished build."""
from __future__ import annotations

import json

import pytest

from bench import run


def test_a_finished_build_is_taken_from_its_log_when_its_index_is_still_there(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "REPO", tmp_path)
    log, index = tmp_path / "kw-reindex.log", tmp_path / "kwarchive"
    assert "no finished build" in run._last_outcome(log, index)["not_measured"]
    log.write_text("progress\n" + json.dumps({"full_s": 7200.5, "documents": 1_000_000}) + "\n--- stderr ---\n"
                   "indexed 1000000/1000000 documents\n", encoding="utf-8")
    assert "index it built is gone" in run._last_outcome(log, index)["not_measured"]
    index.mkdir()
    (index / "CURRENT").write_text("gen-1", encoding="utf-8")
    outcome = run._last_outcome(log, index)
    assert outcome["full_s"] == 7200.5 and outcome["documents"] == 1_000_000 and outcome["reused"] == "kw-reindex.log"


def test_an_unknown_engine_is_refused(capsys):
    with pytest.raises(SystemExit):
        run.main(["--engines", "kwarchive,lucene", "--sizes", "10"])
    assert "unknown engine(s): lucene" in capsys.readouterr().err
