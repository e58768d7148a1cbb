"""Names are entities: a multi-word name in any spelling or script is searched as that entity, the same total
whatever the spelling, and it also finds the documents the person sent or received."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


def ids(result) -> set[str]:
    return {hit.id for hit in result.hits} | {v["id"] for hit in result.hits for v in hit.versions}


@pytest.mark.parametrize("spellings", [
    ("Chou En-lai", "Zhou Enlai", "周恩来", "Chou En-Lai"),
    ("Kim Il Sung", "김일성", "金日成", '"Kim Il Sung"', "Ким Ир Сен", "Kim Il-sung"),
    ("Shtykov", "Terentii Shtykov", '"Terentii Shtykov"', "Штыков"),
    ("Vyshinsky", "Andrei Vyshinsky", "Вышинский"),
])
def test_every_spelling_of_a_name_gives_the_same_total(real, spellings):
    totals = {q: search(real, q=q).total_documents for q in spellings}
    assert len(set(totals.values())) == 1, totals


def test_a_multi_word_name_is_not_matched_word_by_word(real):
    chou = search(real, q="Chou En-lai", per_page="100")
    assert chou.hits
    for hit in chou.hits:  # none found for "en masse" or "en route" alone
        record = real.document(hit.id)
        assert "Zhou Enlai" in record["people"] + record["senders"] + record["recipients"], hit.id


def test_a_name_finds_the_catalogue_entries_he_sent(real, corpus):
    found = ids(search(real, q="Shtykov", per_page="100"))
    assert {"secret-documents/1", "secret-documents/3", "secret-documents/4", "secret-documents/34",
            "secret-documents/37"} <= found
    sent = {d.id for d in corpus.documents if "Terentii Shtykov" in d.senders}
    assert sent <= found


def test_a_name_finds_every_document_listing_the_person(real):
    assert search(real, q="Vyshinsky").total_documents == search(real, person="Andrei Vyshinsky").total_documents


def test_the_sender_ranks_above_a_passing_mention(real, corpus):
    first = search(real, q="Shtykov", per_page="5").hits
    assert all("Terentii Shtykov" in hit.senders + hit.recipients or "Shtykov" in hit.title for hit in first)


def test_a_one_word_name_typed_as_two_words(real):
    assert search(real, q="Mac Arthur").total_documents == search(real, q="MacArthur").total_documents >= 1
    assert search(real, q="Mac Arthur").suggestion != "mach Arthur"


def test_a_phrase_that_is_a_name_is_the_entity(real):
    assert search(real, q='"Terentii Shtykov"').total_documents == search(real, q="Shtykov").total_documents > 0
