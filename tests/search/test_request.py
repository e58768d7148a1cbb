"""SearchRequest: parsing URL parameters, errors naming the parameter, the exact round trip, toggles, plain words."""
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings, strategies as st

from index.facets import FACET_BY_NAME
from search.errors import BadRequest
from search.request import MAX_QUERY_CHARS, SearchRequest


def parse(query_string: str) -> SearchRequest:
    return SearchRequest.from_args(parse_qs(query_string))


def test_defaults_and_unknown_parameters_ignored():
    request = parse("utm_source=mail&q=armistice")
    assert request == SearchRequest(q="armistice")
    assert request.to_query_string() == "q=armistice"


def test_multidict_like_mapping():
    class MultiDict(dict):
        def getlist(self, name):
            return self.get(name, [])

    request = SearchRequest.from_args(MultiDict(q=["kaesong"], sender=["Stalin", "Mao"], page=["2"]))
    assert request.filters == (("sender", ("Mao", "Stalin")),)
    assert request.page == 2


@pytest.mark.parametrize(
    "text, expected",
    [("1950", (19500101, 19501231)), ("1950-06", (19500601, 19500630)), ("1952-02-29", (19520229, 19520229))],
)
def test_dates_widen_to_the_whole_period(text, expected):
    request = parse(f"from={text}&to={text}")
    assert request.date_range == expected


def test_open_ended_range():
    assert parse("from=1951-07").date_range == (19510701, 99991231)
    assert parse("to=1950").date_range == (0, 19501231)
    assert parse("q=x").date_range is None


@pytest.mark.parametrize("value", ["1950-13", "1951-02-29", "Junk 1950", "50", "19500601", "<b>"])
@pytest.mark.parametrize("name", ["from", "to"])
def test_bad_dates_name_the_parameter(name, value):
    with pytest.raises(BadRequest) as caught:
        SearchRequest.from_args({name: [value]})
    assert caught.value.parameter == name
    assert caught.value.message.startswith(f"{name}: ")


def test_typed_dates_become_canonical_bounds_and_round_trip():
    request = parse("from=June 1950&to=1951/2")
    assert (request.date_from, request.date_to) == ("1950-06", "1951-02")
    assert request.to_query_string() == "from=1950-06&to=1951-02"
    assert parse(request.to_query_string()) == request


def test_reversed_range_is_a_bad_request():
    with pytest.raises(BadRequest) as caught:
        parse("from=1953&to=1950")
    assert caught.value.parameter == "to"


@pytest.mark.parametrize(
    "query, parameter",
    [("page=0", "page"), ("page=501", "page"), ("page=x", "page"), ("per_page=101", "per_page"),
     ("per_page=0", "per_page"), ("per_page=-5", "per_page"), ("sort=score", "sort"),
     ("&".join(f"person=p{i}" for i in range(21)), "person")],
)
def test_limits(query, parameter):
    with pytest.raises(BadRequest) as caught:
        parse(query)
    assert caught.value.parameter == parameter


def test_long_query_is_cut_with_a_notice():
    request = SearchRequest.from_args({"q": ["word " * 2000]})
    assert len(request.q) <= MAX_QUERY_CHARS
    assert request.notices and "2000" in request.notices[0]
    assert parse(request.to_query_string()) == request


def test_canonical_query_string_is_stable():
    a = parse("sender=Stalin&q=truce&type=telegram&sender=Mao&from=1951&sort=date_asc&page=3&per_page=50")
    b = parse("per_page=50&page=3&sort=date_asc&from=1951&sender=Mao&sender=Stalin&type=telegram&q=truce")
    assert a == b
    assert a.to_query_string() == (
        "q=truce&sender=Mao&sender=Stalin&type=telegram&from=1951&sort=date_asc&page=3&per_page=50"
    )


def test_toggles():
    request = parse("q=truce&sender=Stalin&page=4")
    more = request.with_filter("sender", "Mao Zedong")
    assert more.values("sender") == ("Mao Zedong", "Stalin") and more.page == 1
    assert more.without_filter("sender", "Stalin").values("sender") == ("Mao Zedong",)
    assert request.without_filter("sender").filters == ()
    assert request.toggle_filter("sender", "Stalin").filters == ()
    assert request.with_page(5).url() == "/search?q=truce&sender=Stalin&page=5"
    assert request.with_dates("1950-06", "1950-06").date_range == (19500601, 19500630)
    with pytest.raises(BadRequest):
        request.with_dates("June")


def test_describe_in_plain_words():
    request = parse("sender=Joseph Stalin&from=1950-06&to=1951-12")
    assert request.describe() == "sent by Joseph Stalin, between June 1950 and December 1951"
    assert parse("q=truce&type=telegram&type=letter&to=1953-07-27").describe() == (
        'matching "truce", of type letter or telegram, up to 27 July 1953'
    )
    assert SearchRequest().describe() == "all documents"
    assert parse("from=1950-06&to=1950-06").describe() == "in June 1950"


parameter_names = st.sampled_from(list(FACET_BY_NAME) + ["q", "from", "to", "sort", "page", "per_page", "zzz"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(parameter_names, st.lists(st.text(max_size=30), max_size=4)))
def test_any_input_parses_or_raises_bad_request_and_round_trips(args):
    try:
        request = SearchRequest.from_args(args)
    except BadRequest as error:
        assert error.parameter
        return
    assert parse(request.to_query_string()) == request
    request.describe()


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=0, max_size=10_000))
def test_any_query_text_round_trips(text):
    request = SearchRequest.from_args({"q": [text]})
    assert parse(request.to_query_string()) == request


def test_typos_off_round_trips_and_bad_values_are_refused():
    from urllib.parse import parse_qs

    request = SearchRequest.from_args({"q": ["armstice"], "typos": ["off"]})
    assert not request.typos and request.to_query_string() == "q=armstice&typos=off"
    assert SearchRequest.from_args(parse_qs(request.to_query_string())) == request
    assert SearchRequest.from_args({"q": ["x"]}).typos
    with pytest.raises(BadRequest):
        SearchRequest.from_args({"typos": ["maybe"]})
