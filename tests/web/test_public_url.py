"""Absolute URLs come from the configured public address, never from a client's Host header; unknown hosts get 400."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from hostile import COLLECTION
from web.app import create_app
from web.public_url import base_url, trusted_hosts

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
PUBLIC = "https://archive.example.org/kw"


def test_base_url_is_normalised_and_checked():
    assert base_url("https://archive.example.org/kw/") == PUBLIC
    assert base_url("") == "" and base_url(None) == ""
    for wrong in ("archive.example.org", "ftp://archive.example.org", "https://x.example/?a=1", "https:///path"):
        with pytest.raises(ValueError, match="KWARCHIVE_BASE_URL"):
            base_url(wrong)


def test_trusted_hosts_from_a_list_or_a_string_plus_the_base_host():
    assert trusted_hosts(None, "") == ["localhost", "127.0.0.1"]
    assert trusted_hosts("a.example, .b.example", "") == ["a.example", ".b.example"]
    assert trusted_hosts(["a.example"], PUBLIC) == ["a.example", "archive.example.org"]
    assert trusted_hosts(None, PUBLIC) == ["localhost", "127.0.0.1", "archive.example.org"]


@pytest.mark.parametrize("path", ["/", "/opensearch.xml", "/api/search?q=armistice", "/search?q=x&format=atom",
                                  "/search?q=armistice&format=csv", "/api/openapi.json", f"/doc/{COLLECTION}/1"])
def test_an_unknown_host_gets_400_with_the_security_headers(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example/" not in response.data
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "not trusted" in response.get_data(as_text=True)


def urls_served(client, host: str) -> dict[str, str]:
    """One absolute URL from each place that builds them, as a user or a feed reader would receive it."""
    headers = {"Host": host}
    opensearch = ET.fromstring(client.get("/opensearch.xml", headers=headers).data)
    feed = ET.fromstring(client.get("/search?q=armistice&format=atom", headers=headers).data)
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get("/search?q=armistice&format=csv", headers=headers).get_data(as_text=True).lstrip("\ufeff"))))
    json_export = json.loads(client.get("/search?q=armistice&format=json", headers=headers).data)
    ris = client.get("/search?q=armistice&format=ris", headers=headers).get_data(as_text=True)
    document = client.get(f"/doc/{COLLECTION}/1", headers=headers).get_data(as_text=True)
    page = client.get("/search?q=armistice", headers=headers).get_data(as_text=True)
    return {
        "opensearch": opensearch.find(f"{OPENSEARCH}Url").get("template"),
        "opensearch icon": opensearch.find(f"{OPENSEARCH}Image").text,
        "atom self": feed.find(f"{ATOM}link[@rel='self']").get("href"),
        "atom entry": feed.find(f"{ATOM}entry/{ATOM}id").text,
        "csv": csv_rows[0]["url"],
        "json": json_export["hits"][0]["url"],
        "ris": next(line[6:] for line in ris.splitlines() if line.startswith("UR  - ")),
        "citation": document.split('id="citation-text"', 1)[1].split("</", 1)[0],
        "copy link": page.split('data-copy-url="', 1)[1].split('"', 1)[0],
        "openapi": client.get("/api/openapi.json", headers=headers).get_json()["servers"][0]["url"],
    }


def test_every_absolute_url_uses_the_configured_base_url(index_root):
    app = create_app({"INDEX": str(index_root), "TESTING": True, "BASE_URL": PUBLIC + "/"})
    client = app.test_client()
    for host in ("localhost", "archive.example.org"):
        for place, url in urls_served(client, host).items():
            assert PUBLIC + "/" in url and "localhost" not in url, (host, place, url)
    assert urls_served(client, "localhost")["citation"].endswith(PUBLIC + f"/doc/{COLLECTION}/1.")
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_without_a_base_url_the_checked_host_is_used(client):
    for place, url in urls_served(client, "127.0.0.1:8000").items():
        assert "http://127.0.0.1:8000/" in url, (place, url)


def test_forwarded_headers_are_ignored_unless_proxy_fix_is_set(index_root, client):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/evil"}
    assert client.get("/api/openapi.json", headers=forwarded).get_json()["servers"][0]["url"] == "http://localhost/"
    behind_proxy = create_app({"INDEX": str(index_root), "TESTING": True, "PROXY_FIX": 1,
                               "TRUSTED_HOSTS": "archive.example.org"}).test_client()
    assert behind_proxy.get("/api/openapi.json", headers=forwarded).status_code == 400
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "archive.example.org", "X-Forwarded-Prefix": "/kw"}
    spec = behind_proxy.get("/api/openapi.json", headers=proxied).get_json()
    assert spec["servers"][0]["url"] == PUBLIC + "/"


def test_settings_come_from_the_environment(index_root, monkeypatch):
    monkeypatch.setenv("KWARCHIVE_INDEX", str(index_root))
    monkeypatch.setenv("KWARCHIVE_BASE_URL", PUBLIC)
    monkeypatch.setenv("KWARCHIVE_TRUSTED_HOSTS", "mirror.example.net, .example.org")
    client = create_app().test_client()
    assert client.get("/api/search?q=x", headers={"Host": "www.example.org"}).status_code == 200
    assert client.get("/api/search?q=x", headers={"Host": "mirror.example.net"}).status_code == 200
    assert client.get("/api/search?q=x", headers={"Host": "localhost"}).status_code == 400
    monkeypatch.setenv("KWARCHIVE_BASE_URL", "archive.example.org")
    with pytest.raises(ValueError, match="KWARCHIVE_BASE_URL"):
        create_app()
