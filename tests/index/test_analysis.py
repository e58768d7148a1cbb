"""The ICU chain across scripts: folding, segmentation, bigrams, transliteration, stems, authority entities."""
import pickle
from array import array

import pytest
from hypothesis import given, settings, strategies as st

from index.analysis import make_analyzer
from index.schema import OffsetsFormat
from small_corpus import small_authority


@pytest.fixture(scope="module")
def analyzer():
    return make_analyzer(small_authority())


def tokens(analyzer, text, mode="index"):
    return list((t.text, t.pos, t.startchar, t.endchar, t.kind)
                for t in analyzer(text, positions=True, chars=True, mode=mode))


def texts(analyzer, text, kind=None, mode="index"):
    return [t[0] for t in tokens(analyzer, text, mode) if kind is None or t[4] == kind]


def test_latin_folding_of_diacritics_apostrophes_and_possessives(analyzer):
    assert texts(analyzer, "Ch'óngjin Łódź Øresund straße", "word") == ["chongjin", "lodz", "oresund", "strasse"]
    assert texts(analyzer, "Stalin's Stalin’s", "word") == ["stalin", "stalin"]


def test_word_spans_point_at_the_original_text(analyzer):
    text = "Filippov's telegram to Kim Il-sung, about Ch'óngjin (1950)."
    spans = [text[s:e] for _, _, s, e, kind in tokens(analyzer, text) if kind == "word"]
    assert spans == ["Filippov", "telegram", "to", "Kim", "Il", "sung", "about", "Ch'óngjin", "1950"]


def test_spans_are_right_after_characters_beyond_the_bmp(analyzer):
    text = "𠀀𠀁 Stalin"
    word = [t for t in tokens(analyzer, text) if t[0] == "stalin"][0]
    assert text[word[2]:word[3]] == "Stalin"


def test_english_stems_sit_beside_the_exact_word(analyzer):
    result = tokens(analyzer, "telegrams telegram")
    assert ("telegrams", 0, 0, 9, "word") in result and ("~telegram", 0, 0, 9, "stem") in result
    assert [t for t in result if t[1] == 1] == [("telegram", 1, 10, 18, "word")]  # no stem equal to the word


def test_query_mode_emits_the_stem_always_and_the_bare_stem(analyzer):
    assert texts(analyzer, "telegram", mode="query") == ["telegram", "~telegram"]
    assert texts(analyzer, "telegrams", mode="query") == ["telegrams", "~telegram", "telegram"]


def test_cyrillic_is_transliterated_english_style(analyzer):
    assert "shtykov" in texts(analyzer, "Штыков", "translit")
    assert texts(analyzer, "Вышинский", "translit") == ["vyshinskiy", "vyshinsky"]
    assert texts(analyzer, "Разуваев", "translit") == ["razuvayev"]


def test_russian_stems_join_inflected_forms(analyzer):
    one = texts(analyzer, "Телеграмма", "stem")
    assert one and one == texts(analyzer, "телеграммы", "stem")
    assert texts(analyzer, "Ёлка", "word") == ["елка"]


def test_korean_words_and_bigrams(analyzer):
    document = tokens(analyzer, "김일성은 스탈린에게 전보를 보냈다")
    query = tokens(analyzer, "김일성", mode="query")
    bigrams = [t[0] for t in query if t[4] == "bigram"]
    assert bigrams == ["김일", "일성"]
    indexed = {(t[0], t[1]) for t in document if t[4] == "bigram"}
    assert {("김일", 0), ("일성", 1)} <= indexed  # consecutive: the query's bigrams match as a phrase
    words = [t for t in document if t[4] == "word"]
    assert words[1][0] == "스탈린에게" and words[1][1] == 3  # positions after the bigrams are shifted


def test_chinese_words_bigrams_and_single_characters(analyzer):
    result = tokens(analyzer, "毛泽东同志的电报")
    words = [t[0] for t in result if t[4] == "word"]
    assert "毛泽东" in words and "的" in words
    assert ("毛泽", 0, 0, 2, "bigram") in result and ("泽东", 1, 1, 3, "bigram") in result


def test_entities_for_spellings_pseudonyms_and_native_forms(analyzer):
    def entities(text):
        return [(t[0], text[t[2]:t[3]]) for t in tokens(analyzer, text) if t[4] == "entity"]

    assert entities("Filippov's telegram to Kim Il-sung.") == [
        ("ent:joseph-stalin", "Filippov"), ("ent:kim-il-sung", "Kim Il-sung")]
    assert entities("Fyn Si and Pak Hen Yen") == [("ent:joseph-stalin", "Fyn Si"), ("ent:pak-hon-yong", "Pak Hen Yen")]
    assert entities("Shtikov wrote") == [("ent:terentii-shtykov", "Shtikov")]
    assert entities("Штыков сообщил") == [("ent:terentii-shtykov", "Штыков")]
    assert entities("김일성은 스탈린에게") == [("ent:kim-il-sung", "김일성은"), ("ent:joseph-stalin", "스탈린에게")]
    assert entities("毛泽东同志") == [("ent:mao-zedong", "毛泽东")]
    assert entities("Kim Il went home") == []


