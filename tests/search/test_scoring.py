"""The numpy evaluator must find the same documents with the same scores as Whoosh's own matchers."""
import numpy as np
import pytest

from search.query import parse_query
from search.scoring import Scorer, matching, walk

QUERIES = ["armistice", "Stalin telegram", '"Kim Il Sung"', "Shtykov", "armist*", "telegrams", "title:telegram",
           "(Stalin OR Mao) AND armistice", "+armistice Stalin", "ar?istice", "김일성"]
# Long: a share of the words (Whoosh's matcher ignores `minmatch`, so only the numpy scorer can answer it), words
# near each other, sender then recipient.
LONG = "Filippov asks Shtikov about armistice talks at Kaesong"


@pytest.mark.parametrize("text", QUERIES)
def test_vectorised_scores_match_whoosh(tiny, text):
    snapshot = tiny._current()
    query = parse_query(text, snapshot.analyzer, snapshot.resolve_field_value).query
    docnums, scores = matching(snapshot, query, scored=True)
    expected, expected_scores = walk(snapshot, query.normalize(), scored=True)
    assert docnums.tolist() == expected.tolist()
    assert len(expected) > 0
    assert np.allclose(scores, expected_scores, rtol=1e-4)


def test_postings_arrays_equal_whoosh_postings_and_are_cached_per_generation(tiny):
    snapshot = tiny._current()
    docnums, weights = snapshot.postings.term("body", "armistice")
    matcher = snapshot.reader.postings("body", "armistice")
    walked = []
    while matcher.is_active():
        walked.append((matcher.id(), matcher.weight()))
        matcher.next()
    assert walked and list(zip(docnums.tolist(), weights.tolist())) == walked
    assert snapshot.postings.term("body", "armistice")[0] is docnums


def test_phrase_matching_keeps_only_positions_of_its_words(tiny):
    """A phrase needs where its words stand, not their character offsets: the cache keeps position keys only
    (half the bytes; a phrase with "of" in it holds every "of" of the index), equal to the full decoding's."""
    snapshot = tiny._current()
    postings = snapshot.postings
    query = parse_query('"prisoners of war"', snapshot.analyzer, snapshot.resolve_field_value).query
    snapshot.phrases.clear()
    matching(snapshot, query, scored=True)
    kept = postings.cache.get(("p", "body", "of"))
    assert kept is not None and len(kept) > 0 and postings.cache.get(("o", "body", "of")) is None
    assert kept.tolist() == postings.occurrences("body", "of")[0].tolist()


def test_words_the_index_lacks_are_not_kept_in_the_postings_cache(tiny):
    """Issue 17: every search of a new word used to leave empty postings in the cache (ten entries a search),
    so a stream of unique words filled it with nothing. Absent terms are looked up again instead."""
    snapshot = tiny._current()
    postings = snapshot.postings
    before = (len(postings.cache), postings.cache.nbytes)
    for i in range(50):
        query = parse_query(f'qzx{i}valuation "wq{i}negotiationz of"', snapshot.analyzer,
                            snapshot.resolve_field_value).query
        assert len(matching(snapshot, query, scored=True)[0]) == 0
        assert len(postings.term("body", f"qzx{i}valuation")[0]) == 0
        assert len(postings.occurrences("body", f"qzx{i}valuation")[0]) == 0
    assert len(postings.cache) <= before[0] + 3  # at most "of" (its postings and positions), kept once
    assert postings.cache.get(("t", "body", "qzx1valuation")) is None


