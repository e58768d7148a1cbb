"""The NKIDP document reader (June 2010), captured from its PDF.

The reader's own "List of Documents" is the ground truth for numbers, dates and titles. In the body, each
document should open with "DOCUMENT NO. N", but the capture lost or garbled many headers, so a missing start is
found by scoring the places where a document can begin (after a separator, a signature, a translator's credit;
at a cable's letterhead) against the list entry's date and title, keeping the documents in list order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.archive import note_translator, split_source_notes, AMSZ
from corpus.dates import parse_date
from corpus.doctypes import detect_classification, detect_doc_type
from corpus.manifest import Manifest
from corpus.model import ArchiveRef, CLASSIFICATIONS, DateRange, Document, document_id
from corpus.parsers.parties import qualify_ministry

_ENTRY = re.compile(r"^\s*(\d{1,3})\)\s+(.*)$")
_YEAR_HEADING = re.compile(r"^\s*(19[45]\d)\s*$")
_HEADER = re.compile(
    r"^\s*D\s?O\s?C\s?U\s?M\s?(?:E\s?N|N\s?E)\s?T\s*N\s?[O0º°]\s*\.?\s*(\d{1,3}|[IVXLC]{1,8})\s*\.?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*\*\s*\*\s*\*[\s*]*$")
_RULE = re.compile(r"^\s*-{5,}\s*$")

# Lines that close a document: credits, cipher clerks' trailers, signatures, closing quotes, bare dates.
_END_LINES = (
    (re.compile(r"^\s*Translated by\b", re.IGNORECASE), 4),
    (re.compile(r"^\s*(?:Printed|Deciphered|Typed|Done|Drafted) by\b|^\s*Verified\b|copies (?:printed|sent)"
                r"|\bfiled\s*$|\(illegible signature\)|^\s*Authenticated\b|^\s*\[Distribut", re.IGNORECASE), 2),
    (re.compile(r"^\s*(?!(?:ARMY|SECRET|SPECIAL|PRIORITY|URGENT|COPY|REPORT|MEMORANDUM|TELEGRAM|NOTE)\s*$)"
                r"(?:[A-Z]\.\s*){0,2}[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){0,2}\s*$"), 2),
    (re.compile(r"^\s*\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?[\"”]?\s*$"), 1),
    (re.compile(r"^\s*Nº\s*[\d/]+\s*$|\[signature\]"), 1),
    (re.compile(r"^\s*(?:Charg[eé] d.Affaires|Embassy of the (?:PRL|RP)\b.*DPRK\s*$|Republic of Poland\] in)"), 1),
)
# Lines that open a document: letterheads and cipher headers the capture kept when it lost "DOCUMENT NO.".
_START_MARKER = re.compile(
    r"^\s*(?:SECOND MAIN DIRECTORATE|COPY OF AN OUTGOING TELEGRAM|(?:DE)?CIPHERED TELEGRAM|\[Source|Source\s*:"
    r"|SERIES\b|VERY URGENT|Copy Nº \[handwritten|Nº \d to Cde\.|to KRASOVSKY for|Embassy(?: of the)?(?:\s{3}|\s*$)"
    r"|Ministry of Foreign Affairs\s*$|RECORD OF A|MEMORANDUM\s*$|Report\s*$|Telegram\s*$|\[CPSU CC letterhead\]"
    r"|I\.\s+[A-Z])",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    "about after from into with that this their there the and for of on in to by at an a no date "
    "written between during connection".split()
)
_HEADING = re.compile(r"^\s*[A-Z][A-Z'’,-]+(?:\s+[A-Z][A-Z'’,-]*){2,}\s*$")
_SECTION = re.compile(r"^\s*I\.\s")
_WINDOW = 12
_LETTERHEAD = 8  # lines a cipher office's letterhead can run to
_MIN_GAP = 2  # content lines between two located starts
_MIN_LINES = 3  # a located document begins this many lines after the one before it
_FULL_LINE = 60  # a wrapped line of the PDF runs the full width; a shorter one ended on purpose

_PARTY_CUTS = re.compile(
    r",?\s+(?:Transmitting|transmitting)\b|\s+for the\s|\s+with\b|\s+about\b|\s+on the occasion\b|\s+Concerning\b"
    r"|,\s*[“\"]|,\s+to\s|\s+on\s+(?=[A-Z])",
)
_ROLE_BEFORE_TO = re.compile(
    r"(?:ambassador|adviser|advisor|charg[ée]|counsellor|cousellor|envoy|representative|delegate|attach[ée]"
    r"|embassy|mission)\s*$",
    re.IGNORECASE,
)
_LEADING_TYPE = re.compile(
    r"^(?:A\s+)?(?:Personal\s+)?(?:Draft\s+)?(?:Telegram|Cable|Letter|Memorandum|Report|Note|Ciphergram|Statement)"
    r"\b\s*,?\s*(?:from\s+|of\s+)?",
    re.IGNORECASE,
)
_POLISH = re.compile(r"\bPolish\b|Rzeczpospolita|People[’']s Republic of Poland|\bPRL\b|Embassy of the RP\b")
_TRANSLATED_BY = re.compile(r"^\s*Translated by\s+([^\n\]]+?)\s*\)?\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ListEntry:
    """One line of the reader's List of Documents, wrapped lines joined."""

    number: int
    year: int | None
    date_text: str
    title: str
    classification: str


