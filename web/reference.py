"""A document as a reference manager sees it: who wrote it (people filed under their family name, organisations
as corporate names, places never), what Zotero item type it is, when it was written at its real precision,
where the original lies (archive and signature) and the published collection it comes from.

`reference(record, manifest, authority, url)` builds one `Reference`; every export format (RIS, BibTeX, CSL-JSON,
CSV, the page's Highwire tags and COinS, the Chicago citation) is a pure function of it in
`web/reference_formats.py`, so they cannot disagree about a name or a date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.authority import Authority
from corpus.manifest import Manifest
from corpus.model import DateRange

# The archive's document types as Zotero's item types (which RIS, BibTeX and CSL-JSON each spell their own way):
# correspondence is a letter, a report a report, a newspaper article an article, everything else a document.
ITEM_TYPES = {
    "telegram": "letter", "cable": "letter", "letter": "letter", "note": "letter",
    "report": "report", "information": "report",
    "article": "newspaperArticle",
}
DEFAULT_ITEM_TYPE = "document"
_NAME_SEPARATORS = re.compile(r"\s*;\s*|\s+and\s+")
_INCOMPLETE_TITLE = re.compile(r"\[…\]|…|\.\.\.")


@dataclass(frozen=True)
class Creator:
    """A person (family and given name) or a corporate body (`literal`, never split into parts)."""

    family: str = ""
    given: str = ""
    literal: str = ""
    written: str = ""  # a person's name in the order the archive writes it ("Kim Il Sung", "Joseph Stalin")

    @property
    def is_corporate(self) -> bool:
        return bool(self.literal)

    @property
    def inverted(self) -> str:
        """"Stalin, Joseph", "Kim, Il Sung", "Semenov", "USSR Ministry of War"."""
        if self.literal:
            return self.literal
        return f"{self.family}, {self.given}" if self.given else self.family

    @property
    def natural(self) -> str:
        """The name as the archive writes it: "Joseph Stalin", "Kim Il Sung"."""
        return self.literal or self.written or " ".join(filter(None, (self.given, self.family)))


@dataclass(frozen=True)
class ReferenceDate(DateRange):
    """A document's DateRange with what exports need of it: the parts really known, EDTF, the year."""

    @property
    def known_parts(self) -> tuple[int, ...]:
        """(year, month, day) down to what start and end share: a month's range gives (1951, 6), never a day."""
        if not self.start:
            return ()
        start, end = _parts(self.start), _parts(self.end or self.start)
        if self.precision == "year":
            return start[:1]
        if self.precision == "month":
            return start[:2]
        shared = []
        for a, b in zip(start, end):
            if a != b:
                break
            shared.append(a)
        return tuple(shared) if self.precision in ("day", "range") else start[:1]

    @property
    def is_range(self) -> bool:
        return self.precision == "range" and bool(self.start) and self.start != self.end

    @property
    def edtf(self) -> str:
        """EDTF as biblatex reads it: 1950-07-05, 1951-06, 1952-05-19/1952-06-15, 1951-09-15/.. for "after",
        ../1951-09-15 for "before", 1951~ for "circa"; "" when undated."""
        if not self.start:
            return ""
        if self.precision == "after":
            return f"{self.start}/.."
        if self.precision == "before":
            return f"../{self.end}"
        if self.is_range and len(self.known_parts) < 3:
            return f"{self.start}/{self.end}"
        text = "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(self.known_parts))
        return text + "~" if self.precision == "circa" else text

    @property
    def year(self) -> str:
        return self.start[:4]


def _parts(iso: str) -> tuple[int, int, int]:
    year, month, day = (int(p) for p in iso.split("-"))
    return year, month, day


@dataclass(frozen=True)
class Reference:
    """Everything an export needs about one document, already decided (names split, type mapped, date kept)."""

    id: str
    url: str
    title: str
    description: str  # "Telegram, Joseph Stalin to Zhou Enlai": what a citation says when the title is cut off
    title_complete: bool
    item_type: str  # Zotero's: letter, report, document, newspaperArticle
    doc_type: str  # the archive's own word: telegram, cable, decree…
    authors: tuple[Creator, ...]
    recipients: tuple[Creator, ...]
    translators: tuple[Creator, ...]
    editors: tuple[Creator, ...]  # the collection's editors
    date: ReferenceDate
    collection: str  # slug
    number: str  # the document's number in its collection
    container: str  # the collection's title
    container_citation: str  # the collection as its editors ask to be cited (Chicago)
    publisher: str
    place: str  # of publication
    published: str  # the collection's year
    periodical: str  # the journal or newspaper the collection appeared in, if any
    archive: str  # repository
    archive_location: str  # "f. 558, op. 11, d. 334, l. 79"
    archive_raw: str  # the source note as written
    classification: str
    language: str
    original_language: str
    people: tuple[str, ...]
    places: tuple[str, ...]
    versions: tuple[str, ...]


