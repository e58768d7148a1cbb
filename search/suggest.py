""""Did you mean": each typed word the index does not know, replaced by the closest corpus word or name.

Candidates are the body vocabulary (plain words of three or more letters, no stems or entity tokens) bucketed
by first letter, and the authority's written forms; built once per generation on first need (the Snapshot
keeps them).
"""
from __future__ import annotations

import difflib
import re

from index.analysis import fold_word

CUTOFF = 0.75
_PLAIN = re.compile(r"^[a-z]{3,}$")


def vocabulary_of(reader, authority) -> dict[str, dict[str, int]]:
    """{first letter: {word: document frequency}} of the body field plus the authority's forms: what
    `Snapshot.vocabulary` keeps for its generation."""
    words: dict[str, dict[str, int]] = {}
    for term in reader.lexicon("body"):
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        if _PLAIN.match(word):
            words.setdefault(word[0], {})[word] = reader.doc_frequency("body", word)
    for entry in authority.entries:
        for form in entry.forms:
            folded = fold_word(form)[0] if " " not in form else form.lower()
            if folded[:1].isalpha():
                words.setdefault(folded[0], {}).setdefault(folded, 1)
    return words


def did_you_mean(snapshot, q: str, words) -> str | None:
    """The query with unknown words corrected, or None when every word is known or nothing is close."""
    vocab = snapshot.vocabulary
    corrected, changed = q, False
    for raw in dict.fromkeys(words):
        word = fold_word(raw)[0]
        if not _PLAIN.match(word) or word in vocab.get(word[0], {}):
            continue
        bucket = vocab.get(word[0], {})
        near = [w for w in bucket if abs(len(w) - len(word)) <= 2]
        matches = difflib.get_close_matches(word, near, n=3, cutoff=CUTOFF)
        if not matches:
            continue
        best = max(matches, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), bucket[w]))
        corrected = re.sub(re.escape(raw), best, corrected, count=1)
        changed = True
    return corrected if changed else None
