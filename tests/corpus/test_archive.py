"""Archive references from the notes as the sources write them."""
from pathlib import Path

import pytest

from corpus.archive import (
    AMSZ, APRF, AVPRF, PUBLISHED, RGASPI, TSAMO, note_translator, parse_source_note, split_source_notes,
)
from corpus.model import ArchiveRef

COLLECTIONS = Path(__file__).resolve().parents[2] / "corpus" / "collections"


@pytest.mark.parametrize("note, expected", [
    ("[Source: AP RF, F. 3, Op. 65, D. 775, pp. 74-76]", (APRF, "3", "65", "775", "", "74-76")),
    ("[Source: APRF, fond 45, opis 1, delo 331, list 79]", (APRF, "45", "1", "331", "", "79")),
    ("AVP RF, Fond 0102, Opis 6, Papka 21, Delo 48, Listy 1-3", (AVPRF, "0102", "6", "48", "21", "1-3")),
    ("RGASPI, f. 558, op. 11, d. 334", (RGASPI, "558", "11", "334", "", "")),
    ("TsAMO RF, F. 5, Op. 918795, D. 122", (TSAMO, "5", "918795", "122", "", "")),
    ("[Source: Archive of the President of the Russian Federation (AP RF), Fond (F.) 3,\n"
     "Opis (Op.) 65, Delo (D.) 775, pp. 74-76. Translated for NKIDP by Gary Goldberg]",
     (APRF, "3", "65", "775", "", "74-76")),
    ("[Source: AVPRF, F. 0102 1950i op. 6 p. 21, pp. 84-108. Translated for NKIDP by Gary Goldberg]",
     (AVPRF, "0102", "6", "", "21", "84-108")),
    ("[Source: RGASPI F. 558, Op. 11, D. 334, p. 90.]", (RGASPI, "558", "11", "334", "", "90")),
    ("[Source: Central Archive of the Ministry of Defense of the Russian Federation\n[TsAMO RF], F. 5, "
     "Op. 918795, D. 125, pp. 89-91.]", (TSAMO, "5", "918795", "125", "", "89-91")),
    ("[Source: Polish Foreign Ministry Archive. Copy in NKIDP Archive.]", (AMSZ, "", "", "", "", "")),
    ("AMSZ, Polish Foreign Ministry Archive, Zespół 11, wiązka 2", (AMSZ, "", "", "", "", "")),
    ("[Source: Printed in Voyna v Koree 1950-1953 gg [The War in Korea], pp. 84-89.]",
     (PUBLISHED, "", "", "", "", "84-89")),
    ("Presidential Archive, fond 3, opis 65, delo 827", (APRF, "3", "65", "827", "", "")),
])
def test_parse_source_note(note, expected):
    ref = parse_source_note(note)
    assert (ref.repository, ref.fond, ref.opis, ref.delo, ref.papka, ref.pages) == expected
    assert ref.raw == " ".join(note.split())


def test_two_archives_in_one_note_give_the_first():
    ref = parse_source_note("[Source: APRF, Fond 45, Opis 1, Delo 346, Listy 143-144 and AVPRF, Fond 059a, "
                            "Opis 5a, Delo 4, Papka 11, List 151.]")
    assert (ref.repository, ref.delo, ref.pages, ref.papka) == (APRF, "346", "143-144", "")


def test_archive_cited_with_its_publication_stays_archival():
    ref = parse_source_note("[Source: RGASPI. F. 558, Op. 11, D. 62, pp. 71-72. Published in: Andrei Lidovskii, "
                            "Novaia I Noveishaia Istoriia, No. 5 (2005), 79-113.]")
    assert (ref.repository, ref.delo, ref.pages) == (RGASPI, "62", "71-72")


@pytest.mark.parametrize("junk", ["", "   ", "[", "]]]", "Source:", "[Source: Translated by Gary Goldberg]", None])
def test_never_raises(junk):
    ref = parse_source_note(junk)
    assert ref.repository == "" and ref.fond == ""
    assert split_source_notes(junk)[1].fond == ""


