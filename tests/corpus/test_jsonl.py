"""An archivist's collection folder: good records load, bad ones are reported with file, line and field."""
import json

from corpus.loader import load_corpus
from corpus.check import check_corpus

MANIFEST = """slug = "my-letters"
title = "My letters"
citation = "A. Archivist, My Letters (2026)"
language = "en"
"""


def _write_collection(root, lines):
    folder = root / "my-letters"
    folder.mkdir(parents=True)
    (folder / "collection.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "documents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _good(number, **extra):
    record = {"number": number, "title": f"Letter {number}", "body": "Shtikov wrote to Vishinsky.",
              "date": {"start": "1950-06-01", "end": "1950-06-30", "label": "June 1950",
                       "precision": "month"}}
    record.update(extra)
    return json.dumps(record)


def test_good_records_load_with_ids_and_enrichment(tmp_path):
    _write_collection(tmp_path, [_good(1, senders_raw=["Shtikov"]), _good("2a")])
    corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["my-letters/1", "my-letters/2a"]
    first = corpus.documents[0]
    assert first.collection == "my-letters"
    assert first.senders == ("Terentii Shtykov",)
    assert "Andrei Vyshinsky" in first.people
    assert first.date.label == "June 1950"
    assert corpus.problems == []


def test_bad_lines_are_reported_and_good_ones_kept(tmp_path):
    folder = _write_collection(tmp_path, [
        _good(1),
        "{not json",
        json.dumps({"title": "no number"}),
        _good(4, senders=["x", 3]),
        _good(5, date={"start": "1950-13-01", "end": "1950-12-31"}),
        _good(6),
    ])
    corpus = load_corpus(tmp_path)
    assert [d.number for d in corpus.documents] == ["1", "6"]
    where = {(p.line, p.field) for p in corpus.problems}
    assert (2, "") in where
    assert (3, "number") in where
    assert (4, "senders[2]") in where  # the second name is the one that is not a string
    assert (5, "date.start") in where
    assert all(p.file == str(folder / "documents.jsonl") for p in corpus.problems)
    text = "\n".join(str(p) for p in corpus.problems)
    assert "documents.jsonl:3: number: required" in text


def test_check_fails_on_problems_and_a_reused_number_keeps_the_first_record(tmp_path):
    _write_collection(tmp_path, [_good(1), _good(1, title="Second"), "[]"])
    corpus = load_corpus(tmp_path)
    assert [d.title for d in corpus.documents] == ["Letter 1"]
    report = check_corpus(corpus)
    assert not report.ok
    rendered = report.render()
    assert "documents.jsonl:2: number: 1 is already used on line 1" in rendered
    assert "must be a JSON object" in rendered


def test_manifest_errors_are_problems_not_crashes(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "collection.toml").write_text('slug = "other"\ntitle = "x"\ncitation = "y"\n')
    corpus = load_corpus(tmp_path)
    assert corpus.documents == []
    assert "differs from its folder" in corpus.problems[0].message
