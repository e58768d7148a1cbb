"""The four small collections parsed from their real bundled source files."""
import re
from pathlib import Path

import pytest

from corpus.archive import APRF
from corpus.manifest import load_manifest
from corpus.parsers import get_parser
from corpus.parsers.cwihp_bulletin import reflow
from corpus.parsers.parties import parse_parties
from corpus.parsers.secret_documents import original_language

COLLECTIONS = Path(__file__).resolve().parents[2] / "corpus" / "collections"


def parsed(slug):
    manifest = load_manifest(COLLECTIONS / slug / "collection.toml")
    text = (COLLECTIONS / slug / manifest.source).read_text(encoding="utf-8")
    return {doc.number: doc for doc in get_parser(manifest.parser)(text, manifest)}


@pytest.fixture(scope="module")
def mansourov():
    return parsed("mansourov")


@pytest.fixture(scope="module")
def cwihp():
    return parsed("cwihp-bulletin")


@pytest.fixture(scope="module")
def secret():
    return parsed("secret-documents")


@pytest.fixture(scope="module")
def krasnaya():
    return parsed("krasnaya-zvezda")


def test_mansourov_has_documents_7_to_17_once(mansourov):
    assert sorted(mansourov, key=int) == [str(n) for n in range(7, 18)]
    assert all(doc.id == f"mansourov/{doc.number}" for doc in mansourov.values())


def test_mansourov_7_is_the_complete_copy(mansourov):
    doc = mansourov["7"]
    assert doc.title == ("Ciphered Telegram, Filippov (Stalin) to Soviet Ambassador in Beijing (N.V. Roshchin) "
                         "with message for Zhou Enlai")
    assert (doc.date.start, doc.date.end, doc.doc_type) == ("1950-07-05", "1950-07-05", "telegram")
    assert doc.senders_raw == ("Filippov (Stalin)",)
    assert doc.recipients_raw == ("Zhou Enlai",)
    assert doc.via_raw == ("Soviet Ambassador in Beijing (N.V. Roshchin)",)
    assert doc.body.startswith("Coded, only by wire")
    assert "9 Chinese divisions" in doc.body
    assert (doc.archive.repository, doc.archive.fond, doc.archive.delo, doc.archive.pages) == (APRF, "45", "331", "79")


def test_mansourov_bodies_are_clean(mansourov):
    for doc in mansourov.values():
        assert doc.date.is_dated and doc.title and doc.body
        assert doc.archive.repository == APRF and doc.archive.delo
        for furniture in ("Download", "Kb.", "Share with your friends", "copyright", "Main page", "Document ",
                          "[Source"):
            assert furniture not in doc.body, (doc.id, furniture)
        assert not re.search(r"^\s*\d+(\s+\d+)+\s*$", doc.body, re.MULTILINE), doc.id


def test_mansourov_parties_and_translator(mansourov):
    assert mansourov["13"].via_raw == ("Shtykov",)
    assert mansourov["10"].recipients_raw == ("Mao Zedong", "Zhou Enlai")
    assert mansourov["15"].senders_raw == ("Gromyko", "Vasilevsky")
    assert mansourov["14"].recipients_raw == ("Shtykov",)
    assert mansourov["12"].translator == "Kathryn Weathersby and Alexandre Mansourov"
    assert mansourov["9"].doc_type == "memorandum"
    assert mansourov["9"].title == "Memorandum Gromyko to Stalin, with draft cable from Gromyko to Shtykov"


def test_cwihp_entries_and_fragments(cwihp):
    numbered = sorted(n for n in cwihp if n.isdigit())
    fragments = sorted(n for n in cwihp if not n.isdigit())
    assert numbered == ["18", "21", "22", "24"]
    assert fragments == ["18a", "21a", "24a"]
    for number in fragments:
        assert cwihp[number].title.startswith("Fragment: ") and "header" in cwihp[number].title


def test_cwihp_18_is_the_5_july_telegram(cwihp):
    doc = cwihp["18"]
    assert (doc.date.start, doc.doc_type) == ("1950-07-05", "telegram")
    assert any("Filippov" in s and "Stalin" in s for s in doc.senders_raw)
    assert doc.body.startswith("Ciphered telegram No. 3172")
    assert "Chinese-Korean border" in doc.body  # "Chi-\nnese-Korean" rejoined
    assert doc.body.rstrip().endswith("Copies: Stalin (2), Molotov")


def test_cwihp_fragments_invent_nothing(cwihp):
    top = cwihp["18a"]
    assert "Kim Cha’ek" in top.body and "permanently located" in top.body
    assert (top.date.start, top.senders_raw, top.recipients_raw, top.doc_type) == ("", (), (), "")
    assert cwihp["24a"].senders_raw == ("Si (Stalin)",) and cwihp["24a"].recipients_raw == ("Shtykov",)
    assert cwihp["24a"].date.start == ""
    assert cwihp["21a"].date.start == "1950-07-08"  # the fragment's own dateline "Pyongyang. 8 July 1950."
    assert cwihp["21a"].senders_raw == ()


