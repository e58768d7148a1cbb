"""Assemble the corpus: every collection folder under a root, parsed, enriched through the authority, linked.

This holds the whole corpus in memory (the web pages, `corpus check`, tests); a reindex streams it instead
(`corpus/shards.py`), one shard at a time. Both read records through the same shards.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from corpus.authority import Authority
from corpus.enrich import enrich
from corpus.hashes import corpus_hash, number_key, record_hash  # noqa: F401  (record_hash: the loader's users)
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


def load_corpus(root: str | Path | None = None) -> Corpus:
    plan = plan_shards(root)  # one shard per collection
    documents, problems = [], list(plan.problems)
    for shard in plan.shards:
        records = [doc for _line, doc in shard_records(shard, problems)]
        problems.extend(unmatched_senders(shard.manifest, (doc.number for doc in records)))
        documents.extend(records)
    documents = link_versions(enrich(documents, plan.authority()))
    documents.sort(key=lambda d: (d.collection, number_key(d.number)))
    return Corpus(plan.root, documents, plan.authority(), list(plan.manifests), problems)

