"""Record and corpus hashes: a record's hash is its content hash joined with its versions' ids, so a streaming
reindex can compute it from a scan's content hash and the links it made, without the record."""
import hashlib
import json
from dataclasses import replace

from corpus.hashes import content_hash, corpus_hash, linked_hash, record_hash, record_json
from small_corpus import TINY_DOCUMENTS


def test_a_record_without_versions_hashes_to_its_canonical_json_as_before():
    doc = TINY_DOCUMENTS[2]
    assert not doc.versions
    canonical = json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")
    assert record_hash(doc) == content_hash(doc) == hashlib.sha256(canonical).hexdigest()


def test_versions_change_the_record_hash_but_not_the_content_hash():
    doc = TINY_DOCUMENTS[0]
    alone, other = replace(doc, versions=()), replace(doc, versions=("test/3",))
    assert content_hash(doc) == content_hash(alone) == content_hash(other)
    assert len({record_hash(doc), record_hash(alone), record_hash(other)}) == 3
    assert record_hash(doc) == linked_hash(content_hash(doc), doc.versions)
    assert record_hash(alone) == linked_hash(content_hash(doc), ()) == content_hash(doc)
    assert content_hash(replace(doc, body=doc.body + " Amended.")) != content_hash(doc)


def test_hashing_the_stored_json_a_build_already_made_gives_the_same_hashes():
    for doc in TINY_DOCUMENTS:
        stored = record_json(doc)
        assert json.loads(stored) == doc.to_dict()
        assert content_hash(doc, stored) == content_hash(doc)
        assert record_hash(replace(doc), stored) == record_hash(replace(doc))
    assert any(doc.versions for doc in TINY_DOCUMENTS) and not all(doc.versions for doc in TINY_DOCUMENTS)


def test_the_corpus_hash_does_not_depend_on_the_order_of_its_records():
    pairs = [(doc.id, record_hash(doc)) for doc in TINY_DOCUMENTS]
    assert corpus_hash(pairs) == corpus_hash(reversed(pairs))
    assert corpus_hash(pairs[1:]) != corpus_hash(pairs)
