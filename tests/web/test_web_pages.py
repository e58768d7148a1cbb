"""The search and document pages as served HTML: what a reader sees, with the URL as the whole state."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from html_page import get_page
from search.request import SearchRequest


def test_home_lists_everything_with_facets_and_timeline(client):
    status, page, html = get_page(client, "/")
    assert status == 200
    assert page.find("form", role="search")
    assert page.find("link", rel="search", type="application/opensearchdescription+xml")
    assert page.find("link", rel="alternate", type="application/atom+xml")
    for facet in ("collection", "type", "sender", "recipient", "person", "year"):
        assert page.find("input", type="checkbox", name=facet), facet
    assert "<svg" in html and page.links(r"from=\d{4}&to=\d{4}")


def test_search_shows_marks_metadata_and_versions(client):
    status, page, html = get_page(client, "/search?q=Shtykov+Stalin")
    assert status == 200
    assert "<mark>" in html
    assert "→" in html and "hit__date" in html
    assert page.links(r"^/doc/[^?]+\?q=Shtykov")
    assert "Also in:" in html


def test_facets_are_checkboxes_and_selected_ones_are_chips(client):
    status, page, html = get_page(client, "/search?q=armistice&type=telegram&type=cable&from=1951")
    assert status == 200
    checked = [a["value"] for a in page.find("input", type="checkbox", name="type") if "checked" in a]
    assert sorted(checked) == ["cable", "telegram"]
    chips = [a for a in page.find("a") if a.get("class") == "chip"]
    assert len(chips) == 3
    removal = SearchRequest.from_args(parse_qs(urlsplit(chips[0]["href"]).query))
    assert removal.q == "armistice" and removal.date_from == "1951"
    assert "Clear all filters" in html


def test_timeline_bars_narrow_to_their_year_or_month(client):
    _, page, _ = get_page(client, "/search?q=Stalin")
    years = page.links(r"from=(\d{4})&to=\1(&|$)")
    assert years, "year bars link to their year"
    _, narrowed, _ = get_page(client, years[0])
    months = narrowed.links(r"from=(\d{4}-\d{2})&to=\1(&|$)")
    assert months, "inside one year the bars are months"


def test_pager_and_page_links_keep_the_state(client):
    _, page, html = get_page(client, "/search?q=Stalin&sort=date_desc&per_page=10")
    pages = page.find("a", rel="next")
    assert pages
    following = SearchRequest.from_args(parse_qs(urlsplit(pages[0]["href"]).query))
    assert (following.q, following.sort, following.per_page, following.page) == ("Stalin", "date_desc", 10, 2)
    assert page.find("select", name="per_page", form="search")  # the next search keeps the page size
    assert '<option value="10" selected>' in html
    assert 'aria-current="page"' in html


def test_empty_state_offers_suggestion_and_filter_removal(client):
    _, _, html = get_page(client, "/search?q=armistise&typos=off")
    assert "Did you mean" in html
    _, _, html = get_page(client, "/search?q=armistise")  # typo tolerance on: found, and said so
    assert "Showing results for <strong>armistice</strong>" in html and "Nothing was found" not in html
    _, page, html = get_page(client, "/search?q=armistice&collection=krasnaya-zvezda&type=telegram")
    assert "Nothing was found" in html
    assert "Remove “Type: telegram”" in html or "Remove “Collection" in html


def test_no_inline_script_or_style_anywhere(client):
    for url in ("/", "/search?q=Mao", "/doc/nkidp-reader/17?q=Stalin", "/doc/none/0", "/search?from=x"):
        _, page, html = get_page(client, url)
        assert all("src" in s for s in page.find("script")), url
        assert not [a for _, a in page.tags if "style" in a], url
        assert "<style" not in html, url


def test_document_page(client):
    status, page, html = get_page(client, "/doc/nkidp-reader/17?q=Stalin")
    assert status == 200
    text = " ".join(page.text)
    for label in ("Date", "Type", "From", "To", "Archive", "Collection"):
        assert label in text
    assert '<mark id="match-1">' in html and page.links("#match-1")
    assert "Cite this document" in text and "New Evidence on the Korean War" in text
    assert page.links(r"^/search\?person=") and page.links(r"^/search\?sender=")
    assert page.find("a", rel="prev") or page.find("a", rel="next")
    assert "More like this" in text
    assert "Other versions" in text and page.links(r"^/doc/secret-documents/")


def test_document_without_query_has_no_marks(client):
    _, _, html = get_page(client, "/doc/nkidp-reader/17")
    assert "<mark" not in html


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert b'template="http://localhost/search?q={searchTerms}"' in response.data


def _help_examples(html: str) -> list[str]:
    import html as html_module

    body = html[html.index("query-help__body"):html.index("</details>")]
    return [html_module.unescape(code) for code in re.findall(r"<code>(.*?)</code>", body)]


def _readme_query_examples() -> list[str]:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| syntax | meaning |"):]
    table = table[:table.index("\n\n")]
    return [code for line in table.splitlines()[2:] for code in re.findall(r"`([^`]+)`", line.split(" | ")[0])]


def test_every_query_example_in_the_help_and_readme_finds_documents_as_written(client):
    html = client.get("/search").get_data(as_text=True)
    examples = _help_examples(html) + _readme_query_examples()
    assert len(examples) > 25
    for example in examples:
        found = client.get("/api/search", query_string={"q": example}).get_json()
        assert found["total"] > 0 and not found["notices"], (example, found["notices"])


def test_facet_window_pages_sorts_and_refuses_bad_parameters(client):
    status, page, html = get_page(client, "/search/facet/place?q=armistice&facet_sort=az&facet_page=2")
    assert status == 200 and 'rel="prev"' in html
    assert page.links(r"^/search\?q=armistice&place=")
    assert client.get("/search/facet/nonsense").status_code == 404
    assert client.get("/search/facet/place?facet_sort=sideways").status_code == 400
    assert client.get("/search/facet/place?facet_page=0").status_code == 400
    assert client.get("/api/facet/place?facet_sort=sideways").status_code == 400
    years = client.get("/api/facet/year").get_json()["values"]
    assert [v["value"] for v in years] == sorted(v["value"] for v in years)


def test_document_marks_a_phrase_only_where_it_stands(client):
    html = client.get('/doc/cwihp-bulletin/18?q="nine Chinese divisions"').get_data(as_text=True)
    assert "<mark" not in html  # the phrase is not in this text, though "Chinese" and "divisions" are
    html = client.get('/doc/nkidp-reader/19?q="nine Chinese divisions"').get_data(as_text=True)
    assert '<mark id="match-1">nine Chinese divisions</mark>' in html


def test_document_marks_a_name_in_every_spelling(client):
    html = client.get("/doc/nkidp-reader/18?q=Stalin").get_data(as_text=True)
    assert '<mark id="match-1">Filippov</mark>' in html or ">Filippov</mark>" in html


def test_search_page_announces_a_correction_with_a_way_back(client):
    html = client.get("/search?q=armstice+talks+Kaesung").get_data(as_text=True)
    assert "Showing results for <strong>armistice talks Kaesong</strong>" in html
    assert 'href="/search?q=armstice%20talks%20Kaesung&amp;typos=off"' in html
