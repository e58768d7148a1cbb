"""The net below the authority: names nobody listed are reached through transliteration (ICU for Han and Cyrillic,
the Korean romanizations for Hangul)."""
from dataclasses import replace

import pytest

from corpus.authority import Authority
from corpus.loader import Corpus
from index.analysis import pinyin_name_forms
from index.build import build_full
from search.request import SearchRequest
from search.searcher import Searcher
from small_corpus import doc


@pytest.fixture(scope="module")
def unlisted(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("unlisted-names")
    documents = [doc(1, "Report on the talks", "Chai Chengwen met the delegates at Kaesong."),
                 doc(2, "Telegram to Petrov", "Petrov is to report at once."),
                 doc(3, "Minutes", "Nothing about either of them.")]
    build_full(Corpus(root=root, documents=documents, authority=Authority([]), manifests=[]), root)
    return Searcher(root)


def ids(searcher, q):
    return [hit.id for hit in searcher.search(SearchRequest(q=q)).hits]


def test_pinyin_forms_of_a_han_name():
    assert pinyin_name_forms("柴成文") == (("chai", "chengwen"), ("chai", "cheng", "wen"), ("chaichengwen",))
    assert pinyin_name_forms("一二三四五六") == ()


def test_a_han_name_nobody_listed_is_found_in_pinyin(unlisted):
    assert ids(unlisted, "柴成文") == ["test/1"]


@pytest.mark.parametrize("form", ["Петров", "Петрову", "Петровым", "Петрова"])
def test_a_cyrillic_name_nobody_listed_in_any_case(unlisted, form):
    assert ids(unlisted, form) == ["test/2"]


@pytest.fixture(scope="module")
def korean_unlisted(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("korean-unlisted")
    documents = [doc(1, "Telegram", "Pak Hon-yong met the delegates at Kaesong."),
                 doc(2, "Letter", "Vice-premier Pak Heonyeong announced the offensive."),
                 doc(3, "Report", "Kim Il Sung and Choi Yong Kun inspected the front."),
                 doc(4, "Minutes", "Park and Kim were absent; a song of Il Sung street."),
                 doc(5, "Note", "Marshal Choe Yong-gon met Kim Tu-bong.")]
    build_full(Corpus(root=root, documents=documents, authority=Authority([]), manifests=[]), root)
    return Searcher(root)


@pytest.mark.parametrize("name, expected", [
    ("박헌영", ["test/1", "test/2"]),  # McCune–Reischauer (Pak Hon-yong) and Revised Romanization (Pak Heonyeong)
    ("박헌영의", ["test/1", "test/2"]),  # with a particle
    ("김일성", ["test/3"]),
    ("최용건", ["test/3", "test/5"]),  # Choi Yong Kun, Choe Yong-gon
    ("김두봉", ["test/5"]),
])
def test_a_hangul_name_nobody_listed_is_found_in_its_romanizations(korean_unlisted, name, expected):
    assert sorted(ids(korean_unlisted, name)) == expected


def test_the_korean_romanizations_of_a_syllable():
    from index.hangul import korean_name_forms, syllable_spellings

    assert {"seong", "song", "sung"} <= set(syllable_spellings("성"))
    assert korean_name_forms("박헌영")[1] == (("pak", "park", "bak"), ("heon", "hon", "hun"),
                                              ("yeong", "yong", "young", "yung"))
    assert korean_name_forms("안녕하세요 여러분") == ()


@pytest.fixture(scope="module")
def without_hangul_forms(tmp_path_factory, bundled_corpus) -> Searcher:
    """The bundled documents that name Pak Hon-yong or Kim Il Sung (and some that do not), indexed with the
    bundled authority from which both men's Hangul forms were removed."""
    root = tmp_path_factory.mktemp("without-hangul-forms")
    hangul = lambda form: any("\uac00" <= ch <= "\ud7a3" for ch in form)
    entries = [replace(e, native=tuple(n for n in e.native if not hangul(n)))
               if e.key in ("pak-hon-yong", "kim-il-sung") else e for e in bundled_corpus.authority.entries]
    documents = [d for d in bundled_corpus.documents if d.collection in ("nkidp-reader", "mansourov")]
    build_full(Corpus(root=root, documents=documents, authority=Authority(entries), manifests=[]), root)
    return Searcher(root)


@pytest.mark.parametrize("hangul, latin", [("박헌영", "Pak Hon-yong"), ("김일성", "Kim Il Sung"),
                                           ("김일성은", "Kim Il Sung")])
def test_an_unlisted_hangul_form_reaches_the_entity_through_its_romanization(without_hangul_forms, hangul, latin):
    searched = without_hangul_forms.search(SearchRequest(q=hangul, per_page=100))
    spelled = without_hangul_forms.search(SearchRequest(q=latin, per_page=100))
    assert searched.total == spelled.total > 5
    assert {h.id for h in searched.hits} == {h.id for h in spelled.hits}


@pytest.mark.parametrize("form", ["Филиппову", "Филиппова", "Филипповым", "Чан Фу", "Инстанции", "Инстанцию"])
def test_stalins_pseudonyms_in_cyrillic_in_any_case(real, form):
    """Filippov is listed in Cyrillic; Chan Fu and Instantsiya only in Latin letters."""
    assert real.search(SearchRequest(q=form)).total == real.search(SearchRequest(q="Stalin")).total
