"""`kwarchive index publish`: a generation copied into another index root, verified, and switched to there."""
import json

import pytest
from click.testing import CliRunner

from index import replicas
from index.build import build_full
from index.cli import index_group
from index.generations import build_lock, live_generation, open_live_index
from small_corpus import FixtureCorpus, small_documents


def publish(*args):
    return CliRunner().invoke(index_group, ["publish", *map(str, args)])


@pytest.fixture
def source(tmp_path):
    """An index root with generation 1 (three documents) and the live generation 2 (all seven)."""
    root = tmp_path / "source"
    build_full(FixtureCorpus(small_documents()[:3]), root)
    build_full(FixtureCorpus(), root)
    return root


def state(root):
    """What a server on `root` could see: its entries and what CURRENT names."""
    return sorted(p.name for p in root.iterdir()), (root / "CURRENT").read_text()


def flip_byte(path, offset: int) -> None:
    with open(path, "r+b") as out:
        out.seek(offset)
        byte = out.read(1)
        out.seek(offset)
        out.write(bytes([byte[0] ^ 0xFF]))


def documents_in(root) -> int:
    index = open_live_index(root)
    with index.searcher() as searcher:
        return searcher.doc_count()


def test_publish_makes_the_live_generation_live_in_another_root(tmp_path, source):
    dest = tmp_path / "replica"
    result = publish(dest, "--index", source)
    assert result.exit_code == 0, result.output
    assert "published generation 2" in result.output and "as generation 2: 7 documents" in result.output
    live = live_generation(dest)
    assert live.number == 2 and live.meta["published_from"]["generation"] == 2
    assert documents_in(dest) == 7 and live.meta["corpus_hash"] == live_generation(source).meta["corpus_hash"]
    again = publish(dest, "--index", source)
    assert again.exit_code == 0 and "nothing copied" in again.output


def test_a_named_generation_gets_a_new_number_and_older_copies_are_cleaned(tmp_path, source):
    dest = tmp_path / "replica"
    assert publish(dest, "--index", source).exit_code == 0
    older = publish(dest, "--index", source, "--generation", 1)
    assert older.exit_code == 0, older.output
    # gen-2 is taken in the replica, so the older build comes in as gen-3: servers see a new generation.
    assert "published generation 1" in older.output and "as generation 3: 3 documents" in older.output
    assert documents_in(dest) == 3
    build_full(FixtureCorpus(), source)
    assert publish(dest, "--index", source).exit_code == 0
    assert live_generation(dest).number == 4
    assert state(dest)[0] == [".lock", "CURRENT", "gen-3", "gen-4"]  # the live one and its predecessor, as a reindex keeps


def test_a_copy_that_does_not_verify_leaves_the_destination_untouched(tmp_path, source, monkeypatch):
    dest = tmp_path / "replica"
    assert publish(dest, "--index", source, "--generation", 1).exit_code == 0
    before = state(dest)
    copy = replicas._copy_durably

    def damaged_copy(source_file, target):  # a bad disk or network file system flips a byte of one file
        copy(source_file, target)
        if target.stat().st_size > 1000:
            flip_byte(target, 500)

    monkeypatch.setattr(replicas, "_copy_durably", damaged_copy)
    result = publish(dest, "--index", source)
    assert result.exit_code == 1 and "does not match the build" in result.output
    assert "destination is unchanged" in result.output and "Traceback" not in result.output
    assert state(dest) == before and documents_in(dest) == 3


def test_a_damaged_source_is_not_published(tmp_path, source):
    dest = tmp_path / "replica"
    assert publish(dest, "--index", source, "--generation", 1).exit_code == 0
    before = state(dest)
    largest = max((p for p in (source / "gen-2").iterdir() if p.name != "generation.json"),
                  key=lambda p: p.stat().st_size)
    flip_byte(largest, 100)  # same size, other bytes: what a failing disk leaves
    result = publish(dest, "--index", source)
    assert result.exit_code == 1 and f"file {largest.name} differs from the checksum" in result.output
    assert state(dest) == before


@pytest.mark.parametrize("args, message", [
    (["{tmp}/replica", "--index", "{tmp}/nowhere"], "no index at {tmp}/nowhere; run `kwarchive reindex` first"),
    (["{tmp}/replica", "--index", "{source}", "--generation", "9"],
     "there is no generation 9 in {source} (finished generations: 1, 2)"),
    (["{source}", "--index", "{source}"], "is the source index root itself"),
    (["{source}/sub", "--index", "{source}"], "is inside the source index root"),
    (["{tmp}/a-file/replica", "--index", "{source}"], "cannot publish to {tmp}/a-file/replica: Not a directory"),
])
def test_bad_input_is_refused_with_a_message(tmp_path, source, args, message):
    (tmp_path / "a-file").write_text("not a directory")
    before = state(source)
    result = publish(*[a.format(tmp=tmp_path, source=source) for a in args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message.format(tmp=tmp_path, source=source) in result.output
    assert state(source) == before and not (tmp_path / "replica").exists() and not (source / "sub").exists()


def test_publish_is_refused_while_the_destination_is_being_reindexed(tmp_path, source):
    dest = tmp_path / "replica"
    with build_lock(dest):
        result = publish(dest, "--index", source)
    assert result.exit_code == 1 and "another reindex is running" in result.output
    assert not (dest / "CURRENT").exists()


def test_the_copy_carries_the_checksums_servers_check(tmp_path, source):
    dest = tmp_path / "replica"
    assert publish(dest, "--index", source).exit_code == 0
    meta = json.loads((dest / "gen-2" / "generation.json").read_text())
    assert set(meta["files"]) == {p.name for p in (dest / "gen-2").iterdir()} - {"generation.json", "verified.json"}
