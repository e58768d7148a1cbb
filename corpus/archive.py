"""Archive references read from editors' source notes, so every record can say where its original lies.

Notes come in many hands: "[Source: AP RF, F. 3, Op. 65, D. 775, pp. 74-76]", "[Source: APRF, fond 45, opis 1,
delo 331, list 79]", "AVPRF F. 0100 Op. 47. D. 107. Papka 389 p. 1", "[Source: Printed in …]". The repository is
normalised to one label per archive; `raw` keeps the note as written (line breaks folded to spaces).
"""
from __future__ import annotations

import re

from corpus.model import ArchiveRef

APRF = "Archive of the President of the Russian Federation (APRF)"
AVPRF = "Archive of Foreign Policy of the Russian Federation (AVPRF)"
RGASPI = "Russian State Archive of Social and Political History (RGASPI)"
TSAMO = "Central Archive of the Ministry of Defense of the Russian Federation (TsAMO RF)"
AMSZ = "Polish Foreign Ministry Archive (AMSZ)"
PUBLISHED = "published source"

# Every way the sources name each repository; the earliest mention in a note decides its repository.
_REPOSITORIES: tuple[tuple[str, str], ...] = (
    (APRF, r"\bAP\s?RF\b|Archive of the President of the Russian Federation|Presidential Archive"),
    (AVPRF, r"\bAVP\s?RF\b|Archive of (?:the )?Foreign Policy of the Russian Federation|RF Foreign Policy Archive"),
    (RGASPI, r"\bRGASPI\b|Russian State Archive of Social(?: and)? Political History"),
    (TSAMO, r"\bTsAMO\b|Central Archive of the Ministry of Defen[cs]e"),
    (AMSZ, r"\bAMSZ\b|Polish Foreign Ministry Archives?|Archiwum Ministerstwa Spraw Zagranicznych"),
    (PUBLISHED, r"\b(?:Published|Printed) in\b"),
)
_REPOSITORY_RES = tuple((label, re.compile(pattern, re.IGNORECASE)) for label, pattern in _REPOSITORIES)

_NUMBER = r"(\d[\w-]*)"
_FOND = re.compile(r"\b(?:fond|f)\b\.?\s*(?:\(F\.\)\s*)?" + _NUMBER, re.IGNORECASE)
_OPIS = re.compile(r"\b(?:opis|op)\b\.?\s*(?:\(Op\.\)\s*)?" + _NUMBER, re.IGNORECASE)
_DELO = re.compile(r"\b(?:delo|d)\b\.?\s*(?:\(D\.\)\s*)?" + _NUMBER, re.IGNORECASE)
_PAPKA = re.compile(r"\b(?:papka|pap)\b\.?\s*" + _NUMBER, re.IGNORECASE)
# "p." is a page in most notes but a papka (folder) in AVPRF ones such as "op. 6 p. 21, pp. 84-108":
# a single "p." followed later by another page mark is read as the papka.
_PAGES = re.compile(
    r"\b(pp|p|listy|list|ll|l)\b\.?\s*(\d+[a-z]?(?:\s*(?:[-–,]|and)\s*\d+[a-z]?)*)", re.IGNORECASE
)
_TAIL = re.compile(r"\b(?:Translated|Translation|Copy in|Original|Published in|Printed in)\b", re.IGNORECASE)
_TRANSLATOR = re.compile(r"\btranslat(?:ed|ion)\s+(?:for\s+\w+\s+)?by\s+([^.\]\[;]+)", re.IGNORECASE)

