"""Generated junk thrown at the corpus loader: whatever a collection folder holds, loading, `corpus check` and
`reindex` report each bad record or manifest and carry on; none of them raises or prints a traceback."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.check import check_corpus
from corpus.loader import load_corpus, record_hash
from corpus.model import PRECISIONS
from index.schema import document_fields
from web.cli import cli

FIELDS = ("number", "title", "doc_type", "date", "senders_raw", "recipients", "classification", "archive",
          "language", "original_language", "body", "people", "versions", "collection", "id", "translator")
MANIFEST_KEYS = ("slug", "title", "citation", "editor", "translator", "year", "language", "original_languages",
                 "parser", "source")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["", "..", "5?x=1#y", "%2e%2e", "\ud800", "1950-06-01", "12a", "7" * 5000,
                                     *PRECISIONS, "telegram", "Top Secret", "en", "../../etc/passwd"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
good = {"number": "1", "title": "A telegram", "body": "Shtikov to Vyshinsky.",
        "date": {"start": "1950-06-01", "end": "1950-06-01", "label": "1 June 1950", "precision": "day"}}


@st.composite
def records(draw) -> bytes:
    """A line: a good record with some fields replaced by junk, or any JSON, or raw bytes, or deep nesting."""
    kind = draw(st.sampled_from(["mutated", "mutated", "json", "bytes", "deep"]))
    if kind == "mutated":
        record = dict(good, number=draw(st.one_of(st.integers(0, 99), st.text(max_size=5), json_values)))
        for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
            record[name] = draw(json_values)
        if draw(st.booleans()):
            record["date"] = dict(good["date"], **draw(st.dictionaries(
                st.sampled_from(["start", "end", "label", "precision", "zone"]), json_values, max_size=3)))
        return json.dumps(record).encode("utf-8")
    if kind == "json":
        return json.dumps(draw(json_values)).encode("utf-8")
    if kind == "bytes":
        return draw(st.binary(max_size=60)).replace(b"\n", b" ")
    depth = draw(st.integers(1_000, 50_000))
    return b'{"number": 2, "title": ' + b"[" * depth + b"]" * depth + b"}"


toml_values = st.one_of(st.sampled_from(['"x"', "5", "[1, 2]", '["ru"]', "{ a = 1 }", '"nope"', '"..loader"',
                                         '"mansourov"', '"../../../../etc/passwd"', '"/etc/passwd"', "1950.5",
                                         "true", '"\\ud7ff"', '""']),
                        st.text(max_size=12).map(json.dumps))


@st.composite
def manifests(draw) -> bytes:
    lines = ['slug = "junk"', 'title = "Junk"', 'citation = "Generated"']
    for key in draw(st.lists(st.sampled_from(MANIFEST_KEYS + ("other",)), max_size=3)):
        lines.append(f"{key} = {draw(toml_values)}")
    text = "\n".join(lines).encode("utf-8")
    return draw(st.one_of(st.just(text), st.binary(max_size=80), st.just(text + b"\n\xff\xfe")))


def _write(root: Path, manifest: bytes, lines: list[bytes]) -> None:
    for slug, text in (("junk", manifest), ("plain", b'slug = "plain"\ntitle = "Plain"\ncitation = "c"\n')):
        folder = root / slug
        folder.mkdir(parents=True)
        (folder / "collection.toml").write_bytes(text)
        (folder / "documents.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (root / "junk" / "source.txt").write_bytes(b"".join(lines))


def _blank(line: bytes, first: bool) -> bool:
    """Blank as the loader sees it: UTF-8 that is only whitespace (after a byte-order mark on the first line)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not (text.removeprefix("\ufeff") if first else text).strip()


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifest=manifests(), lines=st.lists(records(), min_size=1, max_size=6))
def test_junk_costs_only_itself_and_never_crashes_loading_or_checking(manifest, lines):
    root = Path(tempfile.mkdtemp(prefix="junk-"))
    try:
        _write(root, manifest, lines)
        corpus = load_corpus(root)
        plain = [doc for doc in corpus.documents if doc.collection == "plain"]
        reported = {p.line for p in corpus.problems if "plain/" in p.file}
        # Every non-blank line of the plain collection either loaded or has a problem on its line.
        blank = {n for n, line in enumerate(lines, 1) if _blank(line, first=n == 1)}
        assert len(plain) + len(reported) + len(blank) == len(lines)
        assert corpus.skipped or not corpus.problems
        for doc in corpus.documents:
            record_hash(doc)
            document_fields(doc, "hash")
            assert doc.number and doc.number.isalnum() and doc.number.isascii()
        assert check_corpus(corpus).render()
        _no_traceback(CliRunner().invoke(cli, ["corpus", "check", "--corpus", str(root)]))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifest=manifests(), lines=st.lists(records(), min_size=1, max_size=4))
def test_reindex_of_junk_indexes_the_good_records_and_reports_the_rest(manifest, lines):
    root = Path(tempfile.mkdtemp(prefix="junk-"))
    try:
        _write(root / "corpus", manifest, lines + [json.dumps(dict(good, number="99")).encode()])
        result = CliRunner().invoke(cli, ["reindex", "--corpus", str(root / "corpus"), "--index", str(root / "ix")])
        _no_traceback(result)
        assert result.exit_code == 0, result.output
        loaded = load_corpus(root / "corpus")
        assert f"{len(loaded.documents)} documents" in result.output
        assert ("skipped" in result.output) == bool(loaded.problems)
    finally:
        shutil.rmtree(root, ignore_errors=True)
