"""Version linking: copies of one document across collections point at each other, and nothing else does."""
import multiprocessing
import pickle
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from corpus import versions
from corpus.model import DateRange, Document
from corpus.versions import link_profiles, link_versions, version_profile

STALIN_TO_ZHOU = (
    "We agree with the opinion of the Chinese comrades regarding the mediation of India. We consider it correct "
    "to concentrate immediately 9 Chinese divisions on the Chinese-Korean border for volunteer actions in North "
    "Korea in case the enemy crosses the 38th parallel. We will try to provide air cover for these units."
)
OTHER_TEXT = (
    "The staff of the front will move to Seoul in the near future. I ask your permission to have two advisers in "
    "every army group and for the main military adviser to go to Seoul with a group of officers."
)


def _doc(doc_id, day, senders, recipients, via=(), body="", title=""):
    collection, number = doc_id.split("/")
    return Document(id=doc_id, collection=collection, number=number, title=title, body=body,
                    date=DateRange(day, day, day, "day"), senders=tuple(senders), recipients=tuple(recipients),
                    via=tuple(via))


def _versions(documents):
    return {doc.id: doc.versions for doc in link_versions(documents)}


def test_the_four_copies_of_the_5_july_1950_telegram_form_one_group():
    docs = [
        _doc("nkidp-reader/16", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU,
             title="Telegram, Joseph Stalin to Zhou Enlai"),
        _doc("mansourov/7", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], via=["Nikolai Roshchin"],
             body=STALIN_TO_ZHOU.replace("We agree", "1. We agree"), title="Ciphered Telegram, Filippov (Stalin)"),
        _doc("cwihp-bulletin/18", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"],
             via=["Soviet Ambassador in Beijing"], body=STALIN_TO_ZHOU.upper()),
        _doc("secret-documents/67", "1950-07-05", ["Joseph Stalin"], ["Nikolai Roshchin"],
             title="Telegram from Stalin to Rosin"),
    ]
    versions = _versions(docs)
    for doc in docs:
        others = tuple(sorted(d.id for d in docs if d is not doc))
        assert versions[doc.id] == others


def test_same_date_but_different_parties_is_not_a_version():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-05", ["Terentii Shtykov"], ["Joseph Stalin"], body=OTHER_TEXT),
        _doc("c/1", "1950-07-05", ["Terentii Shtykov"], ["Andrei Vyshinsky"]),
    ]
    assert all(v == () for v in _versions(docs).values())


def test_same_parties_three_days_apart_is_not_a_version():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-08", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
    ]
    assert all(v == () for v in _versions(docs).values())


def test_one_day_apart_with_the_same_parties_is_a_version():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-06", ["Joseph Stalin"], ["Zhou Enlai"]),
    ]
    assert _versions(docs) == {"a/1": ("b/1",), "b/1": ("a/1",)}


def test_same_parties_but_different_texts_are_not_versions():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=OTHER_TEXT),
    ]
    assert all(v == () for v in _versions(docs).values())


def test_the_same_text_under_misread_parties_is_a_version():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-05", ["Beijing"], ["Soviet Ambassador in Beijing"], body=STALIN_TO_ZHOU),
    ]
    assert _versions(docs) == {"a/1": ("b/1",), "b/1": ("a/1",)}


def test_two_documents_of_one_collection_never_share_a_group():
    docs = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"]),
        _doc("a/2", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"]),
        _doc("b/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"]),
    ]
    versions = _versions(docs)
    assert "a/2" not in versions["a/1"] and "a/1" not in versions["a/2"]
    assert sum(bool(v) for v in versions.values()) == 2


def test_undated_and_month_dated_documents_are_never_linked():
    undated = Document(id="a/1", collection="a", number="1", senders=("Joseph Stalin",), recipients=("Mao Zedong",))
    month = Document(id="b/1", collection="b", number="1", senders=("Joseph Stalin",), recipients=("Mao Zedong",),
                     date=DateRange("1951-06-01", "1951-06-30", "June 1951", "month"))
    assert all(v == () for v in _versions([undated, month]).values())


def _every_pair(profiles):
    """The reference: compare every pair within the date window (what linking did before it was blocked)."""
    ordered = sorted((versions._Words.of(p) for p in profiles), key=lambda p: (p.day, p.doc_id))
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.day - a.day > versions.MAX_DAYS_APART:
                break
            score = versions._match(a, b)
            if score is not None:
                pairs.append((score, *sorted((a.doc_id, b.doc_id))))
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2]))


def _random_documents(seed, count=250):
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(rng.choice((40, 80, 300)))]
    people = ["Stalin", "Mao", "Kim", "Zhou", "Roshchin"]
    documents = []
    for n in range(count):
        day = (date(1950, 6, 1) + timedelta(days=rng.randint(0, 12))).isoformat()
        documents.append(_doc(f"c{n % 3}/{n}", day, rng.sample(people, rng.randint(0, 2)),
                              rng.sample(people, rng.randint(0, 2)),
                              body=" ".join(rng.sample(vocabulary, rng.choice((0, 5, 14, 15, 20, 30)))),
                              title=" ".join(rng.sample(vocabulary, 3))))
    return documents


