"""Name suggestions for the search box, from the live generation's authority: every spelling, pseudonym and
script of a name; the words being typed that a name completes ("Mao Tse" → Mao Zedong) are replaced, not kept."""
from __future__ import annotations

from corpus.authority import Authority, fold

MAX_SUGGESTIONS = 10
MAX_PREFIX = 60
MAX_NAME_WORDS = 4  # trailing words of the query tried as the start of one name


def name_suggestions(authority: Authority, text: str, limit: int = MAX_SUGGESTIONS) -> dict:
    """{"names": [{key, name, kind, description, matched}], "replaces": the trailing words they complete} for
    what is typed in the search box (`matched` is the spelling that the typed words start, "Mao Tse-tung"); the
    longest run of trailing words that starts some name wins."""
    words = text[:MAX_PREFIX].split()
    for count in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        typed = " ".join(words[-count:])
        found = suggest(authority, typed, limit)
        if found:
            return {"names": found, "replaces": typed}
    return {"names": [], "replaces": ""}


def suggest(authority: Authority, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[dict]:
    """Entries one of whose forms (or a word of it) starts with the prefix; canonical-name matches first."""
    wanted = fold(prefix[:MAX_PREFIX])
    if not wanted:
        return []
    ranked = []
    for entry in authority.entries:
        found = _rank(entry, wanted)
        if found is not None:
            ranked.append((found[0], entry.canonical.casefold(), found[1], entry))
    ranked.sort(key=lambda item: item[:2])
    return [{"key": e.key, "name": e.canonical, "kind": e.kind, "description": e.description, "matched": form}
            for _, _, form, e in ranked[:limit]]


def _rank(entry, wanted: str) -> tuple[int, str] | None:
    """(rank, the form that starts with what was typed): the canonical name first, then whole forms, then a
    word inside a form."""
    best = None
    for position, form in enumerate(entry.forms):
        folded = fold(form)
        if folded.startswith(wanted):
            score = 0 if position == 0 else 1
        elif " " not in wanted and any(word.startswith(wanted) for word in folded.split()):
            score = 2 if position == 0 else 3
        else:
            continue
        if best is None or score < best[0]:
            best = (score, form)
    return best
