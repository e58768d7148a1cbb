"""Enrichment turns raw parties and running text into canonical names from the authority."""
import pytest

from corpus.authority import Authority
from corpus.enrich import enrich
from corpus.model import DateRange, Document


@pytest.fixture(scope="module")
def authority():
    return Authority.load()


def _doc(**fields):
    return Document(id="test/1", collection="test", number="1", **fields)


def test_raw_parties_become_canonical_names(authority):
    [doc] = enrich([_doc(
        title="Ciphered Telegram, Filippov (Stalin) to Soviet Ambassador in Beijing (N.V. Roshchin)",
        senders_raw=("Filippov (Stalin)",),
        recipients_raw=("Zhou Enlai",),
        via_raw=("Soviet Ambassador in Beijing (N.V. Roshchin)",),
    )], authority)
    assert doc.senders == ("Joseph Stalin",)
    assert doc.recipients == ("Zhou Enlai",)
    assert doc.via == ("Nikolai Roshchin",)


def test_one_raw_string_may_name_several_parties(authority):
    [doc] = enrich([_doc(senders_raw=("Kim Il Sung and Pak Heonyeong",),
                         recipients_raw=("Iosif Vissarionovich Stalin",))], authority)
    assert doc.senders == ("Kim Il Sung", "Pak Hon-yong")
    assert doc.recipients == ("Joseph Stalin",)


def test_offices_resolve_to_organisations_and_stay_out_of_people(authority):
    [doc] = enrich([_doc(senders_raw=("[Beijing]",), recipients_raw=("Soviet Ambassador",),
                         body="Inform Mao Zedong that the Korean comrades complain.")], authority)
    assert doc.senders == ("Beijing",)
    assert doc.recipients == ("Soviet Ambassador in Beijing",)
    assert doc.people == ("Mao Zedong",)


def test_people_and_places_come_from_title_body_and_parties_sorted(authority):
    [doc] = enrich([_doc(
        title="Telegram, Shtykov to Vyshinsky",
        body="Kim Il-sung reports fighting near Ongjin and at Kaesong. Cde. Shtikov's staff moved to Seishin.",
        senders_raw=("Shtykov",), recipients_raw=("Vyshinsky",),
        date=DateRange("1950-01-19", "1950-01-19", "19 January 1950", "day"),
    )], authority)
    assert doc.people == ("Andrei Vyshinsky", "Kim Il Sung", "Terentii Shtykov")
    assert doc.places == ("Chongjin", "Kaesong", "Ongjin")
    assert doc.date.label == "19 January 1950"


def test_unresolvable_parties_leave_no_invented_name(authority):
    [doc] = enrich([_doc(senders_raw=("Nobody Inparticular",))], authority)
    assert doc.senders == ()
    assert doc.senders_raw == ("Nobody Inparticular",)
