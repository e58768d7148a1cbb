"""The pure pieces of citing and exporting, without an index: dates at their precision, names as the authority
files them, the Chicago citation's punctuation, and the alignment of versions."""
from __future__ import annotations

from corpus.authority import Authority
from corpus.manifest import Manifest
from web.citation import chicago, curl_quotes
from web.reference import Creator, ReferenceDate, archive_location, contributors, reference
from web.reference_formats import bibtex_names, csl_date, iso_date, ris_date
from web.version_compare import align, differing_fields, mark_row

AUTHORITY = Authority.load()
MANIFEST = Manifest(slug="reader", title="New Evidence", citation='Editors, ed., New Evidence: "Reader" (2010)',
                    editor="James F. Person", family_names=(("James F. Person", "Person"),))


def record(**fields) -> dict:
    base = {"id": "reader/1", "collection": "reader", "number": "1", "title": "A report", "doc_type": "report",
            "date": {"start": "1951-06-01", "end": "1951-06-30", "label": "June 1951", "precision": "month"}}
    return {**base, **fields}


def test_dates_never_invent_a_day():
    month = ReferenceDate("1951-06-01", "1951-06-30", "June 1951", "month")
    assert (ris_date(month), month.edtf, iso_date(month), csl_date(month)) == \
        ("1951/06//", "1951-06", "1951-06", {"date-parts": [[1951, 6]]})
    span = ReferenceDate("1952-05-19", "1952-06-15", "19 May – 15 June 1952", "range")
    assert (ris_date(span), span.edtf, iso_date(span)) == ("1952///19 May – 15 June 1952", "1952-05-19/1952-06-15",
                                                           "1952")
    after = ReferenceDate("1951-09-15", "1951-12-31", "after 15 September 1951", "after")
    assert ris_date(after) == "1951///after 15 September 1951"
    assert after.edtf == "1951-09-15/.." and iso_date(after) == "1951"
    day = ReferenceDate("1950-07-05", "1950-07-05", "5 July 1950", "day")
    assert (ris_date(day), day.edtf) == ("1950/07/05/", "1950-07-05")
    assert ris_date(ReferenceDate()) == "" and csl_date(ReferenceDate()) is None


def test_names_filed_by_the_authority():
    ref = reference(record(senders=["Kim Il Sung", "Joseph Stalin", "USSR Ministry of War", "Beijing"],
                           doc_type="telegram"), MANIFEST, AUTHORITY, "u")
    assert [c.inverted for c in ref.authors] == ["Kim, Il Sung", "Stalin, Joseph", "USSR Ministry of War"]
    assert bibtex_names(ref.authors) == "Kim, Il Sung and Stalin, Joseph and {USSR Ministry of War}"
    assert ref.item_type == "letter"
    assert [c.inverted for c in ref.editors] == ["Person, James F."]


def test_contributors_use_the_collections_family_names():
    found = contributors("Kim Dong-gil; Lee Kang-beom and Gary Goldberg", AUTHORITY, {"Kim Dong-gil": "Kim"})
    assert [(c.family, c.given) for c in found] == [("Kim", "Dong-gil"), ("Kang-beom", "Lee"), ("Goldberg", "Gary")]


def test_every_person_in_the_authority_has_a_family_name_from_its_canonical_name():
    people = [e for e in AUTHORITY.entries if e.kind == "person"]
    assert people and all(e.family and e.family in e.canonical for e in people)
    by_key = {e.key: e for e in people}
    assert (by_key["kim-il-sung"].family, by_key["kim-il-sung"].given) == ("Kim", "Il Sung")
    assert (by_key["mao-zedong"].family, by_key["joseph-stalin"].family) == ("Mao", "Stalin")


def test_archive_location_single_page_and_range():
    assert archive_location({"fond": "558", "opis": "11", "delo": "334", "pages": "79"}) == \
        "f. 558, op. 11, d. 334, p. 79"
    assert archive_location({"fond": "16", "pages": "27-35"}) == "f. 16, pp. 27-35"


