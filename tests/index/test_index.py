"""A real Whoosh index of the fixture corpus: name variants, cross-script search, facets, offsets and columns."""
import json

import pytest
from whoosh import query

from index.build import build_full
from index.columns import load_columns
from index.generations import live_generation, open_live_index
from index.facets import FACETS
from small_corpus import FixtureCorpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    corpus = FixtureCorpus()
    build_full(corpus, root)
    ix = open_live_index(root)
    with ix.searcher() as searcher:
        yield root, corpus, searcher


def analysed_query(searcher, text, field="body"):
    """Every alternative the query analyzer emits, OR-ed, exact words boosted: what search will do, simplified."""
    analyzer = searcher.schema[field].analyzer
    return query.Or([query.Term(field, t.text, boost=2.0 if t.kind == "word" else 1.0)
                     for t in analyzer(text, mode="query")])


def ids(searcher, text, field="body"):
    return [searcher.stored_fields(d)["id"] for d in searcher.search(analysed_query(searcher, text, field),
                                                                      limit=None).docs()]


def entity_ids(searcher, text):
    analyzer = searcher.schema["body"].analyzer
    keys = [t.text for t in analyzer(text, mode="query") if t.kind == "entity"]
    assert keys, f"{text!r} names no authority entry"
    return sorted(searcher.stored_fields(d)["id"]
                  for d in searcher.search(query.Or([query.Term("body", k) for k in keys]), limit=None).docs())


def test_a_spelling_finds_every_other_spelling(built):
    _, _, searcher = built
    assert entity_ids(searcher, "Shtikov") == ["fx/2", "fx/5"]  # Штыков in Russian, Shtikov in English
    assert entity_ids(searcher, "Razuvayev") == ["fx/5", "fx/7"]  # Razubayev and Razuvayev
    assert entity_ids(searcher, "Pak Hon-yong") == ["fx/3", "fx/5"]  # 박헌영 and Pak Heonyeong


def test_native_forms_and_pseudonyms_meet(built):
    _, _, searcher = built
    assert entity_ids(searcher, "김일성") == ["fx/1", "fx/2", "fx/3"]  # Kim Il-sung, Ким Ир Сен, 김일성은
    assert entity_ids(searcher, "Stalin") == ["fx/1", "fx/3", "fx/4", "fx/7"]  # Filippov, 스탈린, 斯大林, Fyn Si


def test_cross_script_and_cjk_substrings(built):
    _, _, searcher = built
    assert ids(searcher, "soobshchil") == ["fx/2"]  # transliterated сообщил
    assert entity_ids(searcher, "Vishinsky") == ["fx/2"]  # Вышинскому, declined
    bigram_phrase = query.Phrase("body", ["김일", "일성"])
    assert [searcher.stored_fields(d)["id"] for d in searcher.search(bigram_phrase).docs()] == ["fx/3"]
    assert ids(searcher, "毛泽东") == ["fx/4"]


def test_exact_form_ranks_above_a_stemmed_one(built):
    _, _, searcher = built
    found = ids(searcher, "telegrams")
    assert found[0] == "fx/1" and "fx/5" in found  # "telegrams" exactly, then "telegram" by its stem
    assert "fx/6" in ids(searcher, "communication")


def test_facets_hold_exact_values(built):
    _, _, searcher = built
    hits = searcher.search(query.Term("senders", "Ministry of Foreign Affairs, USSR"))
    assert [h["id"] for h in hits] == ["fx/6"]
    assert len(searcher.search(query.Term("senders", "joseph stalin"))) == 0
    years = searcher.search(query.Term("years", "1952"))
    assert [h["id"] for h in years] == ["fx/7"]


def test_record_and_numeric_dates_are_stored(built):
    _, corpus, searcher = built
    docnum = searcher.document_number(id="fx/3")
    stored = searcher.stored_fields(docnum)
    assert json.loads(stored["record"]) == corpus.documents[2].to_dict()
    assert (stored["date_start"], stored["date_end"]) == (19500929, 19501001)


def test_postings_carry_the_span_of_the_mention(built):
    _, _, searcher = built
    body = searcher.stored_fields(searcher.document_number(id="fx/1"))["body"]
    postings = searcher.reader().postings("body", "ent:kim-il-sung")
    spans = {}
    while postings.is_active():
        spans[postings.id()] = [(s, e) for _, s, e in postings.value_as("characters")]
        postings.next()
    docnum = searcher.document_number(id="fx/1")
    assert [body[s:e] for s, e in spans[docnum]] == ["Kim Il-sung"]


def test_columns_agree_with_a_brute_force_count(built):
    root, corpus, searcher = built
    columns = load_columns(live_generation(root).path)
    assert columns.documents == len(corpus.documents)
    for docnum, doc_id in enumerate(columns.ids):
        assert searcher.stored_fields(docnum)["id"] == doc_id
    by_id = {doc.id: doc for doc in corpus.documents}
    for spec in FACETS:
        column = columns.facets[spec.field]
        for docnum, doc_id in enumerate(columns.ids):
            assert column.values_of(docnum) == list(spec.read(by_id[doc_id])), (spec.name, doc_id)
    senders = columns.facets["senders"]
    assert sorted(i for n, i in enumerate(columns.ids) if "Joseph Stalin" in senders.values_of(n)) == ["fx/1", "fx/7"]
    assert [int(columns.date_start[n]) for n, i in enumerate(columns.ids) if by_id[i].date.start == ""] == [0]
