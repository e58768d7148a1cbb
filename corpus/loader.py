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
from corpus.manifest import Manifest, ManifestError, load_manifest
from corpus.model import Document
from corpus.parsers import get_parser
from corpus.record_format import record_errors
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

    @property
    def skipped(self) -> str:
        """What loading left out, in words ("3 records and 1 collection"); "" when nothing was."""
        records = len({(p.file, p.skips) for p in self.problems if p.skips not in ("", "collection")})
        collections = len({p.file for p in self.problems if p.skips == "collection"})
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((records, "record"),
                                                                      (collections, "collection")) if n]
        return " and ".join(parts)

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
        except ManifestError as exc:
            message = exc.message.removeprefix(f"{folder / MANIFEST}: ").removeprefix(f"{exc.field}: ")
            problems.append(Problem(str(folder / MANIFEST), 0, exc.field, message, "collection"))
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
    except UnicodeDecodeError as exc:
        line = _line_of(source.read_bytes(), exc.start)
        return [], [Problem(str(source), line, "", f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
                                                   "the collection is skipped", "collection")]
    except OSError as exc:
        return [], [Problem(str(source), 0, "", f"cannot read: {exc.strerror or exc}; the collection is skipped",
                            "collection")]
    try:
        parsed = get_parser(manifest.parser)(text, manifest)
    except Exception as exc:  # a parser meeting text it was not written for: skip the collection, say why
        return [], [Problem(str(source), 0, "", f"the {manifest.parser} parser failed "
                                                f"({type(exc).__name__}: {str(exc)[:200]}); the collection is skipped",
                            "collection")]
    corrected, problems = _corrected(parsed, manifest)
    kept, invalid = _valid_records(corrected, str(source))
    return kept, problems + invalid


def _valid_records(documents: list[Document], source: str) -> tuple[list[Document], list[Problem]]:
    """A parser's records held to the record format like an archivist's; a bad one is reported and skipped."""
    kept, problems, seen = [], [], set()
    for doc in documents:
        errors = list(record_errors(doc.to_dict()))
        if not errors and doc.id in seen:
            errors = [("number", "used by an earlier record; this one is skipped")]
        for name, message in errors:
            problems.append(Problem(source, 0, name, f"{message} (document {doc.number[:40]!r})",
                                    f"document {doc.number[:40]}"))
        if not errors:
            seen.add(doc.id)
            kept.append(doc)
    return kept, problems


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _corrected(documents: list[Document], manifest: Manifest) -> tuple[list[Document], list[Problem]]:
    """The manifest's `[senders]` applied; a number that names no document is a problem."""
    senders = dict(manifest.senders)
    found = {doc.number for doc in documents}
    problems = [Problem(str(manifest.folder / MANIFEST), 0, number, f"[senders] names no document {number}")
                for number in senders if number not in found]
    return [replace(doc, senders_raw=senders[doc.number]) if doc.number in senders else doc
            for doc in documents], problems


def _number_key(number: str) -> tuple[int, str]:
    """Numeric order of document numbers ("9" before "10a"); numbers are validated short digit strings."""
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())[:18]
    return (int(digits) if digits else 0, number)
