"""The reliability tests share tests/conftest.py's index, app and gunicorn; this adds the one index they alone
need, holding a document of six million characters."""
from __future__ import annotations

from dataclasses import replace

import pytest

from hostile import huge_document
from index.build import build_full


@pytest.fixture(scope="session")
def huge_index(tmp_path_factory, bundled_corpus):
    """Twenty bundled documents and one of six million characters."""
    root = tmp_path_factory.mktemp("huge-index")
    documents = list(bundled_corpus.documents[:20])
    build_full(replace(bundled_corpus, documents=documents + [huge_document([d.body for d in documents])]), root)
    return root
