"""One real index (the bundled corpus plus hostile records) per session, a fresh app per test, and gunicorn with
the project's config on a free loopback port for the tests that need a real server."""
from __future__ import annotations

from dataclasses import replace

import pytest

from corpus.loader import load_corpus
from index.build import build_full
from reliability_fixtures import huge_document, hostile_documents
from soak import server as servers
from web.app import create_app


@pytest.fixture(scope="session")
def rel_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("rel-index")
    corpus = load_corpus()
    build_full(replace(corpus, documents=list(corpus.documents) + hostile_documents()), root)
    return root


@pytest.fixture(scope="session")
def huge_index(tmp_path_factory):
    """Twenty bundled documents and one of six million characters."""
    root = tmp_path_factory.mktemp("huge-index")
    corpus = load_corpus()
    documents = list(corpus.documents[:20])
    build_full(replace(corpus, documents=documents + [huge_document([d.body for d in documents])]), root)
    return root


@pytest.fixture
def app(rel_index):
    return create_app({"INDEX": str(rel_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live(rel_index, tmp_path_factory):
    """gunicorn serving the session index with two workers; its access and error log is `live.log`."""
    log = tmp_path_factory.mktemp("rel-gunicorn") / "gunicorn.log"
    with servers.start(rel_index, log, workers=2) as server:
        yield server
