"""Hostile collection files: each bad record costs only itself, each bad manifest only its collection, and neither
`corpus check` nor `reindex` ever prints a traceback (the crash cases an adversarial run found, kept as tests)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpus.check import check_corpus
from corpus.loader import load_corpus
from web.cli import cli

MANIFEST = 'slug = "letters"\ntitle = "Letters"\ncitation = "A. Archivist, Letters (2026)"\nlanguage = "en"\n'


def _record(number, **extra) -> dict:
    record = {"number": number, "title": f"Letter {number}", "body": "Shtikov wrote to Vishinsky.",
              "date": {"start": "1950-06-01", "end": "1950-06-01", "label": "1 June 1950", "precision": "day"}}
    record.update(extra)
    return record


def _collection(root, lines: list[bytes | str], manifest: str = MANIFEST, slug: str = "letters"):
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "collection.toml").write_text(manifest, encoding="utf-8")
    data = b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines) + b"\n"
    (folder / "documents.jsonl").write_bytes(data)
    return folder


def _between_good(tmp_path, bad: str | bytes):
    """The bad line sits between two good ones (lines 1 and 3)."""
    _collection(tmp_path, [json.dumps(_record(1)), bad, json.dumps(_record(3))])
    return load_corpus(tmp_path)


def _problems_at(corpus, line: int) -> list[str]:
    return [f"{p.field}: {p.message}" for p in corpus.problems if p.line == line]


def _invoke(*argv):
    result = CliRunner().invoke(cli, list(argv))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("end", [5, ["1950-06-01"], None, {"a": 1}, True])
def test_a_date_end_of_the_wrong_type_is_reported_on_its_field(tmp_path, end):
    corpus = _between_good(tmp_path, json.dumps(_record(2, date={"start": "1950-01-01", "end": end})))
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert any(p.startswith("date.end:") for p in _problems_at(corpus, 2)), corpus.problems


def test_a_number_of_five_thousand_digits_is_rejected(tmp_path):
    corpus = _between_good(tmp_path, json.dumps(_record("7" * 5000)))
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert any(p.startswith("number:") for p in _problems_at(corpus, 2))
    assert check_corpus(corpus).errors


@pytest.mark.parametrize("where", ["line", "field"])
def test_json_nested_very_deep_costs_only_its_line(tmp_path, where):
    deep = "[" * 100_000 + "]" * 100_000
    line = deep if where == "line" else '{"number": 2, "title": ' + deep + "}"
    corpus = _between_good(tmp_path, line)
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert any("nested" in p for p in _problems_at(corpus, 2)), corpus.problems


def test_a_lone_surrogate_is_reported_by_check_and_skipped_by_reindex(tmp_path):
    corpus = _between_good(tmp_path, json.dumps(_record(2, title="bad \ud800 title")))
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert any(p.startswith("title:") and "surrogate" in p for p in _problems_at(corpus, 2))
    corpus.corpus_hash()  # every record that loaded can be hashed


def test_invalid_utf8_costs_only_its_line_and_is_reported_by_line(tmp_path):
    bad = json.dumps(_record(2)).encode("utf-8").replace(b"Letter", b"Let\xff\xfeter")
    corpus = _between_good(tmp_path, bad)
    assert [d.number for d in corpus.documents] == ["1", "3"]
    problems = _problems_at(corpus, 2)
    assert problems and "UTF-8" in problems[0] and "byte" not in str(corpus.problems[0]).split(":")[0]


@pytest.mark.parametrize("field,value", [("title", {"a": 1}), ("title", ["x"]), ("language", {"x": "en"}),
                                         ("language", ["en"]), ("doc_type", 5)])
def test_a_table_or_list_where_text_belongs_is_rejected(tmp_path, field, value):
    corpus = _between_good(tmp_path, json.dumps(_record(2, **{field: value})))
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert any(p.startswith(f"{field}:") for p in _problems_at(corpus, 2))


def test_an_unknown_date_precision_is_rejected(tmp_path):
    date = {"start": "1950-06-01", "end": "1950-06-01", "label": "1 June 1950", "precision": "fortnight"}
    corpus = _between_good(tmp_path, json.dumps(_record(2, date=date)))
    assert any(p.startswith("date.precision:") and "day" in p for p in _problems_at(corpus, 2))


@pytest.mark.parametrize("number", ["..", ".", "5?x=1#y", "5\n6", "%2e%2e", "a b", "-5", "5/6", "", "５", "12ab",
                                    True, -3, 1.5, None, "1" * 12])
def test_document_numbers_are_digits_with_an_optional_letter(tmp_path, number):
    corpus = _between_good(tmp_path, json.dumps(_record(number)))
    assert [d.number for d in corpus.documents] == ["1", "3"]
    problems = _problems_at(corpus, 2)
    assert problems and problems[0].startswith("number:") and "digits" in problems[0], problems


@pytest.mark.parametrize("number", [2, "2", "2a", "2B", " 2 ", "000123"])
def test_good_numbers_load(tmp_path, number):
    corpus = _between_good(tmp_path, json.dumps(_record(number)))
    assert len(corpus.documents) == 3 and corpus.problems == []


@pytest.mark.parametrize("line", ['{"number": 2, "title": "x", "body": "' + "w " * 10 + '", "senders_raw": '
                                  + json.dumps(["x"] * 1001) + "}",
                                  json.dumps(_record(2, title="t" * 5001))])
def test_overlong_values_are_rejected(tmp_path, line):
    corpus = _between_good(tmp_path, line)
    assert [d.number for d in corpus.documents] == ["1", "3"]
    assert _problems_at(corpus, 2)


@pytest.mark.parametrize("manifest_line,field", [
    ("original_languages = 5", "original_languages"),
    ('original_languages = [1, 2]', "original_languages"),
    ('title = ["x"]', "title"),
    ("language = { code = \"en\" }", "language"),
    ('parser = "nope"', "parser"),
    ('parser = "..loader"', "parser"),
    ('source = "../../../../../etc/passwd"\nparser = "mansourov"', "source"),
    ('source = "/etc/passwd"\nparser = "mansourov"', "source"),
    ("year = 1950.5", "year"),
])
def test_a_bad_manifest_skips_its_collection_with_a_clear_message(tmp_path, manifest_line, field):
    lines = [ln for ln in MANIFEST.splitlines() if ln.split(" = ")[0] != manifest_line.split(" = ")[0]]
    _collection(tmp_path, [json.dumps(_record(1))], manifest="\n".join(lines + [manifest_line]) + "\n",
                slug="letters")
    _collection(tmp_path, [json.dumps(_record(1))], manifest=MANIFEST.replace("letters", "others"), slug="others")
    corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["others/1"]
    assert [m.slug for m in corpus.manifests] == ["others"]
    problem = corpus.problems[0]
    assert problem.file.endswith("letters/collection.toml") and problem.field == field, problem
    result = _invoke("corpus", "check", "--corpus", str(tmp_path))
    assert result.exit_code == 1 and "letters/collection.toml" in result.output


def test_a_source_inside_its_folder_is_fine(tmp_path):
    folder = tmp_path / "mansourov"
    folder.mkdir()
    bundled = load_corpus().manifests
    mansourov = next(m for m in bundled if m.slug == "mansourov")
    (folder / "texts").mkdir()
    (folder / "texts" / "book.txt").write_text((mansourov.folder / "source.txt").read_text(encoding="utf-8"))
    manifest = (mansourov.folder / "collection.toml").read_text(encoding="utf-8")
    (folder / "collection.toml").write_text(manifest.replace('source = "source.txt"', 'source = "texts/book.txt"'))
    corpus = load_corpus(tmp_path)
    assert corpus.problems == [] and len(corpus.documents) > 5


def test_check_and_reindex_report_skipped_records_and_strict_fails(tmp_path):
    _collection(tmp_path / "corpus", [json.dumps(_record(1)), json.dumps(_record("..")), "{oops",
                                      json.dumps(_record(4, title="bad \ud800"))])
    corpus, index = str(tmp_path / "corpus"), str(tmp_path / "index")
    check = _invoke("corpus", "check", "--corpus", corpus)
    assert check.exit_code == 1
    assert "documents.jsonl:2: number:" in check.output and "documents.jsonl:3:" in check.output
    done = _invoke("reindex", "--corpus", corpus, "--index", index)
    assert done.exit_code == 0
    assert "skipped 3 records" in done.output
    assert "documents.jsonl:2: number:" in done.output
    strict = _invoke("reindex", "--strict", "--corpus", corpus, "--index", index)
    assert strict.exit_code != 0 and "skipped 3 records" in strict.output


def test_reindex_is_quiet_about_a_clean_corpus(tmp_path):
    _collection(tmp_path / "corpus", [json.dumps(_record(1))])
    done = _invoke("reindex", "--strict", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"))
    assert done.exit_code == 0 and "skipped" not in done.output


@pytest.mark.parametrize("authority", [
    'entry = 5\n',
    '[[entry]]\nkey = "x"\ncanonical = "X"\nkind = "place"\nvariants = 5\n',
    '[[entry]]\nkey = "x"\ncanonical = ["X"]\nkind = "place"\n',
    'entry = [1, 2]\n',
    '[[entry\n',
])
def test_a_bad_authority_of_the_corpus_root_is_a_message_not_a_traceback(tmp_path, authority):
    _collection(tmp_path / "corpus", [json.dumps(_record(1))])
    (tmp_path / "corpus" / "authority.toml").write_text(authority, encoding="utf-8")
    for argv in (["corpus", "check"], ["corpus", "export"], ["reindex", "--index", str(tmp_path / "index")]):
        result = _invoke(*argv, "--corpus", str(tmp_path / "corpus"))
        assert result.exit_code == 1 and "authority.toml" in result.output, (argv, result.output)


def test_a_missing_corpus_root_is_a_message_not_a_traceback(tmp_path):
    result = _invoke("corpus", "check", "--corpus", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "is not a directory" in result.output
