"""Hashes of records and of the corpus, the unit an index compares to tell what changed.

A record's hash is made of two parts so that a streaming reindex can compute it without holding the record
once versions are linked: `content_hash` (what the record says, its version links left out; a shard scan
computes it while it reads) and the ids of its versions, joined by `linked_hash` in the process that linked
them. A record without versions hashes to its content hash alone.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Iterable

from corpus.model import Document

_HASH_ATTRIBUTE = "_record_hash"


def record_json(doc: Document) -> str:
    """The record's canonical JSON: what the index stores, and (its `versions` left empty) what is hashed."""
    return json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False)


def content_hash(doc: Document, canonical: str | None = None) -> str:
    """SHA-256 of the record's canonical JSON with its `versions` left empty; `canonical`: `record_json(doc)`
    when the caller has it (for a record without versions it is the very text hashed)."""
    if canonical is None or doc.versions:
        canonical = record_json(replace(doc, versions=()) if doc.versions else doc)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def linked_hash(content: str, versions: tuple[str, ...]) -> str:
    """A record's hash from its content hash and the ids of its versions."""
    if not versions:
        return content
    return hashlib.sha256("\n".join((content, *versions)).encode("utf-8")).hexdigest()


def record_hash(doc: Document, canonical: str | None = None) -> str:
    """Hash of one record, version links included: the unit of incremental reindexing; computed once a record
    (`canonical`: as for `content_hash`).

    Kept on the (frozen) record itself, outside its declared fields, so `replace()` yields a record without it
    and a lookup costs an attribute read rather than hashing every field of a 7 KB record.
    """
    known = doc.__dict__.get(_HASH_ATTRIBUTE)
    if known is None:
        known = linked_hash(content_hash(doc, canonical), doc.versions)
        object.__setattr__(doc, _HASH_ATTRIBUTE, known)
    return known


def corpus_hash(records: Iterable[tuple[str, str]]) -> str:
    """The hash of a corpus from its (document id, record hash) pairs, in any order: a streaming build, which
    sees the records shard by shard, gets the one `Corpus.corpus_hash` gives."""
    digest = hashlib.sha256()
    for _key, content in sorted((_id_order(doc_id), content) for doc_id, content in records):
        digest.update(content.encode())
    return digest.hexdigest()[:16]


def _id_order(doc_id: str) -> tuple[str, tuple[int, str]]:
    collection, number = doc_id.rsplit("/", 1)
    return collection, number_key(number)


def number_key(number: str) -> tuple[int, str]:
    """Numeric order of document numbers ("9" before "10a"); numbers are validated short digit strings."""
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())[:18]
    return (int(digits) if digits else 0, number)
