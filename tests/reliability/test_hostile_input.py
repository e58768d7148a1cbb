"""Hostile input, generated: the request parser, the query parser and the whole app take any URL a crawler or a
malformed link can send, and answer it with results or a 4xx that says what is wrong, never a 5xx."""
from __future__ import annotations

from urllib.parse import parse_qs, quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.errors import BadRequest
from search.query import parse_query
from index.facets import FACET_BY_NAME
from search.request import SearchRequest
from web.app import create_app

PARAMETERS = ("q", "from", "to", "sort", "page", "per_page", "format", "facet_q") + tuple(FACET_BY_NAME)
OPERATORS = ('"', "'", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "-", "+", "*", "?", "~", "~2", "^3",
             ":", "title:", "sender:", "body:(", "\\", "/", "&", "|", "!", "<", ">", "<script>", "%00", "\x00",
             "\t", "\n", "\u200b", "\ufeff", "\u202e", "日本", "Сталин", "김일성", "🙂", "NaN", "-0", "1e309",
             "9" * 40, "0" * 30 + "1", "١٢", "²", "1949-13-40", "0000", "1950-02-30", "javascript:alert(1)")

# Text a URL can carry: no lone surrogates (they cannot be encoded), everything else including controls.
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
tokens = st.one_of(st.sampled_from(OPERATORS), url_text, st.integers(-10**30, 10**30).map(str))
hostile = st.one_of(
    st.lists(tokens, max_size=12).map(" ".join),
    st.lists(tokens, max_size=12).map("".join),
    st.tuples(st.sampled_from(OPERATORS + ("a", "é")), st.integers(1, 10_000)).map(lambda pair: pair[0] * pair[1]),
)
arguments = st.dictionaries(st.sampled_from(PARAMETERS), st.lists(hostile, min_size=1, max_size=25), max_size=6)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(arguments)
def test_request_parser_raises_only_bad_request_and_round_trips(args):
    try:
        req = SearchRequest.from_args(args)
    except BadRequest as exc:
        assert exc.message and exc.parameter in PARAMETERS
        return
    assert SearchRequest.from_args(parse_qs(req.to_query_string(), keep_blank_values=True)) == req


@FAST
@given(q=hostile)
def test_query_parser_and_searcher_take_any_text(bundled_searcher, q):
    """Any q the request parser lets through (it bounds length and operator count) parses and searches."""
    try:
        req = SearchRequest.from_args({"q": [q], "per_page": ["3"]})
    except BadRequest as exc:
        assert exc.parameter == "q" and "too complex" in exc.message
        return
    snapshot = bundled_searcher._current()
    parsed = parse_query(req.q, snapshot.analyzer, snapshot.resolve_field_value)
    assert parsed.query is not None
    result = bundled_searcher.search(req)
    assert len(result.hits) == min(3, result.total)


ROUTES = ("/search", "/", "/api/search", "/api/facet/person", "/api/facet/{word}", "/api/names",
          "/doc/{word}/{word}", "/api/doc/{word}/{word}", "/search?format=csv", "/search?format=atom",
          "/search?format=json", "/search?format=ris", "/search?format=bibtex")


def _url(route: str, word: str, pairs: list[tuple[str, str]]) -> str:
    path = route.replace("{word}", quote(word, safe="") or "x")
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
    return f"{path}{'&' if '?' in path else '?'}{query}" if query else path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), word=hostile, pairs=st.lists(st.tuples(st.sampled_from(PARAMETERS), hostile),
                                                                   max_size=8))
def test_the_app_never_answers_5xx(client, route, word, pairs):
    url = _url(route, word[:300], pairs)
    response = client.get(url)
    body = response.get_data()  # drains a streamed export, where a late error would surface
    assert response.status_code < 500, (url, body[:500])
    if response.status_code >= 400 and url.startswith("/api/"):
        assert response.is_json, url
        assert response.get_json()["error"]["message"], url


@pytest.mark.parametrize("url", [
    "/api/search?q=" + "a" * 10_000,
    "/api/search?q=" + "(" * 5_000,
    "/api/search?q=" + '"' * 3_001,
    "/api/search?q=" + "Stalin~ " * 1_200,
    "/api/search?q=" + "s* " * 3_000,
    "/api/search?q=" + "NOT " * 2_500,
    "/api/search?page=" + "9" * 10_000,
    "/api/search?" + "&".join(["type=telegram"] * 5_000),
    "/api/search?" + "&".join(f"person=p{i}" for i in range(21)),
    "/api/search?from=" + "1" * 10_000,
])
def test_huge_and_repeated_parameters_answer_quickly_and_cleanly(bundled_index, url):
    # "Quickly" is the app's own request budget: a runaway search would answer 503, not 200 or 400.
    client = create_app({"INDEX": str(bundled_index), "TESTING": True, "REQUEST_DEADLINE": 5.0}).test_client()
    response = client.get(url)
    assert response.status_code in (200, 400) and response.is_json
    if response.status_code == 400:
        assert response.get_json()["error"]["message"]
