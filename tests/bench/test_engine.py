"""kwarchive's build under measurement: the one-record correction that the incremental reindex is timed on."""
from __future__ import annotations

from bench.engine import _SUMMARY, edited_record
from bench.generate import generate, iter_jsonl, write_jsonl
from corpus.loader import load_corpus


def test_the_middle_record_is_corrected_for_the_duration_then_restored(tmp_path):
    documents = generate(5, source=load_corpus())
    path = tmp_path / "documents.jsonl"
    write_jsonl(documents, path)
    original = path.read_bytes()
    with edited_record(path) as edited:
        during = list(iter_jsonl(path))
        assert edited.id == documents[2].id and edited.body != documents[2].body
        assert during[:2] + during[3:] == documents[:2] + documents[3:] and during[2] == edited
    assert path.read_bytes() == original
    assert not path.with_suffix(".orig").exists()


def test_the_reindex_summary_line_is_read():
    line = "full reindex: 100000 documents in 412.3 s, 2718.0 MB, generation 4"
    assert _SUMMARY.findall(line) == [("full", "100000", "412.3", "2718.0")]
