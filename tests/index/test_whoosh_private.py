"""The one module that uses Whoosh's internals: pinned to the Whoosh series it was written against, each of its
fast paths still taken, and the lean segment writer writing the very files Whoosh's own writer writes."""
import tomllib
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

import pytest
import whoosh
from whoosh import fields, index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.structfile import BufferFile

from index import whoosh_private
from index.analysis import IcuAnalyzer
from index.build import build_full
from index.schema import document_fields, make_schema
from index.storage import open_whoosh
from index.whoosh_private import FastSegmentWriter
from small_corpus import FixtureCorpus, small_authority, small_documents

COPIES = 40  # 7 documents × 40: terms in more documents than one postings block (128) holds


def many_documents():
    return [replace(doc, id=f"fx/{i}-{doc.number}", number=f"{i}-{doc.number}")
            for i in range(COPIES) for doc in small_documents()]


def write(path, writer_of):
    path.mkdir()
    index = whoosh_index.create_in(str(path), make_schema(small_authority()))
    writer = writer_of(index)
    for doc in many_documents():
        writer.add_document(**document_fields(doc, "hash"))
    writer.commit()
    return index


def layout(index):
    """Every term's TermInfo as stored (statistics plus where its postings lie in the file), every posting's
    (docnum, weight, value), and the stored fields: equal only when the files are written alike."""
    with index.reader() as reader:
        table = reader._terms  # Whoosh's terms table: raw TermInfo bytes, offsets into the postings included
        terms = {(field, term): table._tindex[table._keycoder(field, term)] for field, term in reader.all_terms()}
        postings = {}
        for field, term in terms:
            matcher = reader.postings(field, term)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[(field, term)] = found
        stored = list(reader.iter_docs())
    return terms, postings, stored


@pytest.mark.parametrize("limit_bytes", [1, 50_000, 2**30], ids=["spill-every-doc", "some-spills", "in-memory"])
def test_fast_writer_writes_what_whoosh_writes(tmp_path, limit_bytes):
    def fast(index):
        writer = FastSegmentWriter(index, limitmb=1)
        writer.pool.limit = limit_bytes
        return writer

    stock = layout(write(tmp_path / "stock", lambda index: index.writer(limitmb=1)))
    lean = layout(write(tmp_path / "fast", fast))
    terms, postings, _ = stock
    assert len(postings[("body", b"ent:joseph-stalin")]) > 128 and ("title", b"telegram") in terms
    assert lean == stock


def test_fast_writer_merges_a_reader_as_whoosh_does(tmp_path):
    """`add_reader` feeds postings through the pool one by one; spilling between them keeps their order."""
    source = write(tmp_path / "source", lambda index: index.writer(limitmb=1))

    def merged(path, writer_of):
        path.mkdir()
        index = whoosh_index.create_in(str(path), make_schema(small_authority()))
        writer = writer_of(index)
        for doc in small_documents():
            writer.add_document(**document_fields(doc, "hash"))
        with source.reader() as reader:
            writer.add_reader(reader)
        writer.commit(merge=False)
        return index

    def fast(index):
        writer = FastSegmentWriter(index, limitmb=1)
        writer.pool.limit = 20_000
        return writer

    assert layout(merged(tmp_path / "fast", fast)) == layout(merged(tmp_path / "stock", lambda ix: ix.writer()))


def test_whoosh_is_the_series_the_private_module_was_written_for():
    assert tuple(whoosh.__version__[:2]) == whoosh_private.WHOOSH_SERIES
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    pin = next(d for d in pyproject["project"]["dependencies"] if d.startswith("whoosh-reloaded"))
    assert pin.replace(" ", "") == "whoosh-reloaded~={}.{}.5".format(*whoosh_private.WHOOSH_SERIES)


@pytest.mark.parametrize("field", [fields.TEXT(vector=True), fields.TEXT(analyzer=StemmingAnalyzer(), spelling=True)],
                         ids=["term-vectors", "spelling-field"])
def test_fast_writer_refuses_what_it_does_not_write(tmp_path, field):
    index = whoosh_index.create_in(str(tmp_path), fields.Schema(id=fields.ID(stored=True), text=field))
    with pytest.raises(ValueError, match="term vectors or spelling fields"):
        FastSegmentWriter(index)
    index.writer().cancel()  # the refused writer did not take the lock


def test_fast_writer_refuses_boosts(tmp_path):
    index = whoosh_index.create_in(str(tmp_path), make_schema(small_authority()))
    writer = FastSegmentWriter(index)
    with pytest.raises(ValueError, match="_boost"):
        writer.add_document(_boost=2.0, **document_fields(small_documents()[0], "hash"))
    writer.cancel()


class Calls:
    """Wraps a module attribute and counts the calls that go through it."""

    def __init__(self, monkeypatch, owner, name):
        self.count, original = 0, getattr(owner, name)

        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def refuse(monkeypatch, owner, name):
    """The slow path must not be taken: calling it fails the test."""
    def refused(*args, **kwargs):
        raise AssertionError(f"the slow path {name} was taken")
    monkeypatch.setattr(owner, name, refused)


