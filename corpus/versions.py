"""Version linking: the same telegram printed in several collections (a reader, a bulletin, a Korean edition) is
one document to a historian, so each copy lists the others in `versions`.

Linking runs on compact per-document signatures (`version_profile`), not on documents, so that a build which
streams its records only has to keep one small `VersionProfile` per document (`link_profiles`).
"""
from __future__ import annotations

import gc
import sys
import zlib
from array import array
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Iterator

from corpus.authority import fold_words
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
_WORD_ID = "I"  # unsigned 32-bit: four bytes a word
# What keeps linking linear however crowded a day is (see `_candidates`).
KEY_WORDS = 16
REACH_WORDS = 48
MAX_POSTING = 128
MAX_KEYED = 32
SMALL_BLOCK = 48


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


def link_profiles(profiles: Iterable[VersionProfile | None]) -> dict[str, tuple[str, ...]]:
    """Document id → the other members of its group, sorted; only documents that have versions appear.

    Symmetric and transitive; a group never holds two documents of one collection. The result does not depend
    on the order of `profiles`.
    """
    by_day: dict[int, list[VersionProfile]] = {}
    for profile in profiles:
        if profile is not None:
            by_day.setdefault(profile.day, []).append(profile)
    collections = {p.doc_id: p.collection for members in by_day.values() for p in members}
    with _without_cycle_collection():
        groups = _group(_scored_pairs(by_day), collections)
    return {doc_id: tuple(sorted(group - {doc_id})) for doc_id, group in groups.items()}


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Linking makes millions of small lists and sets and no reference cycles; left on, the cycle collector
    walks every live profile again and again (~30% of linking's time at 25,000 documents)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def link_versions(documents: list[Document]) -> list[Document]:
    """Documents with `versions` filled from `link_profiles` of their profiles."""
    linked = link_profiles(version_profile(doc) for doc in documents)
    return [doc if doc.versions == (found := linked.get(doc.id, ())) else replace(doc, versions=found)
            for doc in documents]


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
    words = set(fold_words(text)) - _STOPWORDS
    return array(_WORD_ID, sorted(set(map(zlib.crc32, map(str.encode, words))))).tobytes()


@dataclass(frozen=True, slots=True, eq=False)
class _Words:
    """A profile with its word ids unpacked into sets, for comparing; made only while its days are in the window.

    Compared by identity: candidates are counted in dictionaries keyed by these.
    """

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
    return frozenset(_ids(word_ids))


def _scored_pairs(by_day: dict[int, list[VersionProfile]]) -> list[tuple[float, str, str]]:
    """Pairs that are versions of each other, best first (ties by id, so the grouping is deterministic)."""
    pairs = []
    for a, b in _candidates(by_day, _rarity(by_day)):
        score = _match(a, b)
        if score is not None:
            pairs.append((score, *sorted((a.doc_id, b.doc_id))))
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2]))


def _rarity(by_day: dict[int, list[VersionProfile]]) -> dict[int, int]:
    """Word id → its place (from 1) in the corpus's order of rarity (fewest documents first, ties by id), for the
    words of more than one document."""
    frequency: Counter[int] = Counter()
    for members in by_day.values():
        for profile in members:
            frequency.update(_ids(profile.text_words))
            frequency.update(_ids(profile.title_words))
    # a word of one document leads nowhere
    order = sorted((word for word, count in frequency.items() if count > 1), key=lambda word: (frequency[word], word))
    return {word: place for place, word in enumerate(order, start=1)}


def _ids(word_ids: bytes) -> array:
    ids = array(_WORD_ID)
    ids.frombytes(word_ids)
    return ids


@dataclass
class _Day:
    """One day's documents, indexed for the documents after them: by their rarest words (`by_key`, KEY_WORDS of
    each), by a wider reach of rare words (`by_reach`, REACH_WORDS of each), and by (sender, addressee); at most
    MAX_POSTING documents under one word and SMALL_BLOCK under one pair of parties."""

    day: int
    by_key: dict[int, list[_Words]] = field(default_factory=dict)
    by_reach: dict[int, list[_Words]] = field(default_factory=dict)
    by_parties: dict[tuple[str, str], list[_Words]] = field(default_factory=dict)

    def add(self, words: _Words, reach: list[int]) -> None:
        for index, rare in ((self.by_key, reach[:KEY_WORDS]), (self.by_reach, reach)):
            for word in rare:
                posting = index.setdefault(word, [])
                if len(posting) < MAX_POSTING:
                    posting.append(words)
        for parties in _party_keys(words):
            block = self.by_parties.setdefault(parties, [])
            if len(block) < SMALL_BLOCK:
                block.append(words)

    def sharing(self, reach: list[int]) -> Iterator[list[_Words]]:
        """Postings of documents whose keys are in `reach`, or whose reach holds one of its keys."""
        for index, rare in ((self.by_reach, reach[:KEY_WORDS]), (self.by_key, reach)):
            for word in rare:
                posting = index.get(word)
                if posting:
                    yield posting


def _candidates(by_day: dict[int, list[VersionProfile]], rarity: dict[int, int]) -> Iterator[tuple[_Words, _Words]]:
    """Pairs of documents of different collections at most MAX_DAYS_APART apart worth comparing, each once.

    Two blocking keys find them, each bounded so that no day, however crowded, makes the work quadratic:
    - shared rare words: a document's keys are its KEY_WORDS rarest words (of those in more than one document),
      its reach its REACH_WORDS rarest; two documents are candidates when the keys of one meet the reach of the
      other (an excerpt's rare words are not the rarest of the whole text it was cut from). A word leads to at
      most MAX_POSTING documents of a day, and at most MAX_KEYED documents are compared, those sharing most
      first. Copies of one text share their rare words (names, numbers, places); unrelated texts seldom do.
    - a shared sender and addressee: the members of a (sender, addressee) block of the window are compared, which
      matches records without text (date and parties are all they have) to their copies; only the first
      SMALL_BLOCK of a day (by id) are, so on a crowded day the others are reached through shared words only.
    """
    window: list[_Day] = []
    for day in sorted(by_day):
        window = [earlier for earlier in window if day - earlier.day <= MAX_DAYS_APART]
        today = _Day(day)
        window.append(today)
        for profile in sorted(by_day[day], key=lambda p: p.doc_id):
            words = _Words.of(profile)
            # its rarest words, each named by its place in the order of rarity
            reach = sorted(filter(None, map(rarity.get, words.text_words | words.title_words)))[:REACH_WORDS]
            shared: Counter[_Words] = Counter()
            for indexed in window:
                for posting in indexed.sharing(reach):
                    shared.update(posting)
            compared: dict[_Words, None] = {}
            for parties in _party_keys(words):
                for indexed in window:
                    compared.update(dict.fromkeys(indexed.by_parties.get(parties, ())))
            ranked = sorted((other for other in shared if other.collection != words.collection),
                            key=lambda other: (-shared[other], other.doc_id))
            compared.update(dict.fromkeys(ranked[:MAX_KEYED]))
            for other in compared:
                if other.collection != words.collection:
                    yield words, other
            today.add(words, reach)


def _party_keys(words: _Words) -> list[tuple[str, str]]:
    return [(sender, addressee) for sender in words.senders for addressee in words.addressees]


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