def test_translator_from_note():
    assert note_translator("[Source: AP RF, F. 3. Translated for NKIDP by Gary\nGoldberg]") == "Gary Goldberg"
    assert note_translator("[Source: APRF, fond 45; translation by Kathryn Weathersby and Alexandre "
                           "Mansourov.]") == "Kathryn Weathersby and Alexandre Mansourov"
    assert note_translator("[Source: APRF, fond 45]") == ""


def test_split_removes_bracketed_note_and_keeps_editorial_brackets():
    body = ("Tell Zhou Enlai the following.\n[handwritten: AVP RF\nF. 0100\nOp. 44]\n\n"
            "[Source: APRF, fond 45, opis 1,\ndelo 331, list 79]\n\nNext paragraph.")
    cleaned, ref = split_source_notes(body)
    assert "[Source" not in cleaned and "delo 331" not in cleaned
    assert "[handwritten: AVP RF\nF. 0100\nOp. 44]" in cleaned
    assert cleaned.endswith("Next paragraph.")
    assert (ref.repository, ref.delo, ref.pages) == (APRF, "331", "79")


def test_split_finds_unbracketed_lines():
    body = "Text.\n\nAP RF F. 3. Op. 65. D. 830, p. 187-189. Original.\n\nSource: RGASPI, f. 558, op. 11, d. 334"
    cleaned, ref = split_source_notes(body)
    assert cleaned == "Text."
    assert (ref.repository, ref.delo, ref.pages) == (APRF, "830", "187-189")


def test_body_without_notes_is_returned_unchanged():
    assert split_source_notes("Comrade Kim Il Sung!\n\nText [sic].") == ("Comrade Kim Il Sung!\n\nText [sic].",
                                                                          ArchiveRef())


def test_every_bracketed_note_in_the_reader_names_its_repository():
    text = (COLLECTIONS / "nkidp-reader" / "source.txt").read_text(encoding="utf-8")
    notes = ["[Source:" + chunk.split("]")[0] + "]" for chunk in text.split("[Source:")[1:]]
    assert len(notes) >= 40
    unnamed = [note for note in notes if not parse_source_note(note).repository]
    assert unnamed == ["[Source: Translated for CWIHIP by Gary Goldberg]"]


# ---- citations in queries and reference keys -------------------------------------------------------------------

@pytest.mark.parametrize("query, key", [
    ("TsAMO F. 16, Op. 3139, D. 157", "tsamo|f16|o3139|d157"),
    ("AVPRF fond 059a opis 5a delo 3", "avprf|f059a|o5a|d3"),
    ("AP RF f. 3 op. 65 d. 830, pp. 107-112", "aprf|f3|o65|d830"),
    ("AVP RF F. 07 op. 24 d. 223", "avprf|f07|o24|d223"),
    ("Stalin fond 3 opis 65 delo 827", "|f3|o65|d827"),
    ("APRF f. 3", "aprf|f3"),
])
def test_a_citation_in_any_hand_gives_its_most_specific_key(query, key):
    from corpus.archive import citation_keys, find_citation

    found = find_citation(query)
    assert found is not None
    assert citation_keys(found[1])[0] == key


@pytest.mark.parametrize("query", ["Kim Il Sung", "p. 5 of the report", "f 16", "AP RF", "armistice talks"])
def test_no_citation_in_ordinary_queries(query):
    from corpus.archive import find_citation

    assert find_citation(query) is None


def test_page_numbers_expand_ranges_and_short_ends():
    from corpus.archive import page_numbers

    assert page_numbers("107-112") == [107, 108, 109, 110, 111, 112]
    assert page_numbers("123, 125") == [123, 125]
    assert page_numbers("170-71") == [170, 171]
    assert page_numbers("") == []


def test_reference_keys_run_from_the_archive_to_each_page():
    from corpus.archive import reference_keys

    ref = parse_source_note("AP RF. F. 3, Op. 65, D. 830, pp. 107-108. Original")
    assert reference_keys(ref) == ("aprf", "aprf|f3", "aprf|f3|o65", "aprf|f3|o65|d830",
                                   "aprf|f3|o65|d830|l107", "aprf|f3|o65|d830|l108")
    assert reference_keys(ref, repository=False)[:2] == ("|f3", "|f3|o65")
