"""XSS: hostile records and hostile queries are shown as text wherever they appear — snippets, titles, facets,
chips, the plain-words description, notices, error pages, the document page, the feed and the exports.
(The records are tests/hostile.py's; every field they fill and every echo of a query is checked.)"""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from hostile import COLLECTION, FORMULAS, PAYLOADS, SCRIPT
from html_page import Page


def assert_inert(html: str, where: str) -> None:
    """No script but our own, no event handler, no javascript: URL, none of the planted elements (the page's
    own timeline is an inline <svg>, so only the planted one is looked for by its text)."""
    assert "<svg/onload" not in html, where
    for tag, attrs in Page(html).tags:
        assert tag not in ("img", "iframe", "object", "embed"), (where, tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), (where, attrs)
        assert not [name for name in attrs if name.startswith("on")], (where, tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), (where, tag, attrs)


HOSTILE_QUERIES = [SCRIPT, '"><script>alert(1)</script>', "quagga <img src=x onerror=alert(1)>",
                   "javascript:alert(1)", "' onmouseover='alert(1)"]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_a_hostile_query_is_text_everywhere_it_is_echoed(client, q):
    for url in (f"/search?q={quote(q)}", f"/search?q={quote(q)}&sender={quote(q)}",
                f"/search?q={quote(q)}&sort={quote(q)}", f"/doc/{COLLECTION}/1?q={quote(q)}",
                f"/search?q={quote(q)}&person={quote(SCRIPT)}&from=1950&to=1951"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400), url
        assert_inert(html, url)
        assert "<script>alert" not in html, url


def test_hostile_records_are_text_on_the_search_page_with_their_facets(client):
    url = f"/search?q=quagga&sender={quote(PAYLOADS[0] + ' Mallory')}&person={quote('Eve ' + PAYLOADS[1])}"
    html = client.get(url).get_data(as_text=True)
    assert_inert(html, url)
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Mallory" in html  # facet value and chip, as text
    full = client.get("/search?q=quagga").get_data(as_text=True)
    assert_inert(full, "/search?q=quagga")
    assert "Atlantis &lt;svg/onload=alert(3)&gt;" in full


def test_hostile_records_are_text_on_the_document_page(client):
    for number in ("1", "2"):
        html = client.get(f"/doc/{COLLECTION}/{number}?q=quagga").get_data(as_text=True)
        assert_inert(html, number)
        assert "&lt;svg/onload=alert(3)&gt; translator" in html
        assert "&lt;a href=" in html  # the archive note as written, shown as text


def test_the_json_api_carries_escaped_highlights(client):
    body = client.get(f"/api/search?q=quagga+armistice&collection={COLLECTION}").get_json()
    for hit in body["hits"]:
        assert_inert(hit["title"], hit["id"])
        assert_inert(hit["snippet"], hit["id"])
        assert "<mark>" in hit["title"] + hit["snippet"]


def test_the_feed_escapes_every_field(client):
    response = client.get("/search?q=quagga&format=atom")
    raw = response.get_data(as_text=True)
    feed = ET.fromstring(response.data)  # well-formed: nothing broke out of its element
    assert "<script>" not in raw and "<svg" not in raw and "<img" not in raw
    for element in feed.iter():
        if element.text and element.tag.endswith(("summary", "content")):
            assert_inert(element.text, element.tag)


def test_every_csv_cell_is_neutralised(client):
    text = client.get("/search?q=quagga&format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + FORMULAS[0] in cells


def test_error_pages_echo_bad_values_as_text(client):
    for url in (f"/search?from={quote(SCRIPT)}", f"/search?format={quote(SCRIPT)}",
                f"/search?per_page={quote(PAYLOADS[1])}", f"/doc/{quote(SCRIPT, safe='')}/1"):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert_inert(response.get_data(as_text=True), url)
