"""One parser per source format; a manifest names its parser, so adding a format adds a module here."""
from __future__ import annotations

import importlib
from typing import Callable

from corpus.errors import CorpusError
from corpus.manifest import Manifest
from corpus.model import Document

PARSERS = ("nkidp_reader", "mansourov", "cwihp_bulletin", "secret_documents", "krasnaya_zvezda")

Parser = Callable[[str, Manifest], list[Document]]


def get_parser(name: str) -> Parser:
    if name not in PARSERS:
        raise CorpusError(f"unknown parser {name!r}; known: {', '.join(PARSERS)}")
    return importlib.import_module(f"corpus.parsers.{name}").parse
