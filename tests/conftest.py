"""Fixtures every test package shares: the bundled corpus, ONE index of it (plus the hostile records of
`hostile.py`) built once per session, a fresh Flask app per test on that index, and gunicorn serving it.

The repository root is made importable first, so tests run the packages from the working tree."""
import sys
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus.loader import Corpus, load_corpus  # noqa: E402  (needs the root on sys.path)
from dask_cluster import DaskCluster  # noqa: E402
from hostile import hostile_documents  # noqa: E402
from index.build import build_full  # noqa: E402
from search.searcher import Searcher  # noqa: E402
from soak import server as servers  # noqa: E402
from web.app import create_app  # noqa: E402


@pytest.fixture(scope="session")
def bundled_corpus() -> Corpus:
    """The bundled collections as the loader reads them (never modified by a test)."""
    return load_corpus()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A Dask scheduler and two workers (`dask scheduler`, `dask worker`), each its own process on loopback."""
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        for name in ("worker-1", "worker-2"):
            cluster.add_worker(name)
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def indexed_corpus(bundled_corpus) -> Corpus:
    """What `bundled_index` holds: the bundled documents and the hostile ones."""
    return replace(bundled_corpus, documents=list(bundled_corpus.documents) + hostile_documents())


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory, indexed_corpus) -> Path:
    """The session's one index of the bundled corpus; tests that change an index copy it or build their own."""
    root = tmp_path_factory.mktemp("bundled-index")
    build_full(indexed_corpus, root)
    return root


@pytest.fixture(scope="session")
def bundled_searcher(bundled_index) -> Searcher:
    searcher = Searcher(bundled_index)
    yield searcher
    searcher.close()


@pytest.fixture
def app(bundled_index):
    return create_app({"INDEX": str(bundled_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live(bundled_index, tmp_path_factory):
    """gunicorn with the project's config serving the session index with two workers, as `make run` does; its
    access and error log is `live.log`, its URL `live.base`."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with servers.start(bundled_index, log, workers=2) as server:
        yield server


# The names the packages knew these by.
@pytest.fixture(scope="session")
def corpus(bundled_corpus) -> Corpus:
    return bundled_corpus


@pytest.fixture(scope="session")
def index_root(bundled_index) -> Path:
    return bundled_index


@pytest.fixture(scope="session")
def rel_index(bundled_index) -> Path:
    return bundled_index


@pytest.fixture(scope="session")
def live_server(live) -> str:
    return live.base
