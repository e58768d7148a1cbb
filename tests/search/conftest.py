"""Indexes for the search tests: a tiny one built from the Documents of tests/small_corpus.py; the bundled index is the
session's one (tests/conftest.py), here also called `real`."""
from pathlib import Path

import pytest

from corpus.loader import Corpus
from index.build import build_full
from search.searcher import Searcher
from small_corpus import AUTHORITY, TINY_DOCUMENTS


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny-index")
    corpus = Corpus(root=root, documents=list(TINY_DOCUMENTS), authority=AUTHORITY, manifests=[])
    build_full(corpus, root)
    return root


@pytest.fixture(scope="session")
def tiny(tiny_root) -> Searcher:
    return Searcher(tiny_root)


@pytest.fixture(scope="session")
def real(bundled_searcher) -> Searcher:
    """The session's one index of the bundled corpus (plus tests/hostile.py's records)."""
    return bundled_searcher