def parse(text: str, manifest: Manifest) -> list[Document]:
    """All 126 documents of the reader, in list order."""
    lines = text.replace("\f", "\n").replace("\r\n", "\n").split("\n")
    entries, body_from = read_list(lines)
    starts = locate_starts(lines, body_from, entries)
    ends = starts[1:] + [len(lines)]
    return [
        _document(entry, lines[start:end], manifest)
        for entry, start, end in zip(entries, starts, ends)
    ]


def expected_dates(text: str) -> dict[str, DateRange]:
    """Each number's date as the List of Documents gives it: what `corpus check` holds the records to."""
    lines = text.replace("\f", "\n").replace("\r\n", "\n").split("\n")
    entries, _ = read_list(lines)
    return {str(entry.number): _list_date(entry) for entry in entries}


# --- the List of Documents ------------------------------------------------------------------------------

def read_list(lines: list[str]) -> tuple[list[ListEntry], int]:
    """The list's entries and the index of the first line after it (the first document header)."""
    begin = next(i for i, line in enumerate(lines) if line.strip().lower() == "list of documents")
    raw: list[tuple[int, int | None, list[str]]] = []
    year: int | None = None
    index = begin + 1
    while index < len(lines) and not _HEADER.match(lines[index]):
        line = lines[index].strip()
        year_match, entry_match = _YEAR_HEADING.match(line), _ENTRY.match(line)
        if year_match:
            year = int(year_match.group(1))
        elif entry_match:
            raw.append((int(entry_match.group(1)), year, [entry_match.group(2)]))
        elif line and raw:
            raw[-1][2].append(line)
        index += 1
    return [_entry(number, year, " ".join(parts)) for number, year, parts in raw], index


def _entry(number: int, year: int | None, text: str) -> ListEntry:
    text = re.sub(r"\s+", " ", text).strip()
    date_text, title = _split_date(text, year)
    classification = ""
    bracket = re.match(r"^\[([^\]]+)\]\s*", title)
    if bracket and bracket.group(1).strip().title() in CLASSIFICATIONS:
        classification = bracket.group(1).strip().title()
        title = title[bracket.end():]
    return ListEntry(number, year, date_text, title.strip().rstrip(".").strip(), classification)


def _split_date(text: str, year: int | None) -> tuple[str, str]:
    """"5 July: Telegram…" → ("5 July", "Telegram…"); some entries use ". " where others use ":"."""
    for match in re.finditer(r":\s+|\.\s+(?=[A-Z])", text):
        if parse_date(text[:match.start()], year).is_dated:
            return text[:match.start()].strip(), text[match.end():]
    head, _, tail = text.partition(":")
    return head.strip(), tail.strip()


# --- where each document starts --------------------------------------------------------------------------

