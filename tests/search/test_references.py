"""Archive references are searchable: a pasted citation, in whichever hand, finds its documents, pages first."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("q, expected", [
    ("TsAMO F. 16, Op. 3139, D. 157", {"nkidp-reader/89", "nkidp-reader/90", "nkidp-reader/91"}),
    ("AVPRF fond 059a opis 5a delo 3", {"nkidp-reader/7", "nkidp-reader/8"}),
    ("AP RF f. 3 op. 65 d. 830, pp. 107-112", {"nkidp-reader/110", "nkidp-reader/116", "nkidp-reader/119"}),
    ("AVP RF F. 07 op. 24 d. 223", {"nkidp-reader/93"}),
    ("tsamo f 16 op 3139 d 157", {"nkidp-reader/89", "nkidp-reader/90", "nkidp-reader/91"}),
])
def test_each_spelling_of_a_citation_finds_exactly_its_documents(real, q, expected):
    result = search(real, q=q, per_page="50")
    ids = {hit.id for hit in result.hits} | {v["id"] for hit in result.hits for v in hit.versions}
    assert expected <= ids
    assert {hit.id for hit in result.hits} <= expected


def test_the_document_holding_the_cited_page_comes_first(real):
    result = search(real, q="AP RF f. 3 op. 65 d. 830, p. 171")
    assert result.hits[0].id == "nkidp-reader/116"  # pp. 170-71
    result = search(real, q="TsAMO F. 16, Op. 3139, D. 157, p. 30")
    assert result.hits[0].id == "nkidp-reader/90"  # pp. 27-35


def test_ref_and_archive_fields_take_a_citation(real):
    by_ref = search(real, q='ref:"APRF fond 3 opis 65 delo 827 list 139"')
    assert by_ref.hits[0].id == "mansourov/17"
    assert by_ref.total == search(real, q='archive:"APRF, fond 3, opis 65, delo 827"').total == 5


def test_archive_field_still_names_a_repository(real):
    result = search(real, q="archive:TsAMO")
    assert result.total == 6


def test_a_citation_with_words_needs_both(real):
    result = search(real, q="Stalin fond 3 opis 65 delo 827")
    assert {hit.id for hit in result.hits} == {"mansourov/8", "mansourov/9", "mansourov/15", "mansourov/17"}
