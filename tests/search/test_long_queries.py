"""Long, descriptive queries rank their target well; short queries keep 'every word first'."""
import pytest

from bundled import search

pytestmark = pytest.mark.slow


# How students describe documents they have read, each with the document it describes (its text says so).
KNOWN_ITEMS = [
    ("Soviet specialists report on the Chinese-Korean talks about military cooperation", "nkidp-reader/3"),
    ("decree of the Council of Ministers to make the 64th fighter aviation corps more effective in combat",
     "nkidp-reader/89"),
    # Stalin (as Filippov), 1 October 1950: "move at least five-six divisions toward the 38th parallel"; Mao's
    # reply (nkidp-reader/33) says "several divisions" and names Stalin more often.
    ("Stalin asks Mao to move five or six Chinese divisions to the Korean border", "mansourov/10"),
    ("Stalin asks Kim Il Sung for tons of lead every year from Korea", "nkidp-reader/7"),
    ("why the Soviet Union walked out of the Security Council, message for Gottwald in Prague", "nkidp-reader/26"),
    ("Vyshinsky reports that Kiselev made a blunder in the First Committee debate", "nkidp-reader/31"),
    ("Gromyko hands the American ambassador Kirk the Soviet government's statement", "nkidp-reader/14"),
    ("a committee to solve the food shortage in Seoul set up by the military committee", "nkidp-reader/20"),
    ("Stalin asks Kim Il Sung and Peng Dehuai about the mood of the troops and the population", "nkidp-reader/96"),
    ("MIG-15 jet fighters should replace the MIG-9 in the Chinese air divisions", "nkidp-reader/42"),
    ("Kim Il Sung warns Stalin that the American aggressor wants all of Korea as a springboard in the Far East",
     "mansourov/16"),
    ("Molotov statement on exchanging sick and injured prisoners of war", "nkidp-reader/110"),
]


@pytest.mark.parametrize("q, target", KNOWN_ITEMS)
def test_a_paraphrase_finds_its_document_first(real, q, target):
    assert search(real, q=q).hits[0].id == target


def test_a_long_query_needs_only_some_of_its_words(real):
    result = search(real, q="Stalin Mao volunteers divisions parallel comrades Yalu Sochi")
    assert result.total_documents > search(real, q="Stalin AND Mao AND volunteers AND divisions AND parallel "
                                                 "AND comrades AND Yalu AND Sochi").total_documents


def test_words_near_each_other_in_the_body_lift_a_document(real):
    """'five-six divisions' stands in mansourov/10's body, not its title: proximity counts in every text field."""
    near = search(real, q="move five six divisions").hits
    apart = {hit.id: hit.score for hit in search(real, q="divisions six five move").hits}
    target = next(hit for hit in near if hit.id == "mansourov/10")
    assert target.score > apart["mansourov/10"]


def test_two_names_in_a_description_read_as_sender_then_recipient(real):
    forward = [hit.id for hit in search(real, q="Stalin asks Mao to move five or six divisions").hits]
    backward = [hit.id for hit in search(real, q="Mao asks Stalin to move five or six divisions").hits]
    assert forward.index("mansourov/10") < forward.index("nkidp-reader/33")
    assert backward.index("nkidp-reader/33") < backward.index("mansourov/10")