def locate_starts(lines: list[str], body_from: int, entries: list[ListEntry]) -> list[int]:
    """Line index where each entry's document begins: its header, or the best-scoring place in order."""
    headers = _headers(lines, body_from, {e.number for e in entries})
    position = {e.number: i for i, e in enumerate(entries)}
    starts: dict[int, int] = dict(headers)
    anchors = [(entries[0].number - 1, body_from - 1)] + sorted(headers.items()) + [(entries[-1].number + 1, len(lines))]
    for (low, low_line), (high, high_line) in zip(anchors, anchors[1:]):
        missing = [entries[position[n]] for n in range(low + 1, high) if n in position]
        if missing:
            before = entries[max(position[missing[0].number] - 1, 0)]
            starts.update(_fill_gap(lines, max(low_line + 1, body_from), high_line, missing, before))
    return [starts[e.number] for e in entries]


def _headers(lines: list[str], body_from: int, numbers: set[int]) -> dict[int, int]:
    """Readable "DOCUMENT NO." headers (OCR variants included) that keep the list order."""
    found: dict[int, int] = {}
    last = 0
    for index in range(body_from, len(lines)):
        match = _HEADER.match(lines[index])
        if not match:
            continue
        number = _number(match.group(1))
        if number in numbers and number > last:
            found[number] = index
            last = number
    return found


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for char, following in zip(token.upper(), token.upper()[1:] + " "):
        value = values[char]
        total += -value if values.get(following, 0) > value else value
    return total


def _fill_gap(lines: list[str], low: int, high: int, missing: list[ListEntry], previous: ListEntry) -> dict[int, int]:
    """Place the missing documents at increasing candidate lines, maximising the summed match scores."""
    content = [i for i in range(low, high) if lines[i].strip()]
    candidates = [k for k in range(1, len(content)) if _can_start(lines, content, k)]
    if len(candidates) < len(missing):
        candidates = list(range(1, len(content)))
    windows = [_window(lines, content, k) for k in candidates]
    bonus = [_boundary_score(lines, content, k) for k in candidates]
    scores = [
        [bonus[c] + _Probe.from_entry(entry).score(windows[c], _Probe.from_entry(before)) for c in range(len(candidates))]
        for entry, before in zip(missing, [previous] + missing[:-1])
    ]
    chosen = _best_increasing(scores, candidates)
    return {entry.number: content[candidates[c]] for entry, c in zip(missing, chosen)}


def _can_start(lines: list[str], content: list[int], k: int) -> bool:
    """A document opens after another one closed, at a letterhead, or at a heading in capitals; and it does
    not end straight away in a translator's credit or a separator."""
    line, previous = lines[content[k]], lines[content[k - 1]]
    if k < _MIN_LINES or _SEPARATOR.match(line) or _RULE.match(line):
        return False
    if any(_SEPARATOR.match(lines[i]) or _TRANSLATED_BY.match(lines[i]) for i in content[k:k + 4]):
        return False
    if _START_MARKER.match(line):
        return True
    if _end_score(line) > 0 or re.match(r"\s*[\"“]", line):
        return False  # a signature or a date closes the document above; a quotation continues it
    return bool(_HEADING.match(line) or _SEPARATOR.match(previous) or _end_score(previous) > 0)


def _end_score(line: str) -> int:
    return max((weight for pattern, weight in _END_LINES if pattern.search(line)), default=0)


def _boundary_score(lines: list[str], content: list[int], k: int) -> float:
    """How much this line looks like the first of a document, judged by it and the line before."""
    previous = lines[content[k - 1]]
    score = 5.0 if _SEPARATOR.match(previous) else float(_end_score(previous))
    if _RULE.match(previous) or (k >= 2 and _RULE.match(lines[content[k - 2]])):
        score -= 1  # after a rule come the cipher clerk's notes on the document above
    line = lines[content[k]]
    if _START_MARKER.match(line):
        score += 2
    elif _HEADING.match(line):
        score += 1
    if _inside_letterhead(lines, content, k):
        score -= 5  # its first line is the start
    if score <= 0:
        score -= 3
    return score


def _inside_letterhead(lines: list[str], content: list[int], k: int) -> bool:
    """Whether an opening marker precedes this line closely, with no document's end in between."""
    for index in reversed(content[max(0, k - _LETTERHEAD):k]):
        line = lines[index]
        if _end_score(line) > 0 or _SEPARATOR.match(line) or _RULE.match(line) or len(line.strip()) >= _FULL_LINE:
            return False
        if _START_MARKER.match(line) and not _SECTION.match(line):
            return True
    return False


