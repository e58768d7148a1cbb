"""One parser per source format; a manifest names its parser, so adding a format adds a module here."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Callable

from corpus.errors import CorpusError
from corpus.model import Document

if TYPE_CHECKING:  # the manifest module checks parser names against PARSERS, so it imports this one
    from corpus.manifest import Manifest

PARSERS = ("nkidp_reader", "mansourov", "cwihp_bulletin", "secret_documents", "krasnaya_zvezda")

Parser = Callable[[str, "Manifest"], list[Document]]


def parser_module(name: str) -> ModuleType:
    """The module of a known parser (never an arbitrary module a manifest names)."""
    if name not in PARSERS:
        raise CorpusError(f"unknown parser {name[:40]!r}; known: {', '.join(PARSERS)}")
    return importlib.import_module(f"corpus.parsers.{name}")


def get_parser(name: str) -> Parser:
    """The `parse(text, manifest)` function of a known parser."""
    return parser_module(name).parse