def test_cwihp_bodies_stop_before_the_next_text(cwihp):
    assert "American imperialists" not in cwihp["24"].body
    assert cwihp["24"].body.endswith("Kim Il Sung.")
    assert "Trygve Lie" not in cwihp["18"].body
    for doc in cwihp.values():
        assert not re.search(r"^\d{1,2}\. \d{1,2} [A-Z][a-z]+ \d{4},", doc.body, re.MULTILINE), doc.id


def test_reflow_joins_hyphenated_words_and_keeps_paragraphs():
    lines = ["with the staff of the front, and to be perma-", "nently located there with the staff.",
             "3. I ask you to hasten the resolution of the", "questions touched on.", "No. 439/sh."]
    assert reflow(lines) == ("with the staff of the front, and to be permanently located there with the staff.\n\n"
                             "3. I ask you to hasten the resolution of the questions touched on.\n\nNo. 439/sh.")


def test_secret_documents_105_entries_numbered_as_printed(secret):
    assert len(secret) == 105
    assert "1" in secret and "001" not in secret and "429" in secret
    assert {"56", "161", "224", "366"} <= set(secret)  # the entries known only from excerpts
    assert all(doc.id == f"secret-documents/{doc.number}" for doc in secret.values())


def test_secret_documents_first_entry(secret):
    doc = secret["1"]
    assert doc.title == "Kim Il-sung's report on the situation at the North Pyongyang Summit"
    assert (doc.doc_type, doc.classification, doc.date.start) == ("telegram", "Top Secret", "1949-05-15")
    assert (doc.senders_raw, doc.recipients_raw) == (("Shtikov",), ("Vyshinsky",))
    assert (doc.language, doc.original_language, doc.body) == ("en", "ru", "")


def test_secret_documents_67_is_the_5_july_telegram(secret):
    doc = secret["67"]
    assert doc.date.start == "1950-07-05"
    assert (doc.senders_raw, doc.recipients_raw) == (("Stalin",), ("Rosin",))
    assert doc.title == "The Soviet Union will provide air cover for Chinese forces"


def test_secret_documents_excerpts_become_bodies(secret):
    assert secret["161"].body.startswith("Four armies and three artillery divisions")
    assert "Gao Gang and Peng Dehui" in secret["161"].body
    assert (secret["161"].senders_raw, secret["161"].original_language) == (("Mao Zedong",), "zh")
    assert secret["426"].title == "Mao Zedong's remarks on the armistice issue"  # catalogue wins
    assert secret["426"].body.startswith("Mao Zedong pointed out")
    assert secret["56"].classification == "Top Secret"
    assert sum(1 for doc in secret.values() if doc.body) == 5


def test_secret_documents_skip_noise(secret):
    for doc in secret.values():
        assert "syncopation" not in doc.title + doc.body
        assert "Publisher's Review" not in doc.body and "ISBN" not in doc.body
        assert doc.date.is_dated, doc.id


def test_secret_documents_spellings_kept(secret):
    assert secret["320"].recipients_raw == ("Li Keqiang",)
    assert secret["320"].title == "We are better than our enemies. Don't show any signs of urgency"
    assert secret["6"].recipients_raw == ("Vishinsky",)
    assert secret["385"].senders_raw == ("Vasilevsky",) and secret["385"].recipients_raw == ("Stalin",)
    assert secret["63"].senders_raw == ("Mao Zedong",) and secret["63"].doc_type == "speech"
    assert secret["366"].recipients_raw == ("Kim Il-sung",)


def test_original_language_from_sender():
    assert original_language(("Zhou Enlai",)) == "zh"
    assert original_language(("Kim Il-sung",)) == "ko"
    assert original_language(("Razubayev",)) == "ru"
    assert original_language(("Trygv Liga",)) == ""


def test_krasnaya_zvezda_article(krasnaya):
    assert list(krasnaya) == ["1"]
    doc = krasnaya["1"]
    assert (doc.id, doc.title, doc.doc_type) == ("krasnaya-zvezda/1", "Stalin, Kim Il Sung, and the 38th Parallel",
                                                 "article")
    assert (doc.date.start, doc.date.end) == ("1995-08-05", "1995-08-05")
    assert doc.senders_raw == ("Anatoli Torkunov", "Yevgeniy Ufimtsev") and doc.recipients_raw == ()
    assert doc.body.startswith("Krasnaya Zvezda has already brought to light")
    for header in ("Subject:", "From: Mark Jarvis", "To: Hal Barker", "Return to Korean War Project"):
        assert header not in doc.body


@pytest.mark.parametrize("clause, expected", [
    ("Letter, Fyn Si [Stalin] to Kim Il Sung (via Shtykov)", (("Fyn Si [Stalin]",), ("Kim Il Sung",), ("Shtykov",))),
    ("Filippov (Stalin) to Soviet Ambassador Roshchin in PRC transmitting message to Mao",
     (("Filippov (Stalin)",), ("Mao",), ("Soviet Ambassador Roshchin",))),
    ("Filippov (Stalin) to Zhou Enlai or Mao Zedong (via Roshchin)",
     (("Filippov (Stalin)",), ("Zhou Enlai", "Mao Zedong"), ("Roshchin",))),
    ("Telegram from Mao Zedong to Li Keqiang and others", (("Mao Zedong",), ("Li Keqiang",), ())),
    ("Memorandum on the Partisan Movement", ((), (), ())),
])
def test_parse_parties(clause, expected):
    assert parse_parties(clause) == expected
