"""The benchmark's scaled corpus: deterministic, the size asked for, and made only of the real corpus's parts."""
from __future__ import annotations

import statistics
from dataclasses import replace
from itertools import islice

import pytest

from bench.generate import (FIRST_DAY, LAST_DAY, changed_copy, generate, iter_jsonl, iter_records, read_jsonl,
                            scaled_corpus, write_corpus, write_jsonl)
from corpus.loader import load_corpus


@pytest.fixture(scope="module")
def real():
    return load_corpus()


@pytest.fixture(scope="module")
def generated(real):
    return generate(400, seed=7, source=real)


def test_same_seed_gives_the_same_records(real, generated):
    assert generate(400, seed=7, source=real) == generated


def test_another_seed_gives_other_records(real, generated):
    assert generate(400, seed=8, source=real) != generated


@pytest.mark.parametrize("n", [1, 37, 400])
def test_size_and_ids(real, n):
    documents = generate(n, source=real)
    assert len(documents) == n
    assert [doc.id for doc in documents] == [f"bench-{n}/{i}" for i in range(1, n + 1)]
    assert all(doc.id == f"{doc.collection}/{doc.number}" for doc in documents)


def test_metadata_comes_from_the_real_corpus(real, generated):
    for field in ("doc_type", "classification", "language", "original_language", "translator", "title"):
        known = {getattr(doc, field) for doc in real.documents}
        assert {getattr(doc, field) for doc in generated} <= known, field
    assert {d.archive for d in generated} <= {d.archive for d in real.documents}
    senders = {name for doc in real.documents for name in doc.senders}
    recipients = {name for doc in real.documents for name in doc.recipients}
    assert {name for doc in generated for name in doc.senders} <= senders
    assert {name for doc in generated for name in doc.recipients} <= recipients


def test_people_and_places_are_authority_names_found_in_the_text(real, generated):
    canonical = {entry.canonical for entry in real.authority.entries}
    for doc in generated[:60]:
        assert set(doc.people) | set(doc.places) <= canonical
        found = {entry.canonical for entry in real.authority.find_mentions(doc.title + "\n\n" + doc.body)}
        assert set(doc.people) | set(doc.places) <= found


def test_bodies_are_real_paragraphs(real, generated):
    paragraphs = {p.strip() for doc in real.documents for p in doc.body.split("\n\n") if p.strip()}
    for doc in generated[:100]:
        assert doc.body.strip()
        assert set(doc.body.split("\n\n")) <= paragraphs


def test_lengths_and_facets_follow_the_real_distribution(real, generated):
    real_median = statistics.median(len(doc.body) for doc in real.documents if doc.body)
    ours = statistics.median(len(doc.body) for doc in generated)
    assert real_median / 2 < ours < real_median * 2
    telegrams = sum(doc.doc_type in ("telegram", "cable") for doc in real.documents) / len(real.documents)
    ours_telegrams = sum(doc.doc_type in ("telegram", "cable") for doc in generated) / len(generated)
    assert abs(telegrams - ours_telegrams) < 0.15


def test_dates_stay_in_the_war_years_and_keep_their_shape(generated):
    dated = [doc.date for doc in generated if doc.date.is_dated]
    assert dated
    for date in dated:
        assert FIRST_DAY.isoformat() <= date.start <= date.end <= LAST_DAY.isoformat()
        if date.precision == "day":
            assert date.start == date.end
        if date.precision == "month":
            assert date.start.endswith("-01") and date.start[:7] == date.end[:7]
        assert date.label


def test_scaled_corpus_is_what_the_index_builder_takes(real):
    corpus = scaled_corpus(25, source=real)
    assert len(corpus.documents) == 25
    assert corpus.authority is real.authority
    assert corpus.corpus_hash() == scaled_corpus(25, source=real).corpus_hash()
    edited = list(corpus.documents)
    edited[3] = changed_copy(edited[3])
    assert type(corpus)(corpus.root, edited, corpus.authority, corpus.manifests).corpus_hash() != corpus.corpus_hash()


def test_jsonl_round_trip(tmp_path, generated):
    write_jsonl(generated[:20], tmp_path / "documents.jsonl")
    assert read_jsonl(tmp_path / "documents.jsonl") == generated[:20]


def test_records_stream_one_at_a_time(real, generated):
    """A million records are made as they are asked for: the first of a trillion comes at once."""
    first = list(islice(iter_records(10**12, source=real), 3))
    assert [doc.id for doc in first] == [f"bench-{10**12}/{i}" for i in (1, 2, 3)]
    assert list(iter_records(400, seed=7, source=real)) == generated


def test_versions_pair_neighbours_both_ways(generated):
    by_id = {doc.id: doc for doc in generated}
    paired = [doc for doc in generated if doc.versions]
    assert paired
    for doc in paired:
        (other,) = doc.versions
        assert by_id[other].versions == (doc.id,)
        assert abs(int(other.split("/")[1]) - int(doc.number)) == 1
        assert by_id[other].date == doc.date and by_id[other].senders == doc.senders


def test_the_corpus_streamed_to_disk_is_the_generated_records(real, tmp_path):
    written = write_corpus(60, tmp_path, seed=3, source=real)
    expected = [replace(doc, versions=()) for doc in generate(60, seed=3, source=real)]
    assert (written.documents, written.path) == (60, tmp_path / "bench-60" / "documents.jsonl")
    assert list(iter_jsonl(written.path)) == expected
    assert written.mean_body_chars == round(sum(len(doc.body) for doc in expected) / 60)
    loaded = load_corpus(tmp_path)
    assert not loaded.problems
    assert [doc.id for doc in loaded.documents] == [doc.id for doc in expected]
