"""A deterministic scaled corpus recombined from the bundled collections.

Real paragraphs, titles and metadata are shuffled into N new records, so the index sees the vocabulary,
document lengths and facet distributions of the real corpus at any size. Same `n` and `seed`, same records.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from corpus.dates import MONTH_NAMES
from corpus.loader import Corpus, load_corpus
from corpus.model import DateRange, Document, document_id

FIRST_DAY = dt.date(1949, 1, 1)
LAST_DAY = dt.date(1954, 12, 31)
JITTER_DAYS = 120


@dataclass(frozen=True)
class Paragraph:
    text: str
    people: frozenset[str]
    places: frozenset[str]


@dataclass(frozen=True)
class Pools:
    """What the generator samples from, gathered once from the real corpus."""

    templates: tuple[Document, ...]
    paragraphs: tuple[Paragraph, ...]
    body_lengths: tuple[int, ...]
    title_mentions: dict[str, tuple[frozenset[str], frozenset[str]]]
    version_share: float


def collection_slug(n: int) -> str:
    return f"bench-{n}"


def gather_pools(source: Corpus) -> Pools:
    templates = tuple(doc for doc in source.documents if doc.body.strip())
    paragraphs = []
    for doc in templates:
        for text in _split_paragraphs(doc.body):
            people, places = _mentions(source, text)
            paragraphs.append(Paragraph(text, people, places))
    titles = {doc.title: _mentions(source, doc.title) for doc in templates}
    with_versions = sum(1 for doc in templates if doc.versions)
    return Pools(
        templates=templates,
        paragraphs=tuple(paragraphs),
        body_lengths=tuple(len(doc.body) for doc in templates),
        title_mentions=titles,
        version_share=with_versions / len(templates),
    )


def generate(n: int, seed: int = 0, source: Corpus | None = None) -> list[Document]:
    """N records with ids `bench-<n>/<i>` (i from 1), recombined from `source` (the bundled corpus by default)."""
    return list(iter_records(n, seed, source))


def iter_records(n: int, seed: int = 0, source: Corpus | None = None) -> Iterator[Document]:
    """The records of `generate`, one at a time: a million of them never sit in memory together.

    Bodies and version pairing draw from two separate random streams, so pairing neighbours needs a look-ahead of
    one record rather than the whole list."""
    pools = gather_pools(source or load_corpus())
    rng = random.Random(f"kwarchive-bench/{n}/{seed}")
    records = (_record(pools, rng, n, i) for i in range(1, n + 1))
    return _link_pairs(records, random.Random(f"kwarchive-bench/{n}/{seed}/versions"), pools.version_share)


def scaled_corpus(n: int, seed: int = 0, source: Corpus | None = None) -> Corpus:
    """The generated records as a real `Corpus`, which is what the index builder takes."""
    source = source or load_corpus()
    return as_corpus(generate(n, seed, source), source)


def as_corpus(documents: list[Document], source: Corpus) -> Corpus:
    return Corpus(source.root, documents, source.authority, list(source.manifests), [])


def changed_copy(document: Document, revision: int = 1) -> Document:
    """The same record with an edited body: the unit of an incremental reindex."""
    return replace(document, body=f"{document.body}\n\n[Bench revision {revision}: an archivist's correction.]")


def write_jsonl(documents: Iterable[Document], path: Path) -> int:
    """Write records one per line as they come; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in documents:
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> list[Document]:
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[Document]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield Document.from_dict(json.loads(line))


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    documents: int
    mean_body_chars: int


