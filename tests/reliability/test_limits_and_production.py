"""Limits that answer with a clear message, the per-request time budget, and production settings: debug off, no
stack traces, security headers on every kind of response, and one access-log line per request with timing and
the serving generation."""
from __future__ import annotations

import http.client
import re
import signal
import time
import urllib.request

import pytest

from search.request import MAX_FACET_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_QUERY_OPERATORS
from search.searcher import Searcher
from web.app import create_app

from busy import busy


@pytest.mark.parametrize("query, parameter, words", [
    (f"per_page={MAX_PER_PAGE + 1}", "per_page", f"from 1 to {MAX_PER_PAGE}"),
    (f"page={MAX_PAGE + 1}", "page", f"from 1 to {MAX_PAGE}"),
    ("page=0", "page", "from 1"),
    ("per_page=ten", "per_page", "whole number"),
    ("&".join(f"sender=s{i}" for i in range(MAX_FACET_VALUES + 1)), "sender", f"at most {MAX_FACET_VALUES}"),
    ("q=" + "(a) " * (MAX_QUERY_OPERATORS // 2 + 1), "q", f"at most {MAX_QUERY_OPERATORS} operators"),
    ("sort=sideways", "sort", "expected one of"),
    ("from=1950-13", "from", "no month 13"),
])
def test_limits_answer_400_naming_the_parameter(client, query, parameter, words):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and words in error["message"]
    page = client.get(f"/search?{query}")
    assert page.status_code == 400 and words.encode() in page.data.replace(b"&#39;", b"'")


def test_a_long_query_is_cut_with_a_notice(client):
    body = client.get("/api/search?q=" + "armistice " * 1000).get_json()
    assert len(body["query"]["q"]) <= MAX_QUERY_CHARS
    assert any(f"first {MAX_QUERY_CHARS} characters" in notice for notice in body["notices"])


def test_a_search_over_its_time_budget_answers_503_and_the_next_one_works(rel_index, monkeypatch):
    app = create_app({"INDEX": str(rel_index), "TESTING": True, "REQUEST_DEADLINE": 1.5})  # room for a cold searcher on a busy CI machine
    client = app.test_client()
    assert client.get("/api/search?q=Stalin").status_code == 200
    first = app.extensions["kwarchive.searcher"]
    real_search = Searcher.search

    def slow_search(self, request, **kwargs):
        if request.q == "slow":  # busy, as a search is: the deadline lands between bytecodes, not inside a sleep
            busy(5)
        return real_search(self, request, **kwargs)

    monkeypatch.setattr(Searcher, "search", slow_search)
    started = time.perf_counter()
    response = client.get("/api/search?q=slow")
    assert time.perf_counter() - started < 4
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "took too long" in response.get_json()["error"]["message"]
    page = client.get("/search?q=slow")
    assert page.status_code == 503 and b"The search took too long" in page.data
    assert "kwarchive.searcher" not in app.extensions or app.extensions["kwarchive.searcher"] is not first
    assert client.get("/api/search?q=Stalin").status_code == 200  # a fresh Searcher answers
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the timer was stopped: nothing fires later
    assert client.get("/healthz").status_code == 200


def test_debug_is_off_and_an_unexpected_error_shows_no_trace(rel_index, monkeypatch):
    monkeypatch.setenv("KWARCHIVE_INDEX", str(rel_index))
    app = create_app()
    assert not app.debug and not app.testing
    client = app.test_client()

    def explode(self, request, **kwargs):
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(Searcher, "search", explode)
    for url in ("/api/search?q=x", "/search?q=x"):
        response = client.get(url)
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "secret internal detail" not in text and "RuntimeError" not in text
        assert response.headers["Content-Security-Policy"]
    assert client.get("/api/search?q=x").get_json()["error"]["message"]


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def test_security_headers_and_generation_on_the_live_server(live):
    urls = ("/", "/search?q=Stalin", "/api/search?q=x", "/doc/mansourov/7", "/api/doc/none/0", "/healthz",
            "/static/style.css", "/opensearch.xml", "/api/openapi.json", "/nowhere", "/search?per_page=0",
            "/search?q=armistice&format=csv", "/search?q=armistice&format=atom")
    for url in urls:
        try:
            response = urllib.request.urlopen(live.base + url, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        headers = response.headers
        response.read()
        assert all(headers.get(name) for name in SECURITY_HEADERS), url
        assert "Server: Werkzeug" not in str(headers)
    with urllib.request.urlopen(live.base + "/api/search?q=Stalin", timeout=10) as response:
        assert response.headers["X-Kwarchive-Generation"] == "1"


def test_one_access_log_line_per_request_with_time_and_generation(live):
    marker = f"logcheck{time.time_ns()}"
    with urllib.request.urlopen(f"{live.base}/api/search?q={marker}", timeout=10) as response:
        response.read()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in live.log.read_text().splitlines() if marker in line]
        if lines:
            break
        time.sleep(0.1)
    assert len(lines) == 1, lines
    assert re.search(r' GET /api/search "q=logcheck\d+" 200 \d+ \d+ms gen=1 ', lines[0]), lines[0]


@pytest.mark.parametrize("headers, path, status", [
    ({}, "/api/search?q=" + "a" * 9000, 414),
    ({"X-Big": "b" * 9000}, "/api/search?q=x", 431),
    ({f"X-{i}": "x" for i in range(120)}, "/api/search?q=x", 431),
])
def test_oversized_requests_are_refused_by_gunicorn_with_security_headers(live, headers, path, status):
    conn = http.client.HTTPConnection("127.0.0.1", int(live.base.rsplit(":", 1)[1]), timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == status
    assert all(response.getheader(name) for name in SECURITY_HEADERS)
    with urllib.request.urlopen(live.base + "/healthz", timeout=10) as health:
        assert health.status == 200
