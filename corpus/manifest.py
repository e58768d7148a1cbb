"""A collection's `collection.toml`: who made the collection and how its files are read."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.parsers import PARSERS
from corpus.record_format import language_error, text_error

REQUIRED = ("slug", "title", "citation")


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    citation: str
    editor: str = ""
    translator: str = ""
    year: str = ""
    publisher: str = ""
    place: str = ""  # of publication
    periodical: str = ""  # the journal or newspaper the collection appeared in, if it did
    # Family names of the editors and translators the name authority does not hold ("Gary Goldberg" → "Goldberg"),
    # so that exports file them correctly; pairs, sorted, to keep the manifest hashable.
    family_names: tuple[tuple[str, str], ...] = ()
    language: str = "en"
    original_languages: tuple[str, ...] = ()
    parser: str = ""  # empty: the collection is a `documents.jsonl`
    source: str = ""
    folder: Path | None = None
    # Senders the source text cannot tell (an unsigned telegram), by document number, from the editors' catalogue.
    senders: tuple[tuple[str, tuple[str, ...]], ...] = ()


class ManifestError(CorpusError):
    """A manifest that cannot be used; `field` names the key at fault ("" for the file as a whole)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


_KEYS = tuple(f.name for f in fields(Manifest) if f.name != "folder")
_TEXT_KEYS = tuple(key for key in _KEYS if key not in ("original_languages", "senders", "family_names"))


def load_manifest(path: Path) -> Manifest:
    """Read and check one manifest; errors name the field (and the path, for callers that print them alone)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from exc
    return _checked(raw, path)


def _checked(raw: dict[str, Any], path: Path) -> Manifest:
    def fail(field: str, message: str):
        raise ManifestError(f"{path}: {field}: {message}; the collection is skipped", field)

    for key in raw:
        if key not in _KEYS:
            fail(repr(key)[1:-1][:40], f"unknown key (known: {', '.join(_KEYS)})")
    values: dict[str, Any] = {}
    languages = raw.get("original_languages", [])
    if not isinstance(languages, list) or any(text_error(item) or language_error(item) for item in languages):
        fail("original_languages", "must be a list of language codes, like [\"ru\", \"zh\"]")
    values["original_languages"] = tuple(languages)
    values["senders"] = _senders(raw.get("senders", {}), fail)
    values["family_names"] = _family_names(raw.get("family_names", {}), fail)
    for key in _TEXT_KEYS:
        value = raw.get(key, "")
        if key == "year" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        error = text_error(value)
        if error:
            fail(key, error)
        values[key] = value.strip()
    missing = [name for name in REQUIRED if not values[name]]
    if missing:
        fail(missing[0], f"required (missing: {', '.join(missing)})")
    if values["slug"] != path.parent.name:
        fail("slug", f"{values['slug']!r} differs from its folder {path.parent.name!r}")
    values["language"] = values["language"] or "en"
    error = language_error(values["language"])
    if error:
        fail("language", error)
    if values["parser"] and values["parser"] not in PARSERS:
        fail("parser", f"unknown parser {values['parser'][:40]!r}; known: {', '.join(PARSERS)}")
    if values["source"] and not _inside(path.parent, values["source"]):
        fail("source", f"{values['source'][:80]!r} is outside the collection folder")
    return Manifest(**values, folder=path.parent)


def _senders(table: Any, fail) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[senders]`: document number → the names of its senders, as strings."""
    if not isinstance(table, dict) or not all(
            isinstance(names, list) and not any(text_error(name) for name in names) for names in table.values()):
        fail("senders", "[senders] must map document numbers to lists of names")
    return tuple(sorted((str(number), tuple(names)) for number, names in table.items()))


def _family_names(table: Any, fail) -> tuple[tuple[str, str], ...]:
    """`[family_names]` maps a contributor's full name to the words of it that are the family name."""
    if not isinstance(table, dict):
        fail("family_names", "must be a table of \"Full Name\" = \"Family\"")
    pairs = []
    for name, family in sorted(table.items()):
        if not isinstance(family, str) or text_error(name) or text_error(family) or f" {family} " not in f" {name} ":
            fail("family_names", f"{str(family)[:40]!r} is not part of {name[:40]!r}")
        pairs.append((name, family))
    return tuple(pairs)


def _inside(folder: Path, source: str) -> bool:
    """Whether `source` names a path within `folder` (after following `..` and symbolic links)."""
    if Path(source).is_absolute() or "\x00" in source:
        return False
    base = folder.resolve()
    return (base / source).resolve().is_relative_to(base)
