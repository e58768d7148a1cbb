"""Indexes for the search tests: a tiny one built from the Documents of `tiny_corpus.py`, and the bundled corpus."""
from pathlib import Path

import pytest

from corpus.loader import Corpus, load_corpus
from index.build import build_full
from search.searcher import Searcher
from tiny_corpus import AUTHORITY, TINY_DOCUMENTS


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
def corpus():
    return load_corpus()


@pytest.fixture(scope="session")
def real(corpus, tmp_path_factory) -> Searcher:
    """The bundled corpus, indexed once per session."""
    root = tmp_path_factory.mktemp("real-index")
    build_full(corpus, root)
    return Searcher(root)
