"""Assemble the corpus: every collection folder under a root, parsed, enriched through the authority, linked."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from corpus.authority import Authority
from corpus.enrich import enrich
from corpus.errors import CorpusError
from corpus.jsonl import Problem, read_documents
from corpus.manifest import Manifest, load_manifest
from corpus.model import Document
from corpus.parsers import get_parser
from corpus.versions import link_versions

BUNDLED_ROOT = Path(__file__).resolve().parent / "collections"
MANIFEST = "collection.toml"
DOCUMENTS = "documents.jsonl"
AUTHORITY = "authority.toml"


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

    def corpus_hash(self) -> str:
        """Changes whenever any record changes, so an index can tell it is out of date."""
        digest = hashlib.sha256()
        for doc in self.documents:
            digest.update(record_hash(doc).encode())
        return digest.hexdigest()[:16]


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


def corpus_root(root: str | Path | None = None) -> Path:
    """`--corpus DIR`, else `KWARCHIVE_CORPUS`, else the bundled collections."""
    chosen = root or os.environ.get("KWARCHIVE_CORPUS") or BUNDLED_ROOT
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise CorpusError(f"corpus root {path} is not a directory")
    return path


def load_corpus(root: str | Path | None = None) -> Corpus:
    path = corpus_root(root)
    authority = _load_authority(path)
    manifests, documents, problems = [], [], []
    for folder in sorted(p for p in path.iterdir() if (p / MANIFEST).is_file()):
        try:
            manifest = load_manifest(folder / MANIFEST)
        except CorpusError as exc:
            problems.append(Problem(str(folder / MANIFEST), 0, "", exc.message))
            continue
        manifests.append(manifest)
        docs, found = _read_collection(manifest)
        documents.extend(docs)
        problems.extend(found)
    documents = link_versions(enrich(documents, authority))
    documents.sort(key=lambda d: (d.collection, _number_key(d.number)))
    return Corpus(path, documents, authority, manifests, problems)


def _load_authority(root: Path) -> Authority:
    """The bundled authority, or the root's own `authority.toml` when an archivist keeps one."""
    own = root / AUTHORITY
    return Authority.load(own if own.is_file() else None)


def _read_collection(manifest: Manifest) -> tuple[list[Document], list[Problem]]:
    folder = manifest.folder
    if not manifest.parser:
        documents, problems = read_documents(folder / DOCUMENTS, manifest)
        documents, more = _corrected(documents, manifest)
        return documents, problems + more
    source = folder / (manifest.source or "source.txt")
    try:
        text = source.read_text(encoding="utf-8")
        return _corrected(get_parser(manifest.parser)(text, manifest), manifest)
    except (OSError, UnicodeDecodeError, CorpusError) as exc:
        return [], [Problem(str(source), 0, "", f"cannot parse: {exc}")]


def _corrected(documents: list[Document], manifest: Manifest) -> tuple[list[Document], list[Problem]]:
    """The manifest's `[senders]` applied; a number that names no document is a problem."""
    senders = dict(manifest.senders)
    found = {doc.number for doc in documents}
    problems = [Problem(str(manifest.folder / MANIFEST), 0, number, f"[senders] names no document {number}")
                for number in senders if number not in found]
    return [replace(doc, senders_raw=senders[doc.number]) if doc.number in senders else doc
            for doc in documents], problems


def _number_key(number: str) -> tuple[int, str]:
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 0, number)
