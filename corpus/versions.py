"""Version linking: the same telegram printed in several collections (a reader, a bulletin, a Korean edition) is
one document to a historian, so each copy lists the others in `versions`."""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date

from corpus.authority import fold
from corpus.model import Document

MAX_DAYS_APART = 1
TEXT_CHARS = 1500
MIN_SIMILARITY = 0.2
# Editors sometimes read the parties differently ("[Beijing] to Soviet Ambassador" for Filippov's telegram to
# Roshchin); two texts of one day that share this much wording are one document whatever their headers say.
SAME_TEXT_SIMILARITY = 0.5
MIN_TEXT_WORDS = 15
# Short function words say nothing about whether two translations render the same text.
_STOPWORDS = frozenset(
    "a an and are as at be been but by for from had has have he his i in is it its not of on or our that the "
    "their them there these they this to was we were which will with would you your all any can do if may no "
    "so such than then us what when who also into only other should some".split()
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Profile:
    """What a document offers for comparison: its day, its parties and its words."""

    doc_id: str
    collection: str
    day: date
    senders: frozenset[str]
    addressees: frozenset[str]
    title_words: frozenset[str]
    text_words: frozenset[str]


def link_versions(documents: list[Document]) -> list[Document]:
    """Documents with `versions` filled: every other member of their group, sorted; symmetric and transitive."""
    profiles = [p for p in (_profile(doc) for doc in documents) if p is not None]
    groups = _group(_scored_pairs(profiles), {p.doc_id: p.collection for p in profiles})
    return [replace(doc, versions=tuple(sorted(groups.get(doc.id, {doc.id}) - {doc.id}))) for doc in documents]


def _profile(document: Document) -> _Profile | None:
    """None for documents that cannot be matched: undated, dated only to a month or more, or with neither
    parties nor text to compare."""
    day = _single_day(document)
    senders = frozenset(document.senders)
    addressees = frozenset(document.recipients) | frozenset(document.via)
    if day is None or not ((senders and addressees) or document.body.strip()):
        return None
    return _Profile(
        doc_id=document.id,
        collection=document.collection,
        day=day,
        senders=senders,
        addressees=addressees,
        title_words=_words(document.title),
        text_words=_words(document.body[:TEXT_CHARS]),
    )


def _single_day(document: Document) -> date | None:
    start, end = document.date.start, document.date.end
    if not start or not end:
        return None
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return None
    return first if (last - first).days <= MAX_DAYS_APART else None


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS)


def _scored_pairs(profiles: list[_Profile]) -> list[tuple[float, str, str]]:
    """Pairs that are versions of each other, best first (ties by id, so the grouping is deterministic).

    Only candidate pairs are compared: documents at most a day apart that share a sender and an addressee, or
    whose texts could share half their words (see `_text_candidates`). `_match` accepts no other pair, so the
    result is the one comparing every pair would give, in time near-linear in the number of documents.
    """
    pairs = []
    for a, b in _party_candidates(profiles) | _text_candidates(profiles):
        score = _match(a, b)
        if score is not None:
            pairs.append((score, *sorted((a.doc_id, b.doc_id))))
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2]))


def _ordered(a: _Profile, b: _Profile) -> tuple[_Profile, _Profile]:
    return (a, b) if a.doc_id < b.doc_id else (b, a)


def _party_candidates(profiles: list[_Profile]) -> set[tuple[_Profile, _Profile]]:
    """Pairs within the date window that share a sender and an addressee: blocked by (sender, addressee)."""
    blocks: dict[tuple[str, str], list[_Profile]] = {}
    for profile in profiles:
        for sender in profile.senders:
            for addressee in profile.addressees:
                blocks.setdefault((sender, addressee), []).append(profile)
    found = set()
    for members in blocks.values():
        found |= _window_pairs(sorted(members, key=lambda p: p.day))
    return found


