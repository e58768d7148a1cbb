""""Did you mean": each typed word the index does not know, replaced by the closest corpus word or name.

Candidates are the body vocabulary (plain words of three or more letters, no stems or entity tokens) bucketed
by first letter, and the authority's written forms; built once per generation on first need (the Snapshot
keeps them).
"""
from __future__ import annotations

import difflib
import re

from whoosh.support.levenshtein import damerau_levenshtein

from index.analysis import fold_word

CUTOFF = 0.75
MIN_LETTERS = 4  # "Mac" (of "Mac Arthur") is no misspelling of "mach"
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
        if not _PLAIN.match(word) or len(word) < MIN_LETTERS or word in vocab.get(word[0], {}):
            continue
        bucket = vocab.get(word[0], {})
        near = [w for w in bucket if abs(len(w) - len(word)) <= 2]
        matches = difflib.get_close_matches(word, near, n=3, cutoff=CUTOFF)
        if not matches:
            continue
        best = max(matches, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), bucket[w]))
        corrected = _replace_word(corrected, raw, in_case_of(raw, best))
        changed = True
    return corrected if changed else None


def correction(snapshot, q: str, tolerated) -> str | None:
    """The query as searched with typo tolerance, each word the index lacks replaced by its closest index word
    (fewest edits, then most documents) in the case it was typed: 'armstice talks Kaesung' → 'armistice talks
    Kaesong'. None when no word needed correcting."""
    from whoosh.query import FuzzyTerm

    corrected, changed = q, False
    for raw, word, distance, known in tolerated:
        if known:
            continue
        candidates = {}
        for field in ("body", "title"):
            for text in snapshot.expand(FuzzyTerm(field, word, maxdist=distance, prefixlength=1)):
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                if _PLAIN.match(text):
                    candidates[text] = (damerau_levenshtein(word, text), -snapshot.word_frequency(text))
        if candidates:
            best = min(candidates, key=lambda text: (candidates[text], text))
            corrected, changed = _replace_word(corrected, raw, in_case_of(raw, best)), True
    return corrected if changed else None


def in_case_of(raw: str, word: str) -> str:
    """`word` written in the case the user typed: KAESUNG → KAESONG, Kaesung → Kaesong, kaesung → kaesong."""
    if raw.isupper() and len(raw) > 1:
        return word.upper()
    if raw[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _replace_word(text: str, raw: str, replacement: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(raw)}(?!\w)", lambda _: replacement, text, count=1)
