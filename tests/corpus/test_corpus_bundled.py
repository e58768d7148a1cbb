"""The bundled collections as a historian would check them: counts, ids, parties, versions, dates."""
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from corpus.check import check_corpus
from corpus.cli import corpus_group


def test_counts_per_collection(corpus):
    counts = Counter(d.collection for d in corpus.documents)
    assert counts["nkidp-reader"] == 126
    assert counts["mansourov"] == 11
    assert counts["secret-documents"] == 105
    assert counts["krasnaya-zvezda"] == 1
    numbered = {d.number for d in corpus.documents if d.collection == "cwihp-bulletin"}
    assert {"18", "21", "22", "24"} <= numbered
    fragments = [d for d in corpus.documents if d.collection == "cwihp-bulletin" and not d.number.isdigit()]
    assert fragments and all("fragment" in d.title.lower() for d in fragments)


def test_ids_are_unique_and_well_formed(corpus):
    ids = [d.id for d in corpus.documents]
    assert len(ids) == len(set(ids))
    assert all(d.id == f"{d.collection}/{d.number}" for d in corpus.documents)
    assert {f"nkidp-reader/{n}" for n in range(1, 127)} <= set(ids)
    assert {f"mansourov/{n}" for n in range(7, 18)} <= set(ids)


def test_every_party_resolves(corpus):
    for doc in corpus.documents:
        for raw in doc.senders_raw + doc.recipients_raw + doc.via_raw:
            assert corpus.authority.resolve_all(raw), f"{doc.id}: {raw!r}"


def test_stalin_to_zhou_5_july_1950_versions_point_at_each_other(corpus):
    group = {"nkidp-reader/16", "mansourov/7", "cwihp-bulletin/18", "secret-documents/67"}
    for doc_id in group:
        doc = corpus.by_id[doc_id]
        assert set(doc.versions) == group - {doc_id}, doc_id
        assert doc.date.start == "1950-07-05"
        assert "Joseph Stalin" in doc.senders


def test_kirk_note(corpus):
    doc = corpus.by_id["nkidp-reader/14"]
    assert "Kirk" in doc.title and "Kirk" in doc.body


def test_check_passes_on_bundled_corpus(corpus):
    report = check_corpus(corpus)
    assert report.ok, report.render()


def test_export_prints_one_record_per_line(corpus):
    result = CliRunner().invoke(corpus_group, ["export", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(corpus.documents)
    record = json.loads(lines[0])
    assert {"id", "date", "senders", "archive", "versions", "body"} <= set(record)


def test_check_reports_dates_that_disagree_with_the_list(corpus):
    from dataclasses import replace

    from corpus.model import DateRange

    wrong = replace(corpus.by_id["nkidp-reader/16"], date=DateRange("1950-07-06", "1950-07-06", "6 July 1950", "day"))
    altered = type(corpus)(corpus.root, [wrong if d.id == wrong.id else d for d in corpus.documents],
                           corpus.authority, corpus.manifests, list(corpus.problems))
    report = check_corpus(altered)
    assert not report.ok
    assert any("nkidp-reader/16: date '6 July 1950'" in e for e in report.errors)


def test_all_126_reader_dates_equal_the_list(corpus):
    from corpus.parsers.nkidp_reader import expected_dates

    manifest = next(m for m in corpus.manifests if m.slug == "nkidp-reader")
    expected = expected_dates((manifest.folder / manifest.source).read_text(encoding="utf-8"))
    assert len(expected) == 126
    for number, want in expected.items():
        doc = corpus.by_id[f"nkidp-reader/{number}"]
        assert (doc.date.start, doc.date.end) == (want.start, want.end) and want.start, number


@pytest.mark.parametrize("number", ["18", "19", "30", "40"])
def test_stalins_telegrams_to_beijing_are_sent_by_stalin_not_by_the_city(corpus, number):
    doc = corpus.by_id[f"nkidp-reader/{number}"]
    assert doc.senders == ("Joseph Stalin",)
    assert doc.recipients == ("Soviet Ambassador in Beijing",)


def test_the_telegram_signed_vyshinsky_is_his(corpus):
    assert corpus.by_id["nkidp-reader/23"].senders == ("Andrei Vyshinsky",)


def test_a_bare_foreign_ministry_is_the_writing_embassys_country(corpus):
    doc = corpus.by_id["nkidp-reader/63"]
    assert doc.recipients_raw == ("Polish Ministry of Foreign Affairs",)
    assert doc.recipients == ("Polish Foreign Ministry",)
    assert corpus.authority.resolve_all("Ministry of Foreign Affairs") == []


def test_no_sender_is_a_place(corpus):
    places = {e.canonical for e in corpus.authority.entries if e.kind == "place"}
    assert not [d.id for d in corpus.documents if places & set(d.senders)]


def test_check_flags_a_place_as_sender(corpus):
    from dataclasses import replace

    wrong = replace(corpus.by_id["nkidp-reader/18"], senders_raw=("[Beijing]",))
    altered = type(corpus)(corpus.root, [wrong if d.id == wrong.id else d for d in corpus.documents],
                           corpus.authority, corpus.manifests, list(corpus.problems))
    report = check_corpus(altered)
    assert "nkidp-reader/18: sender '[Beijing]' is Beijing (place), not a person or organisation" in report.errors