# Notes inside a body: a bracket opening with "Source:" or with a repository and a fond; a "Source:" line;
# a line that starts with a repository abbreviation and gives a fond.
_REPO_ABBREVIATION = r"(?:AP\s?RF|AVP\s?RF|RGASPI|TsAMO(?:\s?RF)?|AMSZ)"
_BRACKET_OPENERS = re.compile(r"\[\s*(?:Source\s*:|" + _REPO_ABBREVIATION + r"\b)", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^[ \t]*Source\s*:.*$", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = re.compile(r"[ \t]*(?:\n|$)")
_REPOSITORY_LINE = re.compile(
    r"^[ \t]*" + _REPO_ABBREVIATION + r"\b[ \t.,]*(?:\n[ \t]*)?(?:F\.|Fond)[ \t]*\d.*$",
    re.IGNORECASE | re.MULTILINE,
)


def parse_source_note(text: str) -> ArchiveRef:
    """Parse one note into an ArchiveRef; a note naming two archives yields the first. Never raises."""
    raw = " ".join((text or "").split())
    inner = re.sub(r"^\[\s*(?:Source\s*:\s*)?|\]$", "", raw, flags=re.IGNORECASE).strip()
    label, segment = _first_repository(inner)
    if label == PUBLISHED:
        return ArchiveRef(repository=label, pages=_pages_and_papka(segment)[0], raw=raw)
    archival = _TAIL.split(segment, maxsplit=1)[0]
    pages, papka = _pages_and_papka(archival)
    return ArchiveRef(
        repository=label,
        fond=_first(_FOND, archival),
        opis=_first(_OPIS, archival),
        delo=_first(_DELO, archival),
        papka=_first(_PAPKA, archival) or papka,
        pages=pages,
        raw=raw,
    )


def split_source_notes(body: str) -> tuple[str, ArchiveRef]:
    """Remove every source note from a body; return the rest and the first note's ref (empty if none)."""
    body = body or ""
    spans = sorted(_note_spans(body))
    if not spans:
        return body, ArchiveRef()
    first = parse_source_note(body[spans[0][0]:spans[0][1]])
    kept, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        kept.append(body[cursor:start])
        cursor = end
    kept.append(body[cursor:])
    cleaned = re.sub(r"[ \t]+\n", "\n", "".join(kept))
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    return cleaned, first


def note_translator(text: str) -> str:
    """The translator a note credits ("Translated for NKIDP by Gary Goldberg" → "Gary Goldberg"), or ""."""
    match = _TRANSLATOR.search(" ".join((text or "").split()))
    return match.group(1).strip() if match else ""


def _first_repository(inner: str) -> tuple[str, str]:
    """The earliest repository named and the text that belongs to it (up to the next repository)."""
    hits = sorted(
        (match.start(), match.end(), label)
        for label, pattern in _REPOSITORY_RES
        for match in pattern.finditer(inner)
    )
    if not hits:
        return "", inner
    start, end, label = hits[0]
    following = [s for s, _, other in hits if s >= end and other != label]
    return label, inner[end:following[0] if following else len(inner)]


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(1) if match else ""


def _pages_and_papka(text: str) -> tuple[str, str]:
    marks = list(_PAGES.finditer(text))
    if not marks:
        return "", ""
    papka = ""
    if len(marks) > 1 and marks[0].group(1).lower() == "p":
        papka = marks[0].group(2)
    return marks[-1].group(2).strip(), papka


def _note_spans(body: str) -> list[tuple[int, int]]:
    """Where the notes are; a reference inside another bracket (e.g. "[handwritten: AVP RF …]") is kept."""
    spans: list[tuple[int, int]] = []
    for match in _BRACKET_OPENERS.finditer(body):
        if not _inside_bracket(body, match.start()):
            spans.append((match.start(), _closing_bracket(body, match.start())))
    for pattern in (_SOURCE_LINE, _REPOSITORY_LINE):
        for match in pattern.finditer(body):
            if not _inside_bracket(body, match.start()):
                spans.append((match.start(), match.end()))
    return spans


def _inside_bracket(body: str, pos: int) -> bool:
    return body.rfind("[", 0, pos) > body.rfind("]", 0, pos)


def _closing_bracket(body: str, start: int) -> int:
    """End of the bracket opened at `start`, honouring nested brackets; an unclosed one ends at a blank line."""
    depth = 0
    for pos in range(start, len(body)):
        char = body[pos]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return pos + 1
        elif char == "\n" and _BLANK_LINE.match(body, pos + 1):
            return pos
    return len(body)


# ---- references as search keys ---------------------------------------------------------------------------------

REPOSITORY_CODES = {APRF: "aprf", AVPRF: "avprf", RGASPI: "rgaspi", TSAMO: "tsamo", AMSZ: "amsz"}
MAX_PAGE_KEYS = 400  # pages of one reference indexed one by one (a whole delo is not a page range)
_PART = r"(?:fond|f|opis|op|delo|d|papka|pap|pp|p|listy|list|ll|l)\b\.?\s*(?:\([A-Za-z]+\.\)\s*)?\d[\w-]*"
_REPOSITORY_NAMES = "|".join(pattern for label, pattern in _REPOSITORIES if label != PUBLISHED)
# A citation inside a query: a repository and/or f./op./d./pp. parts, in whichever hand it was written.
_CITATION = re.compile(
    rf"(?:(?:{_REPOSITORY_NAMES})(?:[\s.,:]+|$))?(?:{_PART}(?:\s*(?:[-–,]|and)\s*\d+[a-z]?\b)*[\s.,;]*)+"
    rf"|(?:{_REPOSITORY_NAMES})",
    re.IGNORECASE,
)
_LEVELS = (("f", "fond"), ("o", "opis"), ("d", "delo"))


def reference_keys(ref: ArchiveRef, *, repository: bool = True) -> tuple[str, ...]:
    """Search keys of a reference from the archive down: 'aprf', 'aprf|f3', 'aprf|f3|o65', 'aprf|f3|o65|d830',
    then one key per page ('aprf|f3|o65|d830|l107'); without `repository`, the same keys from the fond down
    ('|f3|o65|d830'), for a citation that leaves the archive out."""
    code = REPOSITORY_CODES.get(ref.repository, "")
    if repository and not code:
        return ()
    key = code if repository else ""
    keys = [key] if repository else []
    if not ref.fond:
        return tuple(keys)
    for letter, name in _LEVELS:
        key += f"|{letter}{_level_value(getattr(ref, name))}"
        keys.append(key)
    keys.extend(f"{key}|l{page}" for page in page_numbers(ref.pages))
    return tuple(keys)


def page_numbers(pages: str) -> list[int]:
    """'107-112' → 107…112; '123, 125' → 123, 125; '170-71' → 170, 171 (a short end keeps the start's hundreds)."""
    numbers: list[int] = []
    for start, end in re.findall(r"(\d+)[a-z]?(?:\s*[-–]\s*(\d+))?", pages or ""):
        low = int(start)
        high = int(end) if end else low
        if end and len(end) < len(start):
            high = int(start[: len(start) - len(end)] + end)
        if high < low or high - low > MAX_PAGE_KEYS:
            high = low
        numbers.extend(range(low, high + 1))
        if len(numbers) >= MAX_PAGE_KEYS:
            break
    return sorted(set(numbers))[:MAX_PAGE_KEYS]


def find_citation(text: str) -> tuple[tuple[int, int], ArchiveRef] | None:
    """The first archive citation in a query ("TsAMO F. 16, Op. 3139, D. 157", "AVPRF fond 059a opis 5a delo 3")
    as (its span, the parsed reference); None when the text cites no fond, or only a page."""
    for match in _CITATION.finditer(text or ""):
        ref = parse_source_note(match.group())
        if ref.fond and (ref.repository or ref.opis or ref.delo):
            return (match.start(), match.end()), ref
    return None


def citation_keys(ref: ArchiveRef) -> tuple[str, tuple[str, ...]]:
    """(the key a document must have, keys of the cited pages) for a citation: the key is that of the most
    specific level cited, with the archive when it is named; 'AP RF f. 3 op. 65 d. 830, pp. 107-112' →
    ('aprf|f3|o65|d830', ('aprf|f3|o65|d830|l107', …))."""
    named = ref.repository in REPOSITORY_CODES
    keys = reference_keys(ref, repository=named)
    levels = [k for k in keys if "|l" not in k]
    depth = max(i for i, (_, name) in enumerate(_LEVELS) if getattr(ref, name)) + 1
    required = levels[depth - (0 if named else 1)]
    return required, tuple(k for k in keys if k.startswith(required + "|l"))


def _level_value(value: str) -> str:
    return value.casefold()