@pytest.mark.parametrize("text", ["armistice", "Stalin telegram", "Shtikov", "armist*", "김일성", '"armistice talks"'])
def test_highlight_spans_from_arrays_equal_the_postings_walk(tiny, text, monkeypatch):
    from search import postings as postings_module
    from search.searcher import TEXT_FIELDS, _terms
    from search.snippets import collect_spans

    snapshot = tiny._current()
    query = parse_query(text, snapshot.analyzer, snapshot.resolve_field_value).query
    terms = _terms(snapshot, query)
    docnums = np.flatnonzero(snapshot.columns.live)
    compared = 0
    for field in TEXT_FIELDS:
        assert snapshot.postings.has_offsets(field)
        walked = collect_spans(snapshot.reader, field, terms.get(field, ()), docnums)
        for limit in (0, 10**9):  # every term read for the wanted documents only, then from its decoded arrays
            monkeypatch.setattr(postings_module, "SPAN_ARRAYS_MAX_DOCS", limit)
            for page in (docnums, docnums[1::3], docnums[-2:]):
                fast = snapshot.postings.spans(field, terms.get(field, ()), page)
                assert {d: sorted(s) for d, s in fast.items()} == {d: sorted(walked[d]) for d in page.tolist()}
        compared += sum(len(s) for s in walked.values())
    assert compared > 0
    assert all(snapshot.postings.cache.get(("o", f, t)) is not None for f, ts in terms.items() for t in ts)


def refuse_walking(monkeypatch):
    from search import scoring

    def refused(*args, **kwargs):
        raise AssertionError("the query was walked with Whoosh's matcher instead of scored with numpy")
    monkeypatch.setattr(scoring, "walk", refused)


@pytest.mark.parametrize("text", QUERIES + ["Vishinski~", "-armistice", "armistice -Stalin", "title:(telegram*)", LONG])
def test_the_query_language_is_scored_with_numpy_not_walked(tiny, text, monkeypatch):
    snapshot = tiny._current()
    query = parse_query(text, snapshot.analyzer, snapshot.resolve_field_value).query
    refuse_walking(monkeypatch)
    matching(snapshot, query, scored=True)


def test_a_query_that_normalises_to_nothing_is_scored_not_walked(tiny, monkeypatch):
    """Whoosh's null query class is `_NullQuery`: dispatching by class name never reached its method."""
    from whoosh import query as wq

    snapshot = tiny._current()
    refuse_walking(monkeypatch)
    assert wq.Or([]).normalize() is wq.NullQuery
    docnums, scores = matching(snapshot, wq.Or([]), scored=True)
    assert docnums.tolist() == [] and scores.tolist() == []
    mask, _ = Scorer(snapshot).run(wq.AndNot(wq.Term("body", "armistice"), wq.NullQuery))  # not normalised
    assert mask.sum() == len(snapshot.postings.term("body", "armistice")[0]) > 0


def test_every_method_of_the_table_exists():
    assert all(callable(getattr(Scorer, name)) for name in Scorer.METHODS.values())


@pytest.mark.parametrize("slop, expected", [(1, []), (2, ["test/1", "test/2"]), (3, ["test/1", "test/2"])])
def test_two_words_within_a_few_positions_are_found_like_whooshs_sloppy_sequence(tiny, slop, expected):
    from whoosh import query as wq

    snapshot = tiny._current()
    near = wq.Sequence([wq.Term("body", "asks"), wq.Term("body", "about")], slop=slop)  # "asks Shtikov about", "asks Shtykov about"
    refused = Scorer(snapshot).run(near)[0]
    assert [snapshot.searcher.stored_fields(d)["id"] for d in np.flatnonzero(refused)] == expected
    expected_docs, expected_scores = walk(snapshot, near, scored=True)
    docnums, scores = matching(snapshot, near, scored=True)
    assert docnums.tolist() == expected_docs.tolist() and np.allclose(scores, expected_scores)


@pytest.mark.parametrize("text", ['"prisoners of war"', '"Kim Il Sung"', '"armistice talks"', '"of the"', LONG,
                                  '"38th parallel" Stalin', '"the armistice" OR "the war"'])
