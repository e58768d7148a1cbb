"""Exports are whole or refused: a documented row limit (413 naming it), a row count and length on every file, a
time budget that covers writing the file, and one index generation from the first row to the last."""
from __future__ import annotations

import io
import time

import pytest

from search.searcher import Searcher
from web.app import create_app
from web.exports import DownloadTooSlow, send_by

from busy import busy


def test_an_export_over_the_row_limit_is_refused_naming_the_limit(index_root):
    client = create_app({"INDEX": str(index_root), "TESTING": True, "EXPORT_MAX_ROWS": 5}).test_client()
    total = client.get("/api/search?q=armistice").get_json()["total_documents"]
    response = client.get("/search?q=armistice&format=json")
    assert response.status_code == 413
    message = response.get_json()["error"]["message"]
    assert f"matches {total:,} documents" in message and "at most 5" in message
    page = client.get("/search?q=armistice&format=csv")
    assert page.status_code == 413 and b"at most 5" in page.data
    assert client.get("/search?q=Kaesong+armistice+Panmunjom&format=csv&sender=Joseph+Stalin").status_code == 200


def test_every_export_carries_its_row_count_and_length(client):
    total = client.get("/api/search").get_json()["total_documents"]
    response = client.get("/search?format=csv")
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    assert int(response.headers["X-Kwarchive-Rows"]) == total == body.decode("utf-8-sig").count("\r\n") - 1
    ris = client.get("/search?format=ris")
    assert int(ris.headers["X-Kwarchive-Rows"]) == total == ris.get_data(as_text=True).count("ER  - ")


def test_an_export_over_its_time_budget_answers_503_before_any_row(index_root, monkeypatch):
    client = create_app({"INDEX": str(index_root), "TESTING": True, "EXPORT_DEADLINE": 0.5,
                         "EXPORT_SPOOL_BYTES": 0}).test_client()  # written afresh, not sent from the spool
    real = Searcher.every_document

    def slow_every_document(self, request, **kwargs):
        busy(5)  # like a long export
        return real(self, request, **kwargs)

    monkeypatch.setattr(Searcher, "every_document", slow_every_document)
    started = time.perf_counter()
    response = client.get("/search?format=json")
    assert time.perf_counter() - started < 4
    assert response.status_code == 503
    assert "within its 0.5 s budget" in response.get_json()["error"]["message"]
    page = client.get("/search?format=csv").get_data(as_text=True)  # a browser download gets the HTML page
    assert "<title>The export took too long" in page and "The search took too long" not in page


def test_a_download_still_running_when_the_budget_ends_is_cut_off():
    body = io.BytesIO(b"x" * 300_000)
    sent = send_by(body, time.monotonic() + 60, "/search?format=csv")
    assert len(next(sent)) == 65536
    ended = send_by(io.BytesIO(b"x" * 300_000), time.monotonic() - 1, "/search?format=csv")
    with pytest.raises(DownloadTooSlow):
        next(ended)

