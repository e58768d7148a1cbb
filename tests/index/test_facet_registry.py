"""The facet registry itself: names that cannot collide, and readers that give exact values from a Document."""
from corpus.model import ArchiveRef, DateRange, Document
from index.facets import FACET_BY_FIELD, FACET_BY_NAME, FACETS, years_overlapped

RESERVED = {"q", "from", "to", "sort", "page", "per_page", "format", "facet_q", "facet_sort", "facet_page", "title"}


def test_names_fields_and_query_fields_are_unique_and_clear_of_other_parameters():
    assert len(FACET_BY_NAME) == len(FACET_BY_FIELD) == len(FACETS)
    query_fields = [field for spec in FACETS for field in spec.query_fields]
    assert len(query_fields) == len(set(query_fields))
    assert not set(FACET_BY_NAME) & RESERVED
    assert not (set(query_fields) - {"from", "to"}) & RESERVED  # `from:` and `to:` are query-language only


def test_every_facet_says_how_it_is_shown():
    for spec in FACETS:
        assert spec.title and spec.phrase.count("{}") == 1, spec.name
        assert spec.value_order in ("count", "value")


def test_readers_give_the_exact_values_of_a_document():
    doc = Document(
        id="c/1", collection="c", number="1", title="Telegram", doc_type="telegram",
        date=DateRange("1950-12-20", "1951-01-05", "December 1950 – January 1951", "range"),
        senders=("Joseph Stalin",), recipients=("Mao Zedong", "Zhou Enlai"), people=("Kim Il Sung",),
        places=("Kaesong",), classification="Top Secret", archive=ArchiveRef(repository="AP RF"), language="en")
    assert {spec.name: spec.read(doc) for spec in FACETS} == {
        "collection": ("c",), "type": ("telegram",), "sender": ("Joseph Stalin",),
        "recipient": ("Mao Zedong", "Zhou Enlai"), "person": ("Kim Il Sung",), "place": ("Kaesong",),
        "year": ("1950", "1951"), "classification": ("Top Secret",), "archive": ("AP RF",), "language": ("en",)}
    bare = Document(id="c/2", collection="c", number="2", title="Note")
    assert {spec.name for spec in FACETS if spec.read(bare)} == {"collection"}
    assert list(years_overlapped(bare)) == []


def test_authority_facets_are_the_name_fields():
    assert {spec.name for spec in FACETS if spec.authority} == {"sender", "recipient", "person", "place"}