def _window(lines: list[str], content: list[int], k: int) -> str:
    """The opening lines from here, as lower-case words between single spaces, for substring tests."""
    text = []
    for index in content[k:k + _WINDOW]:
        if _SEPARATOR.match(lines[index]) or _HEADER.match(lines[index]):
            break
        text.append(lines[index])
    return " " + " ".join(re.findall(r"[a-z0-9]+", " ".join(text).casefold())) + " "


@dataclass(frozen=True)
class _Probe:
    """What a list entry lets us look for in a document's opening lines: its day, its month, its words."""

    days: tuple[str, ...]
    month: str
    words: tuple[str, ...]

    @classmethod
    def from_entry(cls, entry: ListEntry) -> "_Probe":
        date = parse_date(entry.date_text, entry.year)
        days: tuple[str, ...] = ()
        month = ""
        if date.is_dated:
            month_name = _MONTH_NAMES[int(date.start[5:7]) - 1]
            day = int(date.start[8:10])
            days = (f" {day} {month_name} ", f" {month_name} {day} ")
            month = f" {month_name} "
        words = tuple(
            f" {w}" for w in re.findall(r"[a-z]{3,}", entry.title.casefold()) if w not in _STOPWORDS
        )
        return cls(days, month, words)

    def score(self, window: str, previous: "_Probe") -> float:
        """Date and title agreement, less any lead the previous document's title has here (a continuation)."""
        score = 0.0
        if any(day in window for day in self.days):
            score += 3
        elif self.month and self.month in window:
            score += 1
        own = self.title_score(window)
        return score + own - max(0.0, previous.title_score(window) - own)

    def title_score(self, window: str) -> float:
        if not self.words:
            return 0.0
        return 8 * sum(1 for w in self.words if w in window) / len(self.words)


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")


def _best_increasing(scores: list[list[float]], places: list[int]) -> list[int]:
    """Indices c1 < c2 < … (one per row) with the largest total score, consecutive places at least _MIN_GAP
    apart; ties go to the earliest place."""
    rows, width = len(scores), len(scores[0])
    best = [list(scores[0])]
    back: list[list[int]] = [[-1] * width]
    for r in range(1, rows):
        row, links = [float("-inf")] * width, [-1] * width
        top, top_at, ready = float("-inf"), -1, 0
        for c in range(width):
            while ready < c and places[c] - places[ready] >= _MIN_GAP:
                if best[r - 1][ready] > top:
                    top, top_at = best[r - 1][ready], ready
                ready += 1
            if top_at >= 0:
                row[c], links[c] = top + scores[r][c], top_at
        best.append(row)
        back.append(links)
    last = max(range(width), key=lambda c: (best[-1][c], -c))
    chosen = [last]
    for r in range(rows - 1, 0, -1):
        chosen.append(back[r][chosen[-1]])
    return chosen[::-1]


# --- one document ----------------------------------------------------------------------------------------

def _document(entry: ListEntry, raw_lines: list[str], manifest: Manifest) -> Document:
    body = clean_body(raw_lines)
    body, archive = split_source_notes(body)
    translator = note_translator(archive.raw)
    credit = _TRANSLATED_BY.search(body)
    if credit:
        translator = translator or credit.group(1).strip().rstrip(".")
        body = _drop_final_credit(body)
    senders, recipients, via = title_parties(entry.title)
    if any(_PLACE_PARTY.match(name) for name in senders):
        senders = tuple(name for name in senders if not _PLACE_PARTY.match(name)) or body_signatory(body)
    return Document(
        id=document_id(manifest.slug, str(entry.number)),
        collection=manifest.slug,
        number=str(entry.number),
        title=entry.title,
        doc_type=detect_doc_type(entry.title),
        date=_list_date(entry),
        senders_raw=senders,
        recipients_raw=recipients,
        via_raw=via,
        classification=entry.classification or detect_classification(body[:300]),
        archive=archive,
        translator=translator or manifest.translator,
        language=manifest.language,
        original_language=_original_language(entry, archive, body),
        body=body,
    )


