"""A damaged index is detected and repaired: a broken CURRENT or a missing generation never stops a full reindex,
`index status` names the last good generation and `index repair` goes back to it; every generation file's
checksum is recorded at build and checked on open, per request and by `index verify`; damage answers 503."""
from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from index import integrity
from index.build import build_full, build_incremental
from index.generations import CURRENT, check_files, live_generation, open_generation
from index.status import index_status
from small_corpus import FixtureCorpus, changed, small_documents
from web.cli import cli


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory):
    """An index root holding gen-1 (the fixture corpus) and gen-2 (one title changed), gen-2 live."""
    root = tmp_path_factory.mktemp("two-generations")
    build_full(FixtureCorpus(), root)
    documents = small_documents()
    documents[0] = changed(documents[0], title="Retitled telegram")
    build_incremental(FixtureCorpus(documents), root)
    return root


@pytest.fixture
def index(two_generations, tmp_path):
    root = tmp_path / "index"
    shutil.copytree(two_generations, root)
    return root


def _cli(*argv):
    result = CliRunner().invoke(cli, list(argv))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _segment(generation_path):
    return max(generation_path.glob("*.seg"), key=lambda p: p.stat().st_size)


BROKEN_POINTERS = {
    "names a missing generation": "gen-99\n",
    "garbage": "garbage\n",
    "empty": "",
    "names a path outside": "../../etc\n",
}


@pytest.mark.parametrize("how", [*BROKEN_POINTERS, "live generation deleted"])
@pytest.mark.parametrize("incremental", [False, True])
def test_a_reindex_builds_afresh_whatever_current_says(index, how, incremental):
    if how == "live generation deleted":
        shutil.rmtree(index / "gen-2")
    else:
        (index / CURRENT).write_text(BROKEN_POINTERS[how])
    build = build_incremental if incremental else build_full
    summary = build(FixtureCorpus(), index)
    new = 100 if how == "names a missing generation" else 3  # never a number CURRENT has named
    assert summary.mode == "full" and summary.generation == new
    status = index_status(index, FixtureCorpus())
    assert status.usable and status.generation == new and status.out_of_date is False


@pytest.mark.parametrize("how", [*BROKEN_POINTERS, "live generation deleted", "live segment truncated"])
def test_status_names_the_last_good_generation_and_repair_goes_back_to_it(index, how):
    if how == "live generation deleted":
        shutil.rmtree(index / "gen-2")
    elif how == "live segment truncated":
        segment = _segment(index / "gen-2")
        segment.write_bytes(segment.read_bytes()[:100])
    else:
        (index / CURRENT).write_text(BROKEN_POINTERS[how])
    good = 1 if how in ("live generation deleted", "live segment truncated") else 2
    status = _cli("index", "status", "--index", str(index))
    assert status.exit_code == 1
    assert f"last good:   generation {good} (7 documents" in status.output
    assert "kwarchive index repair" in status.output

    repaired = _cli("index", "repair", "--index", str(index))
    assert repaired.exit_code == 0, repaired.output
    assert f"CURRENT now names generation {good}" in repaired.output
    assert live_generation(index).number == good and index_status(index).usable
    again = _cli("index", "repair", "--index", str(index))
    assert again.exit_code == 0 and "nothing to repair" in again.output


def test_repair_without_any_intact_generation_says_to_reindex(index):
    for generation in ("gen-1", "gen-2"):
        _segment(index / generation).write_bytes(b"")
    result = _cli("index", "repair", "--index", str(index))
    assert result.exit_code == 1 and "no intact generation" in result.output and "kwarchive reindex" in result.output


def test_every_file_of_a_generation_has_its_checksum_recorded(index):
    live = live_generation(index)
    files = live.meta[integrity.FILES]
    on_disk = {p.name for p in live.path.iterdir()} - set(integrity.UNCHECKED)
    assert set(files) == on_disk and any(name.endswith(".seg") for name in files)
    for name, entry in files.items():
        assert entry["size"] == (live.path / name).stat().st_size
        assert entry["crc32"] == integrity.checksum(live.path / name)
    verified = _cli("index", "verify", "--index", str(index))
    assert verified.exit_code == 0 and f"{len(files)} files" in verified.output and "match" in verified.output


def _damage(path, how: str) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    if how == "random bytes":
        data[middle:middle + 64] = os.urandom(64)
    elif how == "zeroed block":
        data[middle:middle + 4096] = bytes(min(4096, len(data) - middle))
    with open(path, "r+b") as out:  # written in place, as a failing tool or a stray process would
        out.write(data)


@pytest.mark.parametrize("how", ["random bytes", "zeroed block"])
def test_damage_is_found_by_status_and_verify(index, how):
    _damage(_segment(index / "gen-2"), how)
    status = index_status(index)
    assert not status.usable and "damaged" in status.error and ".seg differs from the checksum" in status.error
    assert status.last_good is not None and status.last_good.number == 1
    verify = _cli("index", "verify", "--index", str(index))
    assert verify.exit_code == 1 and "differs from the checksum" in verify.output


def test_verify_reads_every_byte_even_when_the_signatures_match(index):
    """Damage below the file system (a failing disk) changes no mtime: only `index verify` can see it."""
    segment = _segment(index / "gen-2")
    stat = segment.stat()
    _damage(segment, "zeroed block")
    os.utime(segment, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    signatures = json.loads((index / "gen-2" / integrity.SIGNATURES).read_text())
    signatures[segment.name] = list(integrity.signatures(segment.parent, {segment.name: {}})[segment.name])
    (index / "gen-2" / integrity.SIGNATURES).write_text(json.dumps(signatures))
    check_files(live_generation(index))  # the cheap check trusts the signature, by design
    verify = _cli("index", "verify", "--index", str(index))
    assert verify.exit_code == 1 and "differs from the checksum" in verify.output


def test_opening_a_freshly_built_generation_reads_no_file_for_checksums(two_generations, monkeypatch):
    read = []
    monkeypatch.setattr(integrity, "checksum", lambda path: read.append(path) or 0)
    open_generation(live_generation(two_generations))
    assert read == []


def test_copied_files_are_checksummed_once_then_trusted(index, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(index, copy, copy_function=shutil.copy)  # new inodes and times: signatures no longer match
    real, read = integrity.checksum, []
    monkeypatch.setattr(integrity, "checksum", lambda path: read.append(path.name) or real(path))
    open_generation(live_generation(copy))
    assert sorted(read) == sorted(live_generation(copy).meta[integrity.FILES])
    read.clear()
    open_generation(live_generation(copy))
    assert read == []


@pytest.mark.parametrize("how", ["random bytes", "zeroed block", "truncated"])
def test_an_incremental_reindex_on_a_damaged_generation_builds_in_full(index, how):
    segment = _segment(index / "gen-2")
    if how == "truncated":
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    else:
        _damage(segment, how)
    documents = small_documents()
    documents[0] = changed(documents[0], title="Retitled telegram")
    summary = build_incremental(FixtureCorpus(documents), index)
    assert summary.mode == "full" and summary.generation == 3 and summary.documents == 7
    assert index_status(index, FixtureCorpus(documents)).usable


def test_a_generation_built_without_checksums_still_opens_and_is_rebuilt_in_full(index):
    live = live_generation(index)
    meta = dict(live.meta)
    del meta[integrity.FILES]
    (live.path / "generation.json").write_text(json.dumps(meta))
    status = index_status(index)
    assert status.usable and any("checksums:   not recorded" in line for line in status.lines())
    assert build_incremental(FixtureCorpus(), index).mode == "full"