def test_entity_sits_at_the_first_word_and_records_its_width(analyzer):
    result = list(analyzer("to Kim Il Sung", positions=True, chars=True))
    entity = [t for t in result if t.kind == "entity"][0]
    assert (entity.pos, entity.width) == (1, 3)


def test_the_analyzer_survives_pickling(analyzer):
    text = "Shtikov met 김일성 in Ch'óngjin"
    clone = pickle.loads(pickle.dumps(analyzer))
    assert texts(clone, text) == texts(analyzer, text)
    assert "ent:terentii-shtykov" in texts(clone, text)


def test_without_an_authority_there_are_no_entities():
    assert texts(make_analyzer(), "Filippov Stalin", "entity") == []


@pytest.mark.parametrize("text", [
    "Filippov's telegram to Kim Il-sung about Ch'óngjin, 7, 10, 13 September 1950.",
    "Штыков доложил Вышинскому; Ким Ир Сеном было сказано.",
    "김일성은 毛泽东同志 𠀀𠀁 Stalin negotiations negotiating",
    "Comrade Filippov's reply: Kim Il Sung, Peng Dehuai and Zhou Enlai negotiated; negotiations resumed 1,000.5 U.S.",
    "Kim Il Sung asked Ким Ир Сен and Stalin about the 38th parallel.",
    "Stalin's reply to Stalin, Stalin’s; Kim Il Sung's Kim Il Kim Il Sung Kim. Filippov Filippov's",
    "",
])
def test_single_pass_postings_equal_the_chain(analyzer, text):
    """`postings()` (what indexing uses) must emit exactly the chain's index-time tokens, flat."""
    expected: dict[str, list[int]] = {}
    for token_text, pos, start, end, _kind in tokens(analyzer, text):
        expected.setdefault(token_text, []).extend((pos, start, end))
    assert {term: array("i", packed).tolist() for term, packed in analyzer.postings(text).items()} == expected
    stored = {term: OffsetsFormat.pack(flat) for term, flat in expected.items()}
    assert analyzer.postings(text, counted=True) == stored  # what the postings format keeps, count first


_WORDS = ["Stalin", "Stalin's", "stalin", "STALIN", "Kim", "Il", "Sung", "Il-sung", "Filippov", "Shtikov's", "of",
          "negotiations", "negotiating", "the", "Ch'óngjin", "1,000.5", "38th", "Штыков", "Вышинскому", "Ким", "Ир",
          "Сен", "김일성은", "毛泽东同志", "ﬁle", "’s", "Zhou", "Enlai", "x" * 45]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", ", ", "\n", "-", "; ", "  "])),
                max_size=40))
def test_postings_equal_the_chain_for_texts_that_repeat_their_words(analyzer, words):
    """Each distinct raw word is analysed once per text; its every occurrence still gets its own terms."""
    text = "".join(word + gap for word, gap in words)
    expected: dict[str, list[int]] = {}
    for token_text, pos, start, end, _kind in tokens(analyzer, text):
        expected.setdefault(token_text, []).extend((pos, start, end))
    assert {term: array("i", packed).tolist() for term, packed in analyzer.postings(text).items()} == expected
    assert analyzer.postings(text, counted=True) == {term: OffsetsFormat.pack(flat) for term, flat in expected.items()}


def test_postings_values_decode_to_their_occurrences(analyzer):
    from index.schema import make_schema

    body = make_schema()["body"]
    text = "armistice talks, armistice line"
    values = {term: value for term, _freq, _weight, value in body.format.word_values(text, analyzer)}
    assert body.format.decode_characters(values["armistice"]) == [(0, 0, 9), (2, 17, 26)]
    assert body.format.decode_positions(values["talks"]) == [1]


def test_the_fingerprint_follows_the_analysis_code_not_only_the_authority(tmp_path, monkeypatch):
    from index import analysis
    from small_corpus import small_authority

    copies = []
    for source in analysis.ANALYSIS_SOURCES:
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(analysis, "ANALYSIS_SOURCES", tuple(copies))
    before = analysis.analysis_fingerprint(small_authority())
    assert analysis.analysis_fingerprint(small_authority()) == before
    assert analysis.analysis_fingerprint(None) != before
    copies[0].write_text(copies[0].read_text(encoding="utf-8") + "\n_CHANGED = 1\n", encoding="utf-8")
    assert analysis.analysis_fingerprint(small_authority()) != before


def test_the_pickled_schema_names_the_analysis_classes_where_they_live():
    """Whoosh pickles the schema into every index: these module paths are part of the on-disk format."""
    from index.schema import make_schema

    stored = pickle.dumps(make_schema())
    for module, name in [(b"index.analysis", b"IcuAnalyzer"), (b"index.analysis", b"AuthorityFilter"),
                         (b"index.schema", b"OffsetsFormat")]:
        assert module in stored and name in stored
    loaded = pickle.loads(stored)
    assert type(loaded["body"].analyzer).__name__ == "IcuAnalyzer"
    assert type(loaded["body"].format).__name__ == "OffsetsFormat"
