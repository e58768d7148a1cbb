"""The net below the authority: names nobody listed are reached through ICU transliteration."""
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
