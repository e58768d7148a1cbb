"""Name suggestions for the search box, from the authority: every spelling, pseudonym and script of a name."""
from __future__ import annotations

from pathlib import Path

from corpus.authority import Authority, fold
from corpus.errors import CorpusError
from corpus.loader import AUTHORITY, corpus_root

MAX_SUGGESTIONS = 10
MAX_PREFIX = 60


def load_authority(root: str | None) -> Authority:
    """The corpus root's own `authority.toml` when it has one, else the bundled authority (as the loader does)."""
    try:
        own = corpus_root(root) / AUTHORITY
    except CorpusError:
        own = Path()
    return Authority.load(own if own.is_file() else None)


def suggest(authority: Authority, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[dict]:
    """Entries one of whose forms (or a word of it) starts with the prefix; canonical-name matches first."""
    wanted = fold(prefix[:MAX_PREFIX])
    if not wanted:
        return []
    ranked = []
    for entry in authority.entries:
        rank = _rank(entry, wanted)
        if rank is not None:
            ranked.append((rank, entry.canonical.casefold(), entry))
    ranked.sort(key=lambda item: item[:2])
    return [{"key": e.key, "name": e.canonical, "kind": e.kind, "description": e.description}
            for _, _, e in ranked[:limit]]


def _rank(entry, wanted: str) -> int | None:
    best = None
    for position, form in enumerate(entry.forms):
        folded = fold(form)
        if folded.startswith(wanted):
            score = 0 if position == 0 else 1
        elif any(word.startswith(wanted) for word in folded.split()):
            score = 2 if position == 0 else 3
        else:
            continue
        best = score if best is None else min(best, score)
    return best