def write_corpus(n: int, root: Path, seed: int = 0, source: Corpus | None = None) -> CorpusFile:
    """The scaled corpus as an archivist keeps one, streamed to disk: `root/bench-<n>/collection.toml` and
    `documents.jsonl`, ready for `kwarchive reindex --corpus root`. Records go out as they are made, without
    `versions`: the loader links versions itself, as it does for any collection."""
    slug = collection_slug(n)
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "collection.toml").write_text(
        f'slug = "{slug}"\ntitle = "Generated benchmark collection ({n:,} documents)"\n'
        f'citation = "kwarchive benchmark corpus"\n', encoding="utf-8")
    path = folder / "documents.jsonl"
    body_chars = 0

    def unlinked():
        nonlocal body_chars
        for doc in iter_records(n, seed, source):
            body_chars += len(doc.body)
            yield replace(doc, versions=())
    count = write_jsonl(unlinked(), path)
    return CorpusFile(path, count, round(body_chars / count) if count else 0)


def _split_paragraphs(body: str) -> list[str]:
    return [part.strip() for part in body.split("\n\n") if part.strip()]


def _mentions(source: Corpus, text: str) -> tuple[frozenset[str], frozenset[str]]:
    entries = source.authority.find_mentions(text)
    people = frozenset(e.canonical for e in entries if e.kind == "person")
    places = frozenset(e.canonical for e in entries if e.kind == "place")
    return people, places


def _record(pools: Pools, rng: random.Random, n: int, i: int) -> Document:
    template = rng.choice(pools.templates)
    target = rng.choice(pools.body_lengths)
    chosen: list[Paragraph] = []
    length = 0
    while length < target:
        paragraph = rng.choice(pools.paragraphs)
        chosen.append(paragraph)
        length += len(paragraph.text) + 2
    title_people, title_places = pools.title_mentions[template.title]
    people = title_people.union(*(p.people for p in chosen))
    places = title_places.union(*(p.places for p in chosen))
    slug = collection_slug(n)
    return replace(
        template,
        id=document_id(slug, str(i)),
        collection=slug,
        number=str(i),
        date=jitter_date(template.date, rng),
        body="\n\n".join(p.text for p in chosen),
        people=tuple(sorted(people)),
        places=tuple(sorted(places)),
        versions=(),
    )


def _link_pairs(documents: Iterable[Document], rng: random.Random, share: float) -> Iterator[Document]:
    """Pair neighbours as versions of each other, as often as the real corpus has versions."""
    pending = None
    for doc in documents:
        if pending is None:
            pending = doc
            continue
        if rng.random() < share / 2:
            first = pending
            second = replace(doc, date=first.date, senders=first.senders, recipients=first.recipients,
                             doc_type=first.doc_type)
            yield replace(first, versions=(second.id,))
            yield replace(second, versions=(first.id,))
            pending = None
        else:
            yield pending
            pending = doc
    if pending is not None:
        yield pending


def jitter_date(date: DateRange, rng: random.Random) -> DateRange:
    """Shift a dated range by up to JITTER_DAYS, kept inside 1949–1954 and true to its precision."""
    if not date.is_dated:
        return date
    start, end = dt.date.fromisoformat(date.start), dt.date.fromisoformat(date.end)
    shift = dt.timedelta(days=rng.randint(-JITTER_DAYS, JITTER_DAYS))
    span = end - start
    start = min(max(start + shift, FIRST_DAY), LAST_DAY - span)
    end = start + span
    if date.precision == "month":
        start = start.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    elif date.precision == "year":
        start, end = dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
    return replace(date, start=start.isoformat(), end=end.isoformat(), label=_label(start, end, date.precision))


def _label(start: dt.date, end: dt.date, precision: str) -> str:
    if precision == "year":
        return str(start.year)
    if precision == "month":
        return f"{MONTH_NAMES[start.month]} {start.year}"
    day = f"{start.day} {MONTH_NAMES[start.month]} {start.year}"
    if precision == "day" or start == end:
        return day
    if precision == "after":
        return f"after {day}"
    if precision == "before":
        return f"before {end.day} {MONTH_NAMES[end.month]} {end.year}"
    if precision == "circa":
        return f"circa {day}"
    return f"{day} – {end.day} {MONTH_NAMES[end.month]} {end.year}"
