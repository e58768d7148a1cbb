"""Fixtures for the web tests: one real index per session (the bundled corpus plus planted hostile documents),
a fresh Flask app per test, and, for browser tests, gunicorn on a free loopback port and headless Chromium."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.loader import load_corpus
from corpus.model import DateRange, Document, document_id
from index.build import build_full
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("KWARCHIVE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

XSS_TITLE = '<script>alert("title")</script> Armistice <img src=x onerror=alert(1)> bulletin'
XSS_BODY = ('Armistice talks at Kaesong. <script>alert(1)</script> and <img src=x onerror="alert(2)"> and '
            '<a href="javascript:alert(3)">click</a> end of armistice note.')
FORMULA_TITLES = ("=HYPERLINK(\"http://evil.example\",\"armistice\")", "+armistice formula", "-armistice minus",
                  "@armistice at")


def planted_documents() -> list[Document]:
    """Hostile records: HTML and script in title and body, and titles a spreadsheet would run as formulas."""
    docs = [Document(
        id=document_id("test-hostile", "1"), collection="test-hostile", number="1", title=XSS_TITLE,
        doc_type="telegram", date=DateRange("1951-07-10", "1951-07-10", "10 July 1951", "day"),
        senders=("<b>Mallory</b>",), recipients=("=cmd|' /C calc'!A0",), body=XSS_BODY, language="en")]
    for number, title in enumerate(FORMULA_TITLES, start=2):
        docs.append(Document(
            id=document_id("test-hostile", str(number)), collection="test-hostile", number=str(number),
            title=title, doc_type="note", date=DateRange("1951-08-01", "1951-08-01", "1 August 1951", "day"),
            body=f"A note on the armistice, number {number}.", language="en"))
    return docs


@pytest.fixture(scope="session")
def corpus():
    return load_corpus()


@pytest.fixture(scope="session")
def index_root(tmp_path_factory, corpus):
    root = tmp_path_factory.mktemp("web-index")
    hostile = replace(corpus, documents=list(corpus.documents) + planted_documents())
    build_full(hostile, root)
    return root


@pytest.fixture
def app(index_root):
    return create_app({"INDEX": str(index_root), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy in time")


@pytest.fixture(scope="session")
def live_server(index_root, tmp_path_factory):
    """The app served by gunicorn with the project's config, as `make run` does, on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = dict(os.environ, KWARCHIVE_INDEX=str(index_root), KWARCHIVE_WORKERS="2")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "web/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _browser_missing() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return ""


@pytest.fixture(scope="session")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("KWARCHIVE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    # A page answering 404 on purpose logs "Failed to load resource"; failed sub-resources are caught below.
    tab.on("console", lambda msg: errors.append(msg.text)
           if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}")
           if r.status >= 400 and r.request.resource_type != "document" else None)
    yield tab
    context.close()
    assert not errors, f"errors in the browser console: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
