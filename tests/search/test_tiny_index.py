"""Search over a tiny index built from Documents written in conftest: variants, scripts, dates, facets, HTML."""
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from search.cli import search_command
from search.errors import NotFound
from search.request import SearchRequest


def run(searcher, query_string):
    return searcher.search(SearchRequest.from_args(parse_qs(query_string)))


def ids(result):
    return [hit.id for hit in result.hits]


@pytest.mark.parametrize("q", ["Shtikov", "Shtykov", "Штыков", "Terentii Shtykov"])
def test_name_variants_and_scripts_find_shtykov(tiny, q):
    found = set(ids(run(tiny, f"q={q}")))
    assert {"test/3"} <= found and ({"test/1", "test/2"} & found)


def test_pseudonym_and_native_forms(tiny):
    assert "test/3" in ids(run(tiny, "q=Filippov"))  # Сталин in test/3's body is Filippov's owner
    assert ids(run(tiny, "q=김일성"))[0] == "test/3"
    assert "test/3" in ids(run(tiny, "q=Kim Il Sung"))


def test_missing_word_still_found_but_ranked_lower(tiny):
    result = run(tiny, "q=Shtikov armistice")
    assert ids(result)[0] == "test/1"
    assert "test/6" in ids(result)  # has armistice, not Shtykov


def test_versions_grouped_under_best_hit(tiny):
    result = run(tiny, "q=Shtykov armistice")
    assert sum(hit.id in ("test/1", "test/2") for hit in result.hits) == 1
    top = result.hits[0]
    assert [v["id"] for v in top.versions] == ["test/2" if top.id == "test/1" else "test/1"]


def test_snippet_marks_words_and_escapes_html(tiny):
    hit = next(h for h in run(tiny, "q=armistice script").hits if h.id == "test/4")
    assert "<mark>armistice</mark>" in hit.snippet and "<mark>script</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet and "&lt;b&gt;" in hit.snippet
    assert hit.title == "Note with planted &lt;b&gt;markup&lt;/b&gt;"


def test_transliterated_and_variant_forms_are_marked(tiny):
    hit = next(h for h in run(tiny, "q=Shtykov").hits if h.id == "test/3")
    assert "<mark>Штыков</mark>" in hit.snippet


@pytest.mark.parametrize("query, inside", [
    ("from=1950-06-15&to=1950-06-20", {"test/3"}),  # June 1950 overlaps
    ("from=1950-07", set()) ,
    ("from=1953-08&to=1953-08", {"test/4"}),  # written after 27 July 1953
    ("to=1953-07-26&from=1953", set()),
    ("from=1951-01-10&to=1951-01-20", {"test/6"}),  # Dec 1950 – Jan 1951 span
])
def test_uncertain_dates_overlap(tiny, query, inside):
    result = run(tiny, f"{query}&per_page=100")
    got = {h.id for h in result.hits} & {"test/3", "test/4", "test/6"}
    if query == "from=1950-07":
        assert "test/3" not in got and {"test/4", "test/6"} <= got
    else:
        assert got == inside
    assert "test/5" not in {h.id for h in result.hits}  # undated drops out


def test_undated_bucket(tiny):
    assert run(tiny, "").histogram["undated"] == 1


def test_facets_or_within_and_across(tiny):
    both = run(tiny, "sender=Filippov&sender=Mao&per_page=100")
    assert both.total_documents == 4  # 1, 2 (Stalin), 5, 6 (Mao)
    across = run(tiny, "sender=Joseph Stalin&sender=Mao Zedong&type=report")
    assert [h.id for h in across.hits] == ["test/6"]
    counts = {e["value"]: e["count"] for e in across.facets["sender"]}
    assert counts == {"Mao Zedong": 1, "Joseph Stalin": 0}  # type=report applies; selected values stay listed
    types = {e["value"]: e["count"] for e in across.facets["type"]}
    assert types["telegram"] == 2 and types["report"] == 1  # its own filter does not


def test_pseudonym_filter_equals_canonical(tiny):
    a, b, c = (run(tiny, f"sender={v}") for v in ("Stalin", "Filippov", "Joseph Stalin"))
    assert ids(a) == ids(b) == ids(c) and a.total_documents == 2


def test_query_fields(tiny):
    assert ids(run(tiny, "q=from:Filippov")) == ["test/1"]
    assert set(ids(run(tiny, 'q=to:"Joseph Stalin"'))) == {"test/3", "test/6"}
    assert ids(run(tiny, "q=armistice -Mao")) and "test/6" not in ids(run(tiny, "q=armistice -Mao"))
    assert ids(run(tiny, 'q="armistice talks"')) == ["test/1"]


def test_a_misspelt_word_is_corrected_and_the_page_says_so(tiny):
    result = run(tiny, "q=Armistce")
    assert result.total == 3 and result.suggestion == "Armistice"  # the case typed is kept
    assert result.notices[0] == "Showing results for Armistice — search instead for Armistce"
    assert result.search_instead == "/search?q=Armistce&typos=off"


def test_typos_off_searches_as_typed_and_suggests(tiny):
    result = run(tiny, "q=armistce&typos=off")
    assert result.total == 0 and result.suggestion == "armistice" and result.search_instead is None


def test_document_neighbours_more_like_this(tiny):
    record = tiny.document("test/3")
    assert record["title"].startswith("Letter from Kim") and record["url"] == "/doc/test/3"
    with pytest.raises(NotFound):
        tiny.document("test/99")
    around = tiny.neighbours("test/6")
    assert around["previous"]["id"] == "test/3" and around["next"]["id"] in ("test/1", "test/2")
    assert all(d["id"] not in ("test/1", "test/2") for d in tiny.more_like_this("test/1"))


def test_cli_table_and_json(tiny_root):
    runner = CliRunner()
    out = runner.invoke(search_command, ["Shtikov", "--filter", "sender=Filippov", "--index", str(tiny_root)])
    assert out.exit_code == 0 and "test/1" in out.output and "*Shtikov*" in out.output
    bad = runner.invoke(search_command, ["x", "--from", "June", "--index", str(tiny_root)])
    assert bad.exit_code != 0 and "from: 'June' is not a date" in bad.output


MALFORMED = ['"unbalanced', "(open", "close)", "AND", "OR OR", "NOT", "-", "title:", "from:", "*", "a*", "~",
             "x~9", "\x00\x07ctrl", "word " * 2000, "Kim 김일성 Штыков 毛泽东", ")(", '"" ""', "from:(", "+",
             "person:\"", "((((((((a", "a AND", "year:abc", "-(-(-a))"]


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_queries_answer(tiny, q):
    result = tiny.search(SearchRequest.from_args({"q": [q]}))
    result.to_dict()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_query_answers(tiny, q):
    tiny.search(SearchRequest.from_args({"q": [q]})).to_dict()


@pytest.mark.parametrize("q", ["(" * 300 + "Shtykov", "NOT " * 400 + "Shtykov", " OR ".join(["Shtykov"] * 600),
                               "+" * 300 + "Shtykov", "Shtykov" + ")" * 300])
def test_deep_or_long_operator_chains_are_read_as_words(tiny, q):
    result = tiny.search(SearchRequest(q=q))
    assert result.total >= 1


def test_fuzzy_reaches_every_spelling_of_a_name(tiny):
    def found(q):
        hits = tiny.search(SearchRequest(q=q)).hits
        return {hit.id for hit in hits} | {v["id"] for hit in hits for v in hit.versions}

    exact = found("Shtykov")
    assert exact and exact <= found("Shtikof~")