@pytest.fixture
def built(tmp_path, monkeypatch):
    """A full build of the small corpus, counting the fast paths it went through."""
    writes = Calls(monkeypatch, whoosh_private, "_write_term")
    analyses = Calls(monkeypatch, IcuAnalyzer, "postings")
    build_full(FixtureCorpus(many_documents()), tmp_path)
    return tmp_path, writes, analyses


def test_full_builds_take_the_fast_writer_and_the_analyzer_shortcut(built):
    _, writes, analyses = built
    assert writes.count > 100  # one call per term written
    assert analyses.count == 2 * len(many_documents())  # title and body of each document, no Token objects


def test_postings_arrays_equal_whooshs_matcher_for_every_term_of_every_field(built, monkeypatch):
    """`postings_arrays` parses W3 blocks itself, with and without their values: every term of every field
    (many blocks, one-posting blocks, fixed-size values) gives what Whoosh's matcher walks to; ids and weights
    alone are read without inflating the positions (the whole-block fallback is not taken)."""
    from whoosh.index import open_dir

    from index.generations import live_generation

    whole_blocks = []  # inflated sizes of the blocks read whole
    original = whoosh_private._whole_block

    def counted(data, compressed):
        whole_blocks.append(len(zlib.decompress(data) if compressed else data))
        return original(data, compressed)
    monkeypatch.setattr(whoosh_private, "_whole_block", counted)
    cut_off = []  # inflated sizes of the blocks read for ids and weights
    heads = whoosh_private._ids_and_weights

    def cutting(data, compressed, count):
        cut_off.append(len(zlib.decompress(data) if compressed else data))
        return heads(data, compressed, count)
    monkeypatch.setattr(whoosh_private, "_ids_and_weights", cutting)
    index = open_dir(str(live_generation(built[0]).path))
    compared = 0
    with index.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            for fieldname, text in leaf.all_terms():
                matcher = leaf.postings(fieldname, text)
                walked = []
                while matcher.is_active():
                    walked.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                for values in (True, False):
                    whole_blocks.clear()
                    ids, weights, found = whoosh_private.postings_arrays(leaf, fieldname, text, values=values)
                    assert ids.tolist() == [w[0] for w in walked], (fieldname, text)
                    assert weights.tolist() == pytest.approx([w[1] for w in walked]), (fieldname, text)
                    assert found == ([w[2] for w in walked] if values else None), (fieldname, text)
                # without values only blocks small enough to inflate whole anyway are (no values to cut off)
                assert values or all(size <= whoosh_private._IDS_AND_WEIGHTS_BYTES for size in whole_blocks)
                compared += len(walked)
    assert compared > 10_000 and max(cut_off) > whoosh_private._IDS_AND_WEIGHTS_BYTES


def test_searching_reads_whole_postings_blocks_and_one_byte_length_columns(built, monkeypatch):
    from index.generations import live_generation
    from search.snapshot import Snapshot

    refuse(monkeypatch, whoosh_private, "_postings_one_by_one")
    refuse(monkeypatch, whoosh_private, "_length_codes_one_by_one")
    snapshot = Snapshot(live_generation(built[0]))
    try:
        docs, weights = snapshot.postings.term("body", "ent:joseph-stalin")
        assert len(docs) > 128 and len(weights) == len(docs)  # more than one block
        assert len(snapshot.postings.occurrences("body", "ent:joseph-stalin")[0]) >= len(docs)
        lengths = snapshot.postings.lengths("body")
        reader = snapshot.reader
        from whoosh.util.numeric import byte_to_length, length_to_byte
        expected = [byte_to_length(length_to_byte(reader.doc_field_length(d, "body", 0)))
                    for d in range(reader.doc_count_all())]
        assert lengths.tolist() == expected and max(expected) > 0
    finally:
        snapshot.close()


def test_the_term_dictionary_is_a_view_of_the_mapped_segment_and_postings_are_read_on_demand(built, monkeypatch):
    from index.generations import live_generation

    members = {}
    original = whoosh_private.SegmentFile.subset

    def recording(self, offset, length, name=None):
        member = original(self, offset, length, name)
        members[str(name)] = member
        return member

    monkeypatch.setattr(whoosh_private.SegmentFile, "subset", recording)
    with open_whoosh(live_generation(built[0]).path).searcher() as searcher:
        assert len(list(searcher.postings("body", "ent:joseph-stalin").all_ids())) > 128
    kinds = {name.rsplit(".", 1)[-1]: type(member) for name, member in members.items()}
    assert kinds["trm"] is whoosh_private.MappedMember and kinds["pst"] is not whoosh_private.MappedMember
    assert not issubclass(kinds["pst"], BufferFile)
