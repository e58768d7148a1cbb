"""The JSON API, health check, OpenAPI description and error mapping, through the real app and a real index."""
from __future__ import annotations

import pytest

from index.facets import FACET_BY_NAME


def test_search_returns_the_contract_shape(client):
    response = client.get("/api/search?q=armistice&per_page=5")
    assert response.status_code == 200
    body = response.get_json()
    assert {"query", "total", "page", "per_page", "hits", "facets", "histogram", "suggestion", "notices"} <= set(body)
    assert body["total"] > 5 and len(body["hits"]) == 5
    hit = body["hits"][0]
    assert hit["url"] == "/doc/" + hit["id"]
    assert "<mark>" in hit["snippet"] + hit["title"]


@pytest.mark.parametrize("query, parameter", [
    ("from=1950-13", "from"), ("to=yesterday", "to"), ("from=1952&to=1950", "to"), ("sort=random", "sort"),
    ("page=0", "page"), ("page=abc", "page"), ("per_page=1000", "per_page"), ("per_page=-1", "per_page"),
])
def test_bad_parameters_get_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["message"]


@pytest.mark.parametrize("query", [
    'q="unbalanced', "q=(((", "q=AND OR NOT", "q=" + "x" * 10_000, "q=%00%01%02", "q=%E9%AA%A8%D0%96*~",
    "q=title:", "q=from:", "q=-", "q=*", "q=~", "unknown=1", "sender=" + "y" * 500, "q=%ED%A0%80",
    "type=&sender=&from=", "q=\\", "q=stalin~9", "year=abcd", "page=500",
])
def test_garbage_is_never_a_server_error(client, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code in (200, 400), response.data[:300]
    assert response.is_json


def test_unknown_document_is_a_json_404(client):
    response = client.get("/api/doc/nkidp-reader/999999")
    assert response.status_code == 404
    assert "nkidp-reader/999999" in response.get_json()["error"]["message"]


def test_document_record(client):
    hit = client.get("/api/search?q=Shtykov&per_page=1").get_json()["hits"][0]
    record = client.get(f"/api/doc/{hit['id']}").get_json()
    assert record["id"] == hit["id"]
    assert record["body"] and "date" in record


def test_healthz_ready(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["documents"] > 200


def test_healthz_and_pages_answer_503_without_an_index(tmp_path):
    from web.app import create_app

    client = create_app({"INDEX": str(tmp_path / "missing"), "TESTING": True}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "reindex" in health.get_json()["error"]["message"]
    page = client.get("/search?q=stalin")
    assert page.status_code == 503
    assert b"unavailable" in page.data and b"Traceback" not in page.data
    assert client.get("/api/search").status_code == 503


def test_corrupt_index_is_503_with_the_reason(tmp_path, index_root):
    import shutil

    from web.app import create_app

    broken = tmp_path / "broken"
    shutil.copytree(index_root, broken)
    for segment in broken.glob("gen-*/*.seg"):
        segment.unlink()
    client = create_app({"INDEX": str(broken), "TESTING": True}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"]
    assert health.get_json()["error"]["message"]
    assert client.get("/search?q=stalin").status_code == 503
    assert client.get("/api/openapi.json").status_code == 200


def test_openapi_describes_every_endpoint_and_parameter(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/doc/{collection}/{number}", "/healthz", "/api/names"} <= set(spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(FACET_BY_NAME) | {"q", "from", "to", "sort", "page", "per_page"} <= names


def test_names_suggest_every_spelling(client):
    names = client.get("/api/names?q=filip").get_json()["names"]
    assert any(entry["name"] == "Joseph Stalin" for entry in names)
    assert client.get("/api/names?q=").get_json()["names"] == []


def test_facet_endpoint_lists_and_filters_values(client):
    values = client.get("/api/facet/person?facet_q=kim").get_json()["values"]
    assert values and all("kim" in v["value"].lower() for v in values)
    assert client.get("/api/facet/nonsense").status_code == 404


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/api/search?q=x", "/api/doc/a/b", "/healthz", "/static/style.css", "/nowhere",
                "/search?from=bad", "/search?q=armistice&format=csv"):
        response = client.get(url)
        response.close()
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_html_errors_are_friendly_pages(client):
    bad = client.get("/search?q=armistice&page=x")
    assert bad.status_code == 400 and bad.content_type.startswith("text/html")
    assert b"<code>page</code>" in bad.data
    date = client.get("/search?q=armistice&from=1950-99")
    assert date.status_code == 400 and b'id="from-error"' in date.data and b'value="armistice"' in date.data
    missing = client.get("/doc/nkidp-reader/999999")
    assert missing.status_code == 404 and b"Try a search" in missing.data
    assert client.get("/search?format=exe").status_code == 400


def test_unexpected_errors_hide_the_traceback(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert response.headers["X-Frame-Options"] == "DENY"


def test_names_complete_the_words_being_typed(client):
    body = client.get("/api/names?q=" + "armistice Mao Tse").get_json()
    assert body["replaces"] == "Mao Tse" and body["names"][0]["name"] == "Mao Zedong"
    body = client.get("/api/names?q=Terentii Sht").get_json()
    assert body["replaces"] == "Terentii Sht" and body["names"][0]["name"] == "Terentii Shtykov"


def test_a_chosen_name_finds_documents(client):
    name = client.get("/api/names?q=Terentii Sht").get_json()["names"][0]["name"]
    assert client.get("/api/search", query_string={"q": name}).get_json()["total"] > 0
