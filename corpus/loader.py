"""Assemble the corpus: every collection folder under a root, parsed, enriched through the authority, linked.

This holds the whole corpus in memory (the web pages, `corpus check`, tests); a reindex streams it instead
(`corpus/shards.py`), one shard at a time. Both read records through the same shards.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

from corpus.authority import Authority
from corpus.enrich import enrich
from corpus.jsonl import Problem
from corpus.manifest import Manifest
from corpus.model import Document
from corpus.shards import (AUTHORITY, BUNDLED_ROOT, DOCUMENTS, MANIFEST, corpus_root, plan_shards,  # noqa: F401
                           shard_records, skipped_summary, unmatched_senders)
from corpus.versions import link_versions


@dataclass
class Corpus:
    root: Path
    documents: list[Document]
    authority: Authority
    manifests: list[Manifest]
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def by_id(self) -> dict[str, Document]:
        return {doc.id: doc for doc in self.documents}

    @property
    def skipped(self) -> str:
        """What loading left out, in words ("3 records and 1 collection"); "" when nothing was."""
        return skipped_summary(self.problems)

    def corpus_hash(self) -> str:
        """Changes whenever any record changes, so an index can tell it is out of date."""
        return corpus_hash((doc.id, record_hash(doc)) for doc in self.documents)


def corpus_hash(records: Iterable[tuple[str, str]]) -> str:
    """The hash of a corpus from its (document id, record hash) pairs, in any order: a streaming build, which
    sees the records shard by shard, gets the one `Corpus.corpus_hash` gives."""
    digest = hashlib.sha256()
    for _key, content in sorted((_id_order(doc_id), content) for doc_id, content in records):
        digest.update(content.encode())
    return digest.hexdigest()[:16]


def _id_order(doc_id: str) -> tuple[str, tuple[int, str]]:
    collection, number = doc_id.rsplit("/", 1)
    return collection, _number_key(number)


_HASH_ATTRIBUTE = "_record_hash"


def record_hash(doc: Document) -> str:
    """Content hash of one record (canonical JSON), the unit of incremental reindexing; computed once per record.

    Kept on the (frozen) record itself, outside its declared fields, so `replace()` yields a record without it
    and a lookup costs an attribute read rather than hashing every field of a 7 KB record.
    """
    known = doc.__dict__.get(_HASH_ATTRIBUTE)
    if known is None:
        canonical = json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False)
        known = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        object.__setattr__(doc, _HASH_ATTRIBUTE, known)
    return known


def load_corpus(root: str | Path | None = None) -> Corpus:
    plan = plan_shards(root)  # one shard per collection
    documents, problems = [], list(plan.problems)
    for shard in plan.shards:
        records = [doc for _line, doc in shard_records(shard, problems)]
        problems.extend(unmatched_senders(shard.manifest, (doc.number for doc in records)))
        documents.extend(records)
    documents = link_versions(enrich(documents, plan.authority()))
    documents.sort(key=lambda d: (d.collection, _number_key(d.number)))
    return Corpus(plan.root, documents, plan.authority(), list(plan.manifests), problems)


def _number_key(number: str) -> tuple[int, str]:
    """Numeric order of document numbers ("9" before "10a"); numbers are validated short digit strings."""
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())[:18]
    return (int(digits) if digits else 0, number)