def _list_date(entry: ListEntry) -> DateRange:
    return parse_date(entry.date_text, entry.year)


def _drop_final_credit(body: str) -> str:
    """A closing "Translated by …" line is the editors' credit (now in `translator`), not the document's text."""
    paragraphs = body.split("\n\n")
    if paragraphs and _TRANSLATED_BY.fullmatch(paragraphs[-1].strip()):
        paragraphs.pop()
    return "\n\n".join(paragraphs).strip()


def _original_language(entry: ListEntry, archive: ArchiveRef, body: str) -> str:
    if archive.repository == AMSZ or _POLISH.search(entry.title) or _POLISH.search(body[:600]):
        return "pl"
    return "ru"


# --- body text --------------------------------------------------------------------------------------------

_FURNITURE = re.compile(
    r"^\s*(?:New Evidence on the Korean War|-\s*\d{1,3}\s*-|\d{1,3}|Page \d{1,3}(?: of \d+)?)\s*$", re.IGNORECASE
)
_CELL = re.compile(r"^[\d\s.,:%/+\-–—]+$")


def clean_body(raw_lines: list[str]) -> str:
    """One document's lines as paragraphs: header, separators and page furniture gone, wrapped lines joined."""
    lines = list(raw_lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _HEADER.match(lines[0]):
        lines.pop(0)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line == "":
            continue  # the capture's own breaks (lines and pages), not the text's paragraphs
        if not line.strip() or _RULE.match(line):
            paragraphs.append([])  # a rule parts a cable from its clerks' notes: a paragraph break
            continue
        if _SEPARATOR.match(line) or _is_page_number(line, paragraphs):
            continue
        paragraphs[-1].append(line.strip())
    merged = _merge_cells([p for p in paragraphs if p])
    return "\n\n".join(_reflow(p) for p in merged).strip()


def _is_page_number(line: str, paragraphs: list[list[str]]) -> bool:
    """Running headers and page numbers; a bare number inside a table's column of figures is kept."""
    if not _FURNITURE.match(line):
        return False
    if line.strip().isdigit():
        current = paragraphs[-1]
        return not current and not (len(paragraphs) > 1 and paragraphs[-2] and _CELL.match(paragraphs[-2][-1]))
    return True


def _merge_cells(paragraphs: list[list[str]]) -> list[list[str]]:
    """Tables survive the capture as one figure per line; keep each run of figures on one line."""
    result: list[list[str]] = []
    for paragraph in paragraphs:
        lines: list[str] = []
        for line in paragraph:
            if lines and _CELL.match(line) and _CELL.match(lines[-1]):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if len(lines) == 1 and _CELL.match(lines[0]) and result:
            result[-1][-1] = f"{result[-1][-1]} {lines[0]}"
        else:
            result.append(lines)
    return result


_HYPHEN_PREFIXES = frozenset(
    "self well non anti semi so long short far high low full half ex vice pro counter post pre co".split()
)


def _reflow(lines: list[str]) -> str:
    text = lines[0]
    for previous, line in zip(lines, lines[1:]):
        broken = re.search(r"(?<![\w-])(\w+)-$", previous)
        if broken and line[:1].islower() and broken.group(1).lower() not in _HYPHEN_PREFIXES:
            text = text[:-1] + line  # "Gov-" + "ernment"
        elif broken:
            text = text + line  # "Chinese-" + "Korean", "self-" + "defense": a real hyphen
        elif len(previous) >= _FULL_LINE:
            text = f"{text} {line}"
        else:
            text = f"{text}\n{line}"
    return re.sub(r"[ \t]{2,}", " ", text)


# --- senders and recipients from the title ----------------------------------------------------------------

def title_parties(title: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """("Shtykov",), ("Vyshinsky",), () from "Telegram, Shtykov to Vyshinsky"; raw strings, as written."""
    text = _ADDRESS_LINE.sub("", _LEADING_TYPE.sub("", title.strip(), count=1))
    via: tuple[str, ...] = ()
    via_match = re.search(r"\s*\(?\bvia\s+([^,;)]+)\)?", text)
    if via_match:
        via = (via_match.group(1).strip(),)
        text = text[:via_match.start()] + text[via_match.end():]
    cut = _PARTY_CUTS.search(text)
    head = text[:cut.start()] if cut else text
    if re.match(r"^to\s", head, re.IGNORECASE):
        return (), _names(head[3:]), via  # "Report to Stalin": a recipient only
    split = _to_split(head)
    if split is None:
        sender = re.match(r"^from\s+(.+)$", head, re.IGNORECASE)
        return ((_tidy(sender.group(1)),) if sender else (), (), via)
    left, right = head[:split], head[split + 4:]
    if re.match(r"^(?:on|about|regarding)\s", left, re.IGNORECASE):
        left = left.rsplit(",", 1)[-1]  # "Memorandum on the Partisan Movement…, USSR Embassy DPRK to …"
    senders, recipients = _names(left), _names(right)
    return (tuple(qualify_ministry(n, recipients) for n in senders),
            tuple(qualify_ministry(n, senders) for n in recipients), via)


# A title such as "Telegram, [Beijing] to Soviet Ambassador" copies the cipher's address line ("[BEIJING], to the
# Soviet Ambassador"): the city is where the telegram went or came from, not who wrote it. Such a sender is
# replaced by whoever signed the body (Filippov, VYSHINSKY), and "[Beijing], to the Soviet Ambassador" as a
# recipient is the ambassador.
_PLACE_PARTY = re.compile(r"^\[?(?:Beijing|Peking|Moscow|Pyongyang|Warsaw)\]?$", re.IGNORECASE)
_ADDRESS_LINE = re.compile(r"\[(?:Beijing|Peking|Moscow|Pyongyang)\],\s+to\s+(?:the\s+)?(?=[A-Z])", re.IGNORECASE)
# A signature: a name alone on its line (maybe after "Greetings" or the date, maybe with an editor's bracket),
# directly before the date line or after a closing salutation.
_SIGNATURE = re.compile(
    r"^(?:Greetings\s+|\d{1,2}\s+[A-Z][a-z]+\s+\d{2,4}\s+)?([A-Z][A-Za-z’'-]{2,})(?:\s*\[.*)?$")
_DATE_LINE = re.compile(r"^\d{1,2}\s+[A-Z][a-z]+\s+\d{2,4}$")
_SALUTATION = re.compile(r"^(?:With\s+(?:a\s+)?(?:\w+\s+)?greetings?|Greetings|Respectfully|Yours)\b", re.IGNORECASE)
_NOT_NAMES = frozenset({"special", "flash", "priority", "cable", "telegram", "secret", "copy", "copies", "top",
                        "letter", "note", "report", "authenticated", "received", "dispatched", "distributed"})


def body_signatory(body: str) -> tuple[str, ...]:
    """The name that signed a body (the first signature, before any telegraph clerk's), or ()."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        match = _SIGNATURE.match(line)
        if match is None or match.group(1).casefold() in _NOT_NAMES:
            continue
        dated = line[0].isdigit() or line.startswith("Greetings")
        before = i > 0 and _SALUTATION.match(lines[i - 1])
        after = i + 1 < len(lines) and _DATE_LINE.match(lines[i + 1])
        if dated or before or after:
            return (match.group(1),)
    return ()


def _to_split(text: str) -> int | None:
    """The " to " that joins sender and recipient, skipping role phrases like "Ambassador to the DPRK"."""
    for match in re.finditer(r"\sto\s", text):
        if not _ROLE_BEFORE_TO.search(text[:match.start()]):
            return match.start()
    return None


def _names(text: str) -> tuple[str, ...]:
    text = _tidy(text)
    if not text:
        return ()
    parts = [_tidy(p) for p in re.split(r"\s+and\s+(?=(?:the\s+)?[A-Z\[])", text)]
    return tuple(p for p in parts if p and not _BARE_RANK.match(p))


# "Report, General-Lieutenant to General-Colonel, Cde. M.S. Malinin": a rank alone names nobody.
_BARE_RANK = re.compile(r"^(?:(?:General|Colonel|Lieutenant|Major|Captain|Marshal)[\s-]*)+$", re.IGNORECASE)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:.")
    return re.sub(r"^(?:the|from)\s+", "", text, flags=re.IGNORECASE)
