"""Exports and the feed: every result (not one page), the right types and file names, spreadsheet-safe CSV."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from hostile import COLLECTION, hostile_documents

ATOM = "{http://www.w3.org/2005/Atom}"


def export(client, fmt: str, query: str = "q=armistice"):
    response = client.get(f"/search?{query}&format={fmt}")
    response.was_streamed = response.is_streamed
    body = response.get_data()
    response.close()
    return response, body


@pytest.mark.parametrize("fmt, content_type, extension", [
    ("csv", "text/csv", ".csv"), ("json", "application/json", ".json"),
    ("ris", "application/x-research-info-systems", ".ris"), ("bibtex", "application/x-bibtex", ".bib"),
])
def test_content_type_and_file_name(client, fmt, content_type, extension):
    response, _ = export(client, fmt)
    assert response.status_code == 200
    assert response.mimetype == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'armistice-' in disposition and f'{extension}"' in disposition
    assert response.was_streamed


def test_csv_has_bom_and_a_row_for_every_matching_document_versions_included(client):
    total = client.get("/api/search?sort=date_asc").get_json()["total_documents"]
    assert total > 100, "the export must cover more than one page of the largest size"
    _, body = export(client, "csv", "sort=date_asc")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == total
    assert len({row["id"] for row in rows}) == total
    assert all(row["url"].startswith("http://localhost/doc/") for row in rows)


def test_json_export_is_valid_and_plain_text(client):
    _, body = export(client, "json", f"q=armistice&collection={COLLECTION}")
    parsed = json.loads(body)
    assert len(parsed["hits"]) == len(hostile_documents())
    assert all("<mark>" not in hit["title"] for hit in parsed["hits"])


def test_ris_records(client):
    _, body = export(client, "ris", "q=Shtykov")
    text = body.decode("utf-8")
    records = [r for r in text.split("ER  - ") if r.strip()]
    total = client.get("/api/search?q=Shtykov").get_json()["total_documents"]
    assert len(records) == total
    assert all("TY  - " in r and "UR  - http://localhost/doc/" in r for r in records)
    assert "\r\n" in text


def test_bibtex_has_one_entry_per_hit_with_balanced_braces(client):
    _, body = export(client, "bibtex", f"collection={COLLECTION}")
    entries = re.split(r"^@\w+\{", body.decode("utf-8"), flags=re.M)[1:]
    assert len(entries) == len(hostile_documents())
    assert any(e.startswith(f"{COLLECTION}-1,") for e in entries)
    for entry in entries:  # a stray brace from a title would end the entry early in every BibTeX reader
        depth = 1
        for char in entry.replace("\\{", "").replace("\\}", ""):
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, entry
        assert depth == 0, entry


def test_atom_feed_has_one_entry_per_hit_and_its_own_link(client):
    response = client.get(f"/search?q=armistice&collection={COLLECTION}&format=atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert len(feed.findall(f"{ATOM}entry")) == len(hostile_documents())
    assert feed.find(f"{ATOM}link[@rel='self']") is not None


def test_bad_format_and_bad_request_before_streaming(client):
    response = client.get("/search?q=armistice&format=csv&from=1950-13")
    assert response.status_code == 400
    assert client.get("/search?format=pdf").status_code == 400