def test_chicago_has_one_full_stop_curly_quotes_and_describes_cut_titles():
    undated = reference(record(date={}, title='On "Operation" plans'), MANIFEST, AUTHORITY, "https://x/doc/reader/1")
    text = chicago(undated, MANIFEST)
    assert "n.d.," in text and ".." not in text and '"' not in text
    assert "“On ‘Operation’ plans,” n.d., in Editors, ed., New Evidence: “Reader” (2010), no. 1" in text
    cut = reference(record(title="Ciphered telegram, Filippov (Stalin) to Zhou Enlai (via N.V. […]",
                           doc_type="note", senders=["Joseph Stalin"]), MANIFEST, AUTHORITY, "u")
    assert "[…]" not in chicago(cut, MANIFEST)
    assert curl_quotes("it's \"x\"") == "it’s “x”"


def test_a_collection_of_one_is_not_cited_inside_itself():
    article = Manifest(slug="kz", title="Stalin and the Parallel", periodical="Krasnaya Zvezda",
                       citation='A. Author, "Stalin and the Parallel," Krasnaya Zvezda, 5 August 1995, 7')
    ref = reference(record(collection="kz", title="Stalin and the Parallel", doc_type="article"), article,
                    AUTHORITY, "https://x/doc/kz/1")
    assert ref.container == "Krasnaya Zvezda"
    assert chicago(ref, article).count("Stalin and the Parallel") == 1


def test_versions_align_by_paragraph_and_mark_changed_words():
    first = ["We think it correct to concentrate nine Chinese divisions.", "Pass this to Mao.", "Filippov"]
    second = ["A new opening paragraph.", "We think it right to concentrate 9 Chinese divisions.", "Filippov"]
    rows = align([first, second])
    assert rows == [[None, 0], [0, 1], [1, None], [2, 2]]
    base, other = mark_row([first[0], second[1]])
    assert '<mark class="diff">nine</mark>' in base and '<mark class="diff">9</mark>' in other
    assert differing_fields([("To", ["Zhou Enlai", "Roshchin"]), ("From", ["Stalin", "stalin"])]) == {"To"}


def test_creator_forms():
    person = Creator(family="Kim", given="Il Sung", written="Kim Il Sung")
    assert (person.inverted, person.natural) == ("Kim, Il Sung", "Kim Il Sung")
    assert Creator(literal="UN Command").inverted == "UN Command"


def test_advanced_form_composes_the_documented_syntax():
    from werkzeug.datastructures import MultiDict

    from web.advanced import compose

    req = compose(MultiDict({"all": "armistice talks", "phrase": '"38th parallel"', "any": "Kaesong Panmunjom",
                             "none": "airfield", "title": "aviation", "sender": "Kim Il Sung", "place": "Seoul",
                             "type": "telegram", "from": "1951", "to": "1951-06", "sort": "date_asc"}))
    assert req.q == ('+armistice +talks "38th parallel" (Kaesong OR Panmunjom) -airfield title:aviation '
                     'from:"Kim Il Sung" place:Seoul')
    assert req.filters == (("type", ("telegram",)),)
    assert (req.date_from, req.date_to, req.sort) == ("1951", "1951-06", "date_asc")


def test_selected_ids_in_order_each_once():
    import pytest
    from werkzeug.datastructures import MultiDict

    from search.errors import BadRequest
    from web.selected_views import MAX_SELECTED, selected_ids, selected_url

    args = MultiDict([("ids", "a/1,b/2, a/1"), ("id", "c/3")])
    assert selected_ids(args) == ["a/1", "b/2", "c/3"]
    assert selected_url(["a/1", "b/2"], "ris") == "/selected?ids=a/1,b/2&format=ris"
    with pytest.raises(BadRequest):
        selected_ids(MultiDict({"ids": ",".join(f"x/{n}" for n in range(MAX_SELECTED + 1))}))
