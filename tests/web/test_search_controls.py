"""The search page's pure formatters on their own: the pager, the timeline and the facet links. (The reference
formats, CSV, RIS, BibTeX, CSL-JSON and the citation, have theirs in tests/web/test_reference_formats.py.)"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from search.request import MAX_PAGE, SearchRequest

from web.search_controls import pager
from web.timeline import CHART_HEIGHT, timeline


def parsed(request_url: str) -> SearchRequest:
    return SearchRequest.from_args(parse_qs(urlsplit(request_url).query))


def test_pager_shows_first_last_and_a_window_around_the_current_page():
    req = SearchRequest(q="Stalin", page=10, per_page=10)
    found = pager(req, total=500)
    numbers = [p.get("number") for p in found["pages"]]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 50]
    assert [p["number"] for p in found["pages"] if p.get("current")] == [10]
    assert parsed(found["prev_url"]).page == 9 and parsed(found["next_url"]).page == 11
    assert parsed(found["next_url"]).q == "Stalin"


def test_pager_is_absent_for_one_page_and_stops_at_the_last():
    assert pager(SearchRequest(per_page=20), total=20) is None
    last = pager(SearchRequest(page=3, per_page=20), total=41)
    assert last["last"] == 3 and last["next_url"] is None and parsed(last["prev_url"]).page == 2


def test_pager_never_offers_pages_past_the_deepest_allowed():
    assert pager(SearchRequest(per_page=1), total=10 ** 9)["last"] == MAX_PAGE


def test_timeline_bars_scale_to_the_peak_and_narrow_the_search():
    histogram = {"unit": "year", "bins": [
        {"key": "1950", "label": "1950", "from": "1950", "to": "1950", "count": 40},
        {"key": "1951", "label": "1951", "from": "1951", "to": "1951", "count": 0},
        {"key": "1952", "label": "1952", "from": "1952", "to": "1952", "count": 10}]}
    drawn = timeline(SearchRequest(q="armistice"), histogram)
    heights = [bar["height"] for bar in drawn["bars"]]
    assert heights == [CHART_HEIGHT, 0, CHART_HEIGHT / 4]
    assert drawn["bars"][1]["url"] is None  # an empty year is not a link
    narrowed = parsed(drawn["bars"][2]["url"])
    assert (narrowed.q, narrowed.date_from, narrowed.date_to) == ("armistice", "1952", "1952")
    assert [label["text"] for label in drawn["ticks"]] == ["1950", "1951", "1952"]


def test_timeline_is_absent_when_nothing_is_dated():
    assert timeline(SearchRequest(), {"unit": "year", "bins": []}) is None
    assert timeline(SearchRequest(), {"unit": "year", "bins": [{"key": "1950", "count": 0}]}) is None


def test_chosen_values_come_first_and_an_excluded_value_is_undone_not_selected_in_the_facet_window():
    from web.search_controls import facet_groups, facet_window

    req = SearchRequest(q="armistice").excluding("sender", "Joseph Stalin")
    values = [{"value": "Mao Zedong", "label": "Mao Zedong", "count": 5, "selected": False, "excluded": False},
              {"value": "Joseph Stalin", "label": "Joseph Stalin", "count": 2, "selected": False, "excluded": True},
              {"value": "-2+3", "label": "-2+3", "count": 1, "selected": False, "excluded": False}]
    window = {v["value"]: v for v in facet_window(req, "sender", values, "", "count", 1)["entries"]}
    assert window["Joseph Stalin"]["toggle_url"] == "/search?q=armistice"  # undoes the exclusion
    assert window["Joseph Stalin"]["exclude_url"] is None
    assert window["-2+3"]["toggle_url"] == "/search?q=armistice&sender=-Joseph%20Stalin&sender=%5C-2%2B3"
    assert window["Mao Zedong"]["exclude_url"] == "/search?q=armistice&sender=-Joseph%20Stalin&sender=-Mao%20Zedong"
    shown = facet_groups(req, {"sender": values}, visible=10)[0]["shown"]
    assert [v["value"] for v in shown] == ["Joseph Stalin", "Mao Zedong", "-2+3"]
    assert shown[2]["url_value"] == "\\-2+3" and shown[0]["excluded_value"] == "-Joseph Stalin"
