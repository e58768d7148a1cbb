"""Collection manifests (titles and citations) for display, read once per process from the corpus root."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from pathlib import Path

from corpus.authority import Authority
from corpus.errors import CorpusError
from corpus.loader import AUTHORITY, MANIFEST, corpus_root
from corpus.manifest import Manifest, load_manifest


@lru_cache(maxsize=4)
def by_slug(root: str | None) -> dict[str, Manifest]:
    """Manifests by slug; an unreadable root or manifest just leaves its collection unnamed."""
    try:
        path = corpus_root(root)
    except CorpusError:
        return {}
    found = {}
    for folder in sorted(p for p in path.iterdir() if (p / MANIFEST).is_file()):
        try:
            manifest = load_manifest(folder / MANIFEST)
        except CorpusError:
            continue
        found[manifest.slug] = manifest
    return found


def authority(root: str | None) -> Authority:
    """The corpus root's own `authority.toml` when it has one, else the bundled authority (as the loader does):
    what exports file names by. Searching and name suggestions use the live generation's, through the Searcher."""
    try:
        own = corpus_root(root) / AUTHORITY
    except CorpusError:
        own = Path()
    return Authority.load(own if own.is_file() else None)


def fingerprint(root: str | None) -> str:
    """What an export's records take from the corpus root besides the index (manifests, the authority file),
    summed up in a string that changes when they do."""
    try:
        own = corpus_root(root) / AUTHORITY
        changed = own.stat().st_mtime_ns if own.is_file() else 0
    except CorpusError:
        own, changed = None, 0
    manifests = hashlib.sha1(repr(sorted(by_slug(root).items())).encode()).hexdigest()
    return f"{root}|{manifests}|{own}|{changed}"


def titles(root: str | None) -> dict[str, str]:
    return {slug: m.title for slug, m in by_slug(root).items()}


def version_label(doc_id: str, root: str | None) -> str:
    """'Mansourov, no. 12' style link text for another version of a document."""
    collection, _, number = doc_id.partition("/")
    title = titles(root).get(collection, collection)
    return f"{_short(title)}, no. {number}"


def _short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"
