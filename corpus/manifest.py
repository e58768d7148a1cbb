"""A collection's `collection.toml`: who made the collection and how its files are read."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError

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


def load_manifest(path: Path) -> Manifest:
    """Read and check one manifest; errors name the file and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read manifest: {exc}") from exc
    missing = [name for name in REQUIRED if not str(raw.get(name, "")).strip()]
    if missing:
        raise CorpusError(f"{path}: missing field(s): {', '.join(missing)}")
    if raw["slug"] != path.parent.name:
        raise CorpusError(f"{path}: slug {raw['slug']!r} differs from its folder {path.parent.name!r}")
    return Manifest(
        slug=str(raw["slug"]),
        title=str(raw["title"]),
        citation=str(raw["citation"]),
        editor=str(raw.get("editor", "")),
        translator=str(raw.get("translator", "")),
        year=str(raw.get("year", "")),
        publisher=str(raw.get("publisher", "")),
        place=str(raw.get("place", "")),
        periodical=str(raw.get("periodical", "")),
        family_names=_family_names(path, raw.get("family_names", {})),
        language=str(raw.get("language", "en")),
        original_languages=tuple(str(x) for x in raw.get("original_languages", ())),
        parser=str(raw.get("parser", "")),
        source=str(raw.get("source", "")),
        folder=path.parent,
        senders=_senders(raw.get("senders", {}), path),
    )


def _senders(table, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
        raise CorpusError(f"{path}: [senders] must map document numbers to lists of names")
    return tuple(sorted((str(number), tuple(str(n) for n in names)) for number, names in table.items()))


def _family_names(path: Path, table) -> tuple[tuple[str, str], ...]:
    """`[family_names]` maps a contributor's full name to the words of it that are the family name."""
    if not isinstance(table, dict):
        raise CorpusError(f"{path}: family_names must be a table of \"Full Name\" = \"Family\"")
    pairs = []
    for name, family in sorted(table.items()):
        if not isinstance(family, str) or f" {family} " not in f" {name} ":
            raise CorpusError(f"{path}: family_names: {family!r} is not part of {name!r}")
        pairs.append((name, family))
    return tuple(pairs)