@pytest.mark.parametrize("seed", range(6))
def test_blocked_linking_finds_exactly_the_pairs_that_comparing_every_pair_finds(seed):
    profiles = [p for p in map(version_profile, _random_documents(seed)) if p is not None]
    by_day = {}
    for profile in profiles:
        by_day.setdefault(profile.day, []).append(profile)
    assert versions._scored_pairs(by_day) == _every_pair(profiles)


def test_a_profile_is_a_small_picklable_signature_of_day_parties_and_words():
    doc = _doc("nkidp-reader/16", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], via=["Nikolai Roshchin"],
               body=STALIN_TO_ZHOU * 20, title="Telegram, Joseph Stalin to Zhou Enlai")
    profile = version_profile(doc)
    assert (profile.doc_id, profile.collection, date.fromordinal(profile.day)) == (doc.id, "nkidp-reader",
                                                                                    date(1950, 7, 5))
    assert profile.senders == {"Joseph Stalin"} and profile.addressees == {"Zhou Enlai", "Nikolai Roshchin"}
    assert pickle.loads(pickle.dumps(profile)) == profile
    # the body repeats itself 20 times: the words are a set, and only the first TEXT_CHARS count
    assert 15 <= profile.text_length <= 40 and len(pickle.dumps(profile)) < 600
    with pytest.raises(AttributeError):
        profile.day = 0


def test_profiles_ignore_case_accents_and_stopwords():
    plain = version_profile(_doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body="The Yalu crossing"))
    marked = version_profile(_doc("b/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body="YALU Crossíng of"))
    assert plain.text_words == marked.text_words and plain.text_length == 2


@pytest.mark.parametrize("day", ["", "1950-07", "1950-07-01/1950-07-31"])
def test_documents_without_a_single_day_have_no_profile(day):
    start, _, end = day.partition("/")
    doc = replace(_doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
                  date=DateRange(start, end or start, day, "range"))
    assert version_profile(doc) is None


def test_a_document_with_neither_parties_nor_text_has_no_profile():
    assert version_profile(_doc("a/1", "1950-07-05", ["Joseph Stalin"], [], title="Note")) is None
    assert version_profile(_doc("a/1", "1950-07-05", [], [], body="A few words")) is not None


def test_link_profiles_names_only_documents_that_have_versions_and_agrees_with_link_versions():
    documents = _random_documents(3, count=120)
    linked = link_profiles(version_profile(doc) for doc in documents)
    assert linked and all(others for others in linked.values())
    assert linked == {doc.id: doc.versions for doc in link_versions(documents) if doc.versions}
    for doc_id, others in linked.items():
        assert list(others) == sorted(others) and doc_id not in others
        assert all(doc_id in linked[other] for other in others)


def test_profiles_made_in_another_process_link_the_same():
    documents = [
        _doc("a/1", "1950-07-05", ["Joseph Stalin"], ["Zhou Enlai"], body=STALIN_TO_ZHOU),
        _doc("b/1", "1950-07-05", ["Beijing"], ["Soviet Ambassador in Beijing"], body=STALIN_TO_ZHOU),
    ]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        profiles = pool.map(version_profile, documents)
    assert link_profiles(profiles) == {"a/1": ("b/1",), "b/1": ("a/1",)}


def test_the_order_of_the_profiles_does_not_change_the_groups():
    profiles = [version_profile(doc) for doc in _random_documents(4, count=150)]
    shuffled = list(profiles)
    random.Random(1).shuffle(shuffled)
    assert link_profiles(shuffled) == link_profiles(profiles)


def test_a_crowded_day_finds_every_copy_with_a_bounded_number_of_comparisons(monkeypatch):
    """2,000 records of one day with the same parties, four editions of 500 telegrams: comparing every pair would
    be ~1.5 million comparisons; the rare words find each telegram's copies within a fixed number per record
    (those sharing most rare words, and the first of the day's block of parties)."""
    rng = random.Random(0)
    vocabulary = [f"word{n}" for n in range(5000)]
    texts = [" ".join(rng.sample(vocabulary, 40)) for _ in range(500)]
    documents = [_doc(f"ed{edition}/{n}", "1950-11-01", ["Joseph Stalin"], ["Mao Zedong"], body=text,
                      title="Telegram") for edition in range(4) for n, text in enumerate(texts)]
    compared = []
    match = versions._match
    monkeypatch.setattr(versions, "_match", lambda a, b: compared.append(1) or match(a, b))
    linked = link_profiles(version_profile(doc) for doc in documents)
    assert linked == {doc.id: tuple(sorted(f"ed{e}/{doc.number}" for e in range(4) if e != int(doc.collection[2:])))
                      for doc in documents}
    assert len(compared) <= len(documents) * (versions.MAX_KEYED + versions.SMALL_BLOCK)
