"""The lean segment writer of full builds writes the very files Whoosh's own writer writes."""
from dataclasses import replace

import pytest
from whoosh import index as whoosh_index

from index.build import FastSegmentWriter
from index.schema import document_fields, make_schema
from index_fixtures import small_authority, small_documents

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