def reference(record: dict, manifest: Manifest | None, authority: Authority, url: str) -> Reference:
    """The Reference of one stored record (`Document.to_dict()` shape) in its collection."""
    when = record.get("date") or {}
    archive = record.get("archive") or {}
    names = dict(manifest.family_names) if manifest else {}
    title = " ".join((record.get("title") or "").split())
    senders = _parties(record.get("senders") or record.get("senders_raw") or (), authority)
    recipients = _parties(record.get("recipients") or record.get("recipients_raw") or (), authority)
    translator = record.get("translator") or (manifest.translator if manifest else "")
    return Reference(
        id=record.get("id", ""),
        url=url,
        title=title or f"Document {record.get('number', '')}",
        description=description(record.get("doc_type", ""), senders, recipients) or title,
        title_complete=bool(title) and not _INCOMPLETE_TITLE.search(title),
        item_type=ITEM_TYPES.get(record.get("doc_type", ""), DEFAULT_ITEM_TYPE),
        doc_type=record.get("doc_type", ""),
        authors=senders,
        recipients=recipients,
        translators=contributors(translator, authority, names),
        editors=contributors(manifest.editor if manifest else "", authority, names),
        date=ReferenceDate(when.get("start", ""), when.get("end", ""), when.get("label", ""),
                           when.get("precision", "unknown") if when.get("start") else "unknown"),
        collection=record.get("collection", ""),
        number=str(record.get("number", "")),
        container=container(title, manifest) if manifest else record.get("collection", ""),
        container_citation=manifest.citation if manifest else record.get("collection", ""),
        publisher=manifest.publisher if manifest else "",
        place=manifest.place if manifest else "",
        published=manifest.year if manifest else "",
        periodical=manifest.periodical if manifest else "",
        archive=archive.get("repository", ""),
        archive_location=archive_location(archive),
        archive_raw=archive.get("raw", ""),
        classification=record.get("classification", ""),
        language=record.get("language", ""),
        original_language=record.get("original_language", ""),
        people=tuple(record.get("people") or ()),
        places=tuple(record.get("places") or ()),
        versions=tuple(record.get("versions") or ()),
    )


def container(title: str, manifest: Manifest) -> str:
    """The collection's title, or the periodical it appeared in when the collection is this very document
    (Krasnaya Zvezda's article is a collection of one: it is not contained in itself)."""
    if " ".join(manifest.title.split()) == title:
        return manifest.periodical
    return manifest.title


def is_whole_collection(ref: "Reference", manifest: Manifest | None) -> bool:
    return bool(manifest) and " ".join(manifest.title.split()) == ref.title


def _parties(names, authority: Authority) -> tuple[Creator, ...]:
    """Senders or recipients as creators: people split by the authority, bodies whole, places left out."""
    found = []
    for name in names:
        entry = authority.resolve(name)
        if entry is None:
            creator = Creator(literal=name)
        elif entry.kind == "place":
            continue
        elif entry.kind == "person":
            creator = Creator(family=entry.family, given=entry.given, written=entry.canonical)
        else:
            creator = Creator(literal=entry.canonical)
        if creator not in found:
            found.append(creator)
    return tuple(found)


def contributors(text: str, authority: Authority, family_names: dict[str, str]) -> tuple[Creator, ...]:
    """"Kim Dong-gil; Lee Kang-beom" or "Kathryn Weathersby and Alexandre Mansourov" as people.

    The family name comes from the authority, else from the collection's `family_names` table, else it is
    the last word (the order of the translators' and editors' own publications).
    """
    found = []
    for name in filter(None, (part.strip() for part in _NAME_SEPARATORS.split(text or ""))):
        entry = authority.resolve(name)
        if entry is not None and entry.kind == "person":
            found.append(Creator(family=entry.family, given=entry.given, written=entry.canonical))
            continue
        family = family_names.get(name) or name.split()[-1]
        words, part = name.split(), family.split()
        start = next((i for i in range(len(words)) if words[i:i + len(part)] == part), len(words) - len(part))
        given = " ".join(words[:start] + words[start + len(part):])
        found.append(Creator(family=family, given=given, written=name))
    return tuple(found)


def description(doc_type: str, senders, recipients) -> str:
    """"Telegram, Joseph Stalin to Zhou Enlai": the descriptive title Chicago gives an untitled document."""
    parties = ""
    if senders or recipients:
        parties = " to ".join(filter(None, (_and(senders), _and(recipients)))) if senders else f"to {_and(recipients)}"
    kind = doc_type[:1].upper() + doc_type[1:] if doc_type else ""
    return ", ".join(filter(None, (kind, parties)))


def _and(creators) -> str:
    names = [c.natural for c in creators]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + ", and " + names[-1]


def archive_location(archive: dict) -> str:
    """The signature inside the repository: "f. 558, op. 11, d. 334, l. 79" (fond, opis, delo, papka, pages)."""
    parts = []
    for label, key in (("f.", "fond"), ("op.", "opis"), ("d.", "delo"), ("p.", "papka")):
        if archive.get(key):
            parts.append(f"{label} {archive[key]}")
    pages = archive.get("pages", "")
    if pages:
        parts.append(pages if re.match(r"(?:pp?|ll?)\.", pages) else f"{'pp.' if _is_span(pages) else 'p.'} {pages}")
    return ", ".join(parts)


def _is_span(pages: str) -> bool:
    return bool(re.search(r"\d\s*[-–,]\s*\d", pages))
