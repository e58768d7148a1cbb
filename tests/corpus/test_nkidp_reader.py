"""The NKIDP reader parsed from the bundled capture, checked against the reader's own List of Documents."""
import re
from pathlib import Path

import pytest

from corpus.dates import parse_date
from corpus.manifest import load_manifest
from corpus.parsers.nkidp_reader import clean_body, parse, read_list, title_parties

FOLDER = Path(__file__).resolve().parents[2] / "corpus" / "collections" / "nkidp-reader"
TEXT = (FOLDER / "source.txt").read_text(encoding="utf-8")
HEADER = re.compile(r"^\s*DOCU?M\w*\s*N[O0]\.?\s*\d+\s*$", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def documents():
    return parse(TEXT, load_manifest(FOLDER / "collection.toml"))


@pytest.fixture(scope="module")
def by_number(documents):
    return {int(d.number): d for d in documents}


@pytest.fixture(scope="module")
def entries():
    return read_list(TEXT.split("\n"))[0]


def test_all_126_documents_in_list_order(documents):
    assert [d.number for d in documents] == [str(n) for n in range(1, 127)]
    assert [d.id for d in documents][:2] == ["nkidp-reader/1", "nkidp-reader/2"]
    assert {d.collection for d in documents} == {"nkidp-reader"}


def test_the_list_is_read_whole(entries):
    assert [e.number for e in entries] == list(range(1, 127))
    assert [e.year for e in entries if e.number in (1, 5, 6, 36, 85, 101, 125)] == [1949, 1949, 1950, 1951, 1952,
                                                                                     1953, 1954]
    assert entries[16].title == "Telegram, Shtykov to Stalin, Transmitting Letter from Kim Il Sung to Joseph Stalin"


def test_every_date_is_the_lists_date(documents, entries):
    for document, entry in zip(documents, entries):
        expected = parse_date(entry.date_text, entry.year)
        assert expected.is_dated, entry
        assert document.date == expected


@pytest.mark.parametrize(
    ("number", "start", "end", "label", "precision"),
    [
        (16, "1950-07-05", "1950-07-05", "5 July 1950", "day"),
        (47, "1951-06-01", "1951-06-30", "June 1951", "month"),
        (67, "1951-09-07", "1951-09-13", "7–13 September 1951", "range"),
        (70, "1951-09-15", "1951-12-31", "after 15 September 1951", "after"),
        (90, "1952-05-19", "1952-06-15", "19 May – 15 June 1952", "range"),
        (113, "1953-07-27", "1953-12-31", "after 27 July 1953", "after"),
        (124, "1953-12-01", "1953-12-31", "1–31 December 1953", "range"),
    ],
)
def test_uncertain_dates(by_number, number, start, end, label, precision):
    date = by_number[number].date
    assert (date.start, date.end, date.label, date.precision) == (start, end, label, precision)


def test_titles_are_clean_and_classifications_moved(by_number):
    assert by_number[5].title == "Telegram, Joseph Stalin to Mao Zedong"
    assert by_number[5].classification == "Top Secret"
    assert by_number[10].title == "Telegram, Roshchin to Filippov [Stalin]"
    assert by_number[10].classification == "Secret"
    assert by_number[2].title == ("Memorandum of the USSR Minister of the Armed Forces and the Chief of the General "
                                  "Staff to the Chairman of the USSR Council of Ministers")
    assert by_number[1].title == "Excerpt from the minutes of a VKP(b) CC Politburo meeting"
    assert by_number[6].classification == "Strictly Secret"  # not in the list: read off the body's head
    for document in by_number.values():
        assert "  " not in document.title and "\n" not in document.title
        assert not document.title.startswith("[")


def test_doc_types(by_number):
    assert by_number[1].doc_type == "minutes"
    assert by_number[12].doc_type == "cable"
    assert by_number[14].doc_type == "note"
    assert by_number[96].doc_type == "record of conversation"
    assert by_number[20].doc_type == "decree"


@pytest.mark.parametrize(
    ("title", "senders", "recipients", "via"),
    [
        ("Telegram, Shtykov to Vyshinsky", ("Shtykov",), ("Vyshinsky",), ()),
        ("Telegram, Shtykov to Stalin, Transmitting Letter from Kim Il Sung to Joseph Stalin", ("Shtykov",),
         ("Stalin",), ()),
        ("Cable, Shtykov to Vyshinsky for the Politburo", ("Shtykov",), ("Vyshinsky",), ()),
        ("Telegram, Roshchin to Filippov [Stalin]", ("Roshchin",), ("Filippov [Stalin]",), ()),
        ("Letter, Fyn Si [Stalin] to Kim Il Sung (via Shtykov)", ("Fyn Si [Stalin]",), ("Kim Il Sung",),
         ("Shtykov",)),
        ("Telegram, Kim Il Sung and Pak Heonyeong to Iosif Vissarionovich Stalin", ("Kim Il Sung", "Pak Heonyeong"),
         ("Iosif Vissarionovich Stalin",), ()),
        ("Memorandum, Soviet ambassador to the DPRK to the Chairman of the USSR Council of Ministers",
         ("Soviet ambassador to the DPRK",), ("Chairman of the USSR Council of Ministers",), ()),
        ("Cable, Moscow to [Beijing], to the Soviet Ambassador", ("Moscow",), ("Soviet Ambassador",), ()),  # the address line names the recipient
        ("Cable from Vyshinsky to Molotov", ("Vyshinsky",), ("Molotov",), ()),
        ("Report to Stalin on Condition of Corps", (), ("Stalin",), ()),
        ("Note on the Reception of US Ambassador Kirk", (), (), ()),
        ("Report, General-Lieutenant to General-Colonel, Cde. M.S. Malinin", (), ("General-Colonel, Cde. M.S. Malinin",),
         ()),
    ],
)
def test_title_parties(title, senders, recipients, via):
    assert title_parties(title) == (senders, recipients, via)


def test_parties_on_records(by_number):
    assert (by_number[6].senders_raw, by_number[6].recipients_raw) == (("Shtykov",), ("Vyshinsky",))
    assert (by_number[16].senders_raw, by_number[16].recipients_raw) == (("Joseph Stalin",), ("Zhou Enlai",))
    assert by_number[100].recipients_raw == ("Semenov",)


def test_spot_checks(by_number):
    kirk = by_number[14]
    assert "Kirk" in kirk.title and "Kirk" in kirk.body
    zhou = by_number[16]
    assert "Zhou Enlai" in zhou.title
    assert re.search(r"\b9 Chinese divisions|nine Chinese divisions", zhou.body)
    assert "Thank you for the information about the armistice negotiations" in by_number[60].body
    assert by_number[25].body.startswith("ECONOMIC MEASURES OF THE DPRK GOVERNMENT")
    assert by_number[101].body.startswith("I. Polish-Korean relations.")
    assert by_number[114].body.startswith("Telegram\nOf the Soviet Chargé to the PRC")


def test_bodies_hold_one_document_each(documents, entries):
    for index, document in enumerate(documents):
        assert document.body.strip(), document.id
        assert not HEADER.search(document.body), document.id
        assert not re.search(r"^\s*\*\s*\*\s*\*", document.body, re.MULTILINE), document.id
        if index + 1 < len(entries):
            following = entries[index + 1]
            assert not document.body.startswith(following.title), document.id


def test_located_documents_do_not_swallow_their_neighbours(by_number):
    # documents found without a header end where the next one's letterhead begins
    assert "SECOND MAIN DIRECTORATE" not in by_number[76].body.split("\n\n", 1)[1]
    assert by_number[50].body.startswith("VERY URGENT")
    assert by_number[51].body.startswith("SERIES G")
    assert by_number[96].body.startswith("Record\nOf a Conversation between Stalin, Kim Il Sung, and Peng Dehuai")
    assert "Li Kenong" not in by_number[60].body


def test_no_page_furniture(documents):
    # A page number stands alone between breaks; a figure inside a stamp or a table row is the document's own.
    for document in documents:
        for paragraph in document.body.split("\n\n"):
            assert not re.fullmatch(r"\s*\d{1,3}\s*", paragraph), (document.id, paragraph)
            assert paragraph.strip() != "New Evidence on the Korean War"
        for line in document.body.split("\n"):
            assert not re.fullmatch(r"\s*-\s*\d{1,3}\s*-\s*", line), (document.id, line)
        assert "\f" not in document.body and "\n\n\n" not in document.body


def test_clean_body_reflows_and_joins_hyphens():
    wrapped = "x" * 70
    lines = [
        "DOCUMENT NO. 9 ",
        f"The {wrapped} Gov-",
        "ernment of the Chinese-",
        "",
        "Korean side agreed. ",
        " ",
        "[handwritten]: ",
        "Stalin ",
        "",
        "",
        "",
        "- 4 - ",
        " ",
        "New Evidence on the Korean War ",
        "12 ",
        "* * * ",
    ]
    assert clean_body(lines) == f"The {wrapped} Government of the Chinese-Korean side agreed.\n\n[handwritten]:\nStalin"


def test_source_notes_go_to_archive(by_number):
    first = by_number[1]
    assert first.archive.repository.startswith("Archive of the President")
    assert (first.archive.fond, first.archive.opis, first.archive.delo) == ("3", "65", "775")
    assert "[Source" not in first.body and "Source:" not in first.body
    assert first.translator == "Gary Goldberg"
    for document in by_number.values():
        assert "[Source:" not in document.body, document.id


def test_languages_and_translators(by_number):
    assert {d.language for d in by_number.values()} == {"en"}
    assert by_number[36].original_language == "pl"
    assert by_number[99].original_language == "pl" and by_number[99].translator == "Maya Latynski"
    assert by_number[16].original_language == "ru"
    assert not by_number[99].body.rstrip().endswith("Translated by Maya Latynski")


def test_body_signatory_reads_the_signature_not_the_clerk():
    from corpus.parsers.nkidp_reader import body_signatory

    assert body_signatory("Inform Mao.\n\nFilippov\n\n8 July 1950\n\nCopy N1 - to Cde. Stalin") == ("Filippov",)
    assert body_signatory("I await your response.\n\nGreetings FILIPPOV\n1 October 1950") == ("FILIPPOV",)
    assert body_signatory("Fifth.\n\n6 May 1951 FILIPPOV [STALIN]\n\nBOGOMOLOV\n\n6 May 51") == ("FILIPPOV",)
    assert body_signatory("With a proletarian greeting\n\nDeperasinski [trans. note: hard to read") == ("Deperasinski",)
    assert body_signatory("SPECIAL\n\n13 July 1950\n\nCopy N1 to Cde. Stalin") == ()


def test_a_ministry_without_country_takes_the_embassys():
    from corpus.parsers.parties import qualify_ministry

    assert qualify_ministry("Ministry of Foreign Affairs", ("Polish Embassy Beijing",)) == \
        "Polish Ministry of Foreign Affairs"
    assert qualify_ministry("Ministry of Foreign Affairs", ("Kim Il Sung",)) == "Ministry of Foreign Affairs"