def test_phrases_read_positions_only_where_every_word_is_and_find_the_same(real, text, monkeypatch):
    """At a million documents every "of" is 50 million positions: a phrase decodes its common words' positions
    only in the documents holding all its words. Same documents and scores either way."""
    from search import postings as postings_module

    snapshot = real._current()
    query = parse_query(text, snapshot.analyzer, snapshot.resolve_field_value).query
    snapshot.phrases.clear()
    kept = matching(snapshot, query, scored=True)
    snapshot.postings.cache.clear()
    snapshot.phrases.clear()
    monkeypatch.setattr(postings_module, "POSITIONS_KEPT_DOCS", 0)
    read = matching(snapshot, query, scored=True)
    assert len(kept[0]) > 0
    assert read[0].tolist() == kept[0].tolist() and np.allclose(read[1], kept[1])
    assert snapshot.postings.cache.get(("p", "body", "of")) is None
    on_the_way = snapshot.postings.cache.get(("t", "body", "of"))  # kept while its positions were decoded
    snapshot.postings.cache.clear()
    if on_the_way is not None:
        decoded = snapshot.postings.term("body", "of")
        assert on_the_way[0].tolist() == decoded[0].tolist() and on_the_way[1].tolist() == decoded[1].tolist()
    snapshot.postings.cache.clear()


def test_a_phrase_searched_again_reads_no_positions(real, monkeypatch):
    """Paging, dates and facets repeat a phrase's search: where it stands is kept per generation, so only the
    first search reads its words' positions."""
    snapshot = real._current()
    query = parse_query('"prisoners of war" armistice', snapshot.analyzer, snapshot.resolve_field_value).query
    snapshot.phrases.clear()
    first = matching(snapshot, query, scored=True)

    def refused(*args):
        raise AssertionError("positions read again")
    monkeypatch.setattr(snapshot.postings, "positions_in", refused)
    again = matching(snapshot, query, scored=True)
    assert len(first[0]) > 0 and again[0].tolist() == first[0].tolist() and np.allclose(again[1], first[1])


def test_a_phrase_costs_the_positions_it_decodes_until_its_places_are_kept(real, monkeypatch):
    """A phrase with "of" reads few postings but decodes every position of "of" (50 million at a million
    documents): its cost says so, so it takes a turn like other costly searches, until this process knows where
    the phrase stands."""
    from search import postings as postings_module
    from search.request import SearchRequest
    from search.scoring import phrase_steps

    monkeypatch.setattr(postings_module, "POSITIONS_KEPT_DOCS", 0)  # the bundled index is small: as at a million
    snapshot = real._current()
    snapshot.phrases.clear()
    snapshot.postings.cache.clear()
    request = SearchRequest(q='"prisoners of war"')
    query = parse_query(request.q, snapshot.analyzer, snapshot.resolve_field_value).query.normalize()
    phrases = [node for node in query.children() if type(node).__name__ == "Sequence"] or [query]
    occurrences = sum(snapshot.reader.frequency(f, t) for phrase in phrases for step in phrase_steps(phrase)[0]
                      for f, t in step)
    before = real.cost(request)
    real.search(request)
    after = real.cost(request)
    assert occurrences > 0 and before - after == occurrences and after > 0  # its postings still count
    snapshot.phrases.clear()
    snapshot.postings.cache.clear()


def test_a_common_words_spans_in_a_page_are_decoded_once(tiny, monkeypatch):
    """The next page size or filter of a search shows the same first documents: their highlights of a common
    word come from the generation's span cache, not from its postings again."""
    from index.caching import BoundedCache
    from search import postings as postings_module

    snapshot = tiny._current()
    monkeypatch.setattr(postings_module, "SPAN_ARRAYS_MAX_DOCS", 0)  # every word "common"
    page = np.flatnonzero(snapshot.columns.live)[:5]
    remembered = BoundedCache(2**20)
    first = snapshot.postings.spans("body", ["armistice", "stalin"], page, remembered)

    def refused(*args, **kwargs):
        raise AssertionError("decoded again")
    monkeypatch.setattr(snapshot.postings, "_decode_occurrences", refused)
    assert snapshot.postings.spans("body", ["armistice", "stalin"], page, remembered) == first
    assert any(first.values())
