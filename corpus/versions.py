"""Version linking: the same telegram printed in several collections (a reader, a bulletin, a Korean edition) is
one document to a historian, so each copy lists the others in `versions`.

Linking runs on compact per-document signatures (`version_profile`), not on documents, so that a build which
streams its records only has to keep one small `VersionProfile` per document (`link_profiles`).
"""
from __future__ import annotations

import re
import sys
import zlib
from array import array
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from typing import Iterable, Iterator

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
_WORD_ID = "I"  # unsigned 32-bit: four bytes a word


@dataclass(frozen=True, slots=True)
class VersionProfile:
    """What linking needs of one document, and nothing more: ~0.5 KB where the document is ~7 KB.

    `day` is the proleptic ordinal of its single day; `title_words`/`text_words` are the sorted CRC-32s of its
    folded non-stop words (`array("I")` bytes), stable across processes so profiles made by different workers
    compare. Picklable, hashable, immutable.
    """

    doc_id: str
    collection: str
    day: int
    senders: frozenset[str]
    addressees: frozenset[str]
    title_words: bytes
    text_words: bytes

    @property
    def text_length(self) -> int:
        return len(self.text_words) // array(_WORD_ID).itemsize


def version_profile(document: Document) -> VersionProfile | None:
    """The document's signature, or None for documents that cannot be matched: undated, dated only to a month
    or more, or with neither parties nor text to compare."""
    day = _single_day(document)
    senders = frozenset(map(sys.intern, document.senders))
    addressees = frozenset(map(sys.intern, document.recipients + document.via))
    if day is None or not ((senders and addressees) or document.body.strip()):
        return None
    return VersionProfile(
        doc_id=document.id,
        collection=sys.intern(document.collection),
        day=day.toordinal(),
        senders=senders,
        addressees=addressees,
        title_words=_word_ids(document.title),
        text_words=_word_ids(document.body[:TEXT_CHARS]),
    )


def link_profiles(profiles: Iterable[VersionProfile]) -> dict[str, tuple[str, ...]]:
    """Document id → the other members of its group, sorted; only documents that have versions appear.

    Symmetric and transitive; a group never holds two documents of one collection.
    """
    words = [_Words.of(p) for p in profiles if p is not None]
    groups = _group(_scored_pairs(words), {w.doc_id: w.collection for w in words})
    return {doc_id: tuple(sorted(group - {doc_id})) for doc_id, group in groups.items()}


def link_versions(documents: list[Document]) -> list[Document]:
    """Documents with `versions` filled from `link_profiles` of their profiles."""
    linked = link_profiles(version_profile(doc) for doc in documents)
    return [replace(doc, versions=linked.get(doc.id, ())) for doc in documents]


def _single_day(document: Document) -> date | None:
    start, end = document.date.start, document.date.end
    if not start or not end:
        return None
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return None
    return first if (last - first).days <= MAX_DAYS_APART else None


def _word_ids(text: str) -> bytes:
    words = {w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS}
    return array(_WORD_ID, sorted({zlib.crc32(w.encode()) for w in words})).tobytes()


@dataclass(frozen=True, slots=True)
class _Words:
    """A profile with its word ids unpacked into sets, for comparing; made only while linking."""

    doc_id: str
    collection: str
    day: int
    senders: frozenset[str]
    addressees: frozenset[str]
    title_words: frozenset[int]
    text_words: frozenset[int]

    @classmethod
    def of(cls, profile: VersionProfile) -> _Words:
        return cls(profile.doc_id, profile.collection, profile.day, profile.senders, profile.addressees,
                   _unpack(profile.title_words), _unpack(profile.text_words))


def _unpack(word_ids: bytes) -> frozenset[int]:
    ids = array(_WORD_ID)
    ids.frombytes(word_ids)
    return frozenset(ids)


def _scored_pairs(profiles: list[_Words]) -> list[tuple[float, str, str]]:
    """Pairs that are versions of each other, best first (ties by id, so the grouping is deterministic).

    Only candidate pairs are compared, found through two blocking keys on top of the date window: documents of
    other collections that both have enough text to be alike in text, and documents that share a sender and an
    addressee. `_match` accepts no other pair, so the result is the one comparing every pair would give.
    """
    long_texts = [p for p in profiles if len(p.text_words) >= MIN_TEXT_WORDS]
    short = {p.doc_id for p in profiles} - {p.doc_id for p in long_texts}
    candidates = chain(_window_pairs(sorted(long_texts, key=lambda p: p.day)),
                       # pairs of two long texts were in the window pairs already
                       ((a, b) for a, b in _party_candidates(profiles) if a.doc_id in short or b.doc_id in short))
    pairs = []
    for a, b in candidates:
        score = _match(a, b)
        if score is not None:
            pairs.append((score, *sorted((a.doc_id, b.doc_id))))
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2]))


def _party_candidates(profiles: list[_Words]) -> set[tuple[_Words, _Words]]:
    """Pairs within the date window that share a sender and an addressee: blocked by (sender, addressee)."""
    blocks: dict[tuple[str, str], list[_Words]] = {}
    for profile in profiles:
        for sender in profile.senders:
            for addressee in profile.addressees:
                blocks.setdefault((sender, addressee), []).append(profile)
    found = set()
    for members in blocks.values():
        found.update((a, b) if a.doc_id < b.doc_id else (b, a)
                     for a, b in _window_pairs(sorted(members, key=lambda p: p.day)))
    return found


def _window_pairs(by_day: list[_Words]) -> Iterator[tuple[_Words, _Words]]:
    """Pairs of different collections at most MAX_DAYS_APART apart, from profiles in date order."""
    count = len(by_day)
    for i, a in enumerate(by_day):
        for j in range(i + 1, count):
            b = by_day[j]
            if b.day - a.day > MAX_DAYS_APART:
                break
            if a.collection != b.collection:
                yield a, b


def _match(a: _Words, b: _Words) -> float | None:
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


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
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