def _window_pairs(by_day: list[_Profile]) -> set[tuple[_Profile, _Profile]]:
    found = set()
    for i, a in enumerate(by_day):
        for b in by_day[i + 1:]:
            if (b.day - a.day).days > MAX_DAYS_APART:
                break
            if a.collection != b.collection:
                found.add(_ordered(a, b))
    return found


def _text_candidates(profiles: list[_Profile]) -> set[tuple[_Profile, _Profile]]:
    """Pairs within the date window whose texts might share SAME_TEXT_SIMILARITY of the shorter one's words.

    Prefix filtering: if two word sets share at least ceil(t·|S|) words (S the smaller), then any
    |S| - ceil(t·|S|) + 1 words of S include one of the other's. Taking S's rarest words as that "prefix" keeps
    the lookups short; each is answered from an inverted index of every text (positions in date order, so the
    date window is a slice found by bisection).
    """
    texts = sorted((p for p in profiles if len(p.text_words) >= MIN_TEXT_WORDS), key=lambda p: p.day)
    days = [p.day.toordinal() for p in texts]
    postings: dict[tuple[str, str], list[int]] = {}  # (collection, word) → positions in `texts`
    frequency: dict[str, int] = {}
    for position, profile in enumerate(texts):
        for word in profile.text_words:
            postings.setdefault((profile.collection, word), []).append(position)
            frequency[word] = frequency.get(word, 0) + 1
    days_of: dict[str, list[int]] = {}  # collection → the days of its texts, in order
    for profile, day in zip(texts, days):
        days_of.setdefault(profile.collection, []).append(day)
    found = set()
    for small in texts:
        size = len(small.text_words)
        day = small.day.toordinal()
        others = [c for c, c_days in days_of.items() if c != small.collection
                  and bisect_left(c_days, day - MAX_DAYS_APART) < bisect_right(c_days, day + MAX_DAYS_APART)]
        if not others:  # no other collection has a text in the date window
            continue
        first = bisect_left(days, day - MAX_DAYS_APART)
        last = bisect_right(days, day + MAX_DAYS_APART)
        prefix = size - math.ceil(SAME_TEXT_SIMILARITY * size) + 1
        rarest = sorted(small.text_words, key=lambda w: (frequency[w], w))[:prefix]
        for collection in others:
            for word in rarest:
                positions = postings.get((collection, word), ())
                for position in positions[bisect_left(positions, first):bisect_left(positions, last)]:
                    other = texts[position]
                    if len(other.text_words) >= size:
                        found.add(_ordered(small, other))
    return found


def _match(a: _Profile, b: _Profile) -> float | None:
    """The similarity of two copies, or None when they are not the same document.

    When both parties agree, a record without a body (most of secret-documents) is matched on date and parties
    alone, and copies with text need only alike text or titles. When the parties disagree, the texts must be
    substantially the same.
    """
    if a.collection == b.collection:
        return None
    parties_agree = bool(a.senders & b.senders and a.addressees & b.addressees)
    if not a.text_words or not b.text_words:
        return 0.5 * _overlap(a.title_words, b.title_words) if parties_agree else None
    similarity = max(_overlap(a.text_words, b.text_words), _overlap(a.title_words, b.title_words))
    if parties_agree and similarity >= MIN_SIMILARITY:
        return 1.0 + similarity
    long_enough = min(len(a.text_words), len(b.text_words)) >= MIN_TEXT_WORDS
    text_alike = _overlap(a.text_words, b.text_words) >= SAME_TEXT_SIMILARITY
    return similarity if long_enough and text_alike else None


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient: a short excerpt wholly inside a longer translation still scores 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _group(pairs: list[tuple[float, str, str]], collections: dict[str, str]) -> dict[str, set[str]]:
    """Merge pairs into groups, best pairs first, never putting two documents of one collection together."""
    group_of: dict[str, set[str]] = {}
    for _score, a, b in pairs:
        ga, gb = group_of.get(a, {a}), group_of.get(b, {b})
        if ga is gb:
            continue
        if {collections[x] for x in ga} & {collections[x] for x in gb}:
            continue
        merged = ga | gb
        for member in merged:
            group_of[member] = merged
    return group_of
