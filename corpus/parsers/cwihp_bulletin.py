"""Weathersby's CWIHP Bulletin documents, from an OCR of two-column pages whose columns are partly out of order.

Numbered entries open with "18. 5 July 1950, ciphered telegram, Filippov (Stalin) to …". Some texts lost their
headers to the column shuffle; each becomes a record of its own, titled as a fragment, with no invented metadata.

Fragment numbering (a fixed rule, so ids stay stable): a fragment takes the number of the first numbered entry
that follows it in the file plus a letter in file order (the text above entry 18 is `18a`); a fragment after
the last entry takes the number of the entry before it.

Where one text ends: after its closing block ("No. 439/sh." then "Copies: …"), or after a signature line that
is a bare name ("Kim Il Sung.") when more text follows; text after that belongs to another document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.dates import parse_date
from corpus.doctypes import detect_classification, detect_doc_type
from corpus.manifest import Manifest
from corpus.model import DateRange, Document, document_id
from corpus.parsers.parties import parse_parties, split_header_clauses

_ENTRY = re.compile(r"^(\d{1,3})\.\s+(\d{1,2}\s+[A-Z][a-z]+\s+\d{4}),\s*(.*)$")
# Lines that open a document's own text, ending a header that runs over several lines.
_BODY_START = re.compile(
    r"^(?:[A-Z]{3,}\b|Ciphered telegram No|To (?:the|your|Comrade)\b|Transmit|Only by|Communicate|Advise|"
    r"Pyongyang|Beijing|Moscow)"
)
_NUMBER_LINE = re.compile(r"^No\.\s*[\d.]+(?:/\w+)?\.?$")
_COPIES = re.compile(r"^Copies:")
_SIGNATURE = re.compile(r"^(?:[A-Z][\w’'-]*\s){1,3}[A-Z][\w’'-]*\.$")
_HEADER_TAIL = re.compile(r"^[^.]{0,60}\)\s+to\s+[A-Z][\w’' .-]*$")
_DATELINE = re.compile(r"^(?:[A-Z][a-z]+\.\s+)?(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\.?$")
_PARAGRAPH_OPENER = re.compile(r"^(?:\d+\.\s|No\.|Copies:|[A-Z]{3,}\b|[“\"])")
_CLOSING_OPENER = re.compile(r"^(?:Faithfully|Respectfully|Sincerely|With (?:comradely )?greetings)\b")
_SHORT_LINE = 34


@dataclass
class _Piece:
    """One document's lines as found in the file; `entry` is its header match, None for a fragment."""

    lines: list[str] = field(default_factory=list)
    entry: tuple[str, str, str] | None = None


def parse(text: str, manifest: Manifest) -> list[Document]:
    """Numbered entries and header-less fragments, in file order."""
    pieces = _pieces([line.strip() for line in text.splitlines() if line.strip()])
    numbers = _numbers(pieces)
    return [_document(piece, number, manifest) for piece, number in zip(pieces, numbers) if piece.lines]


def _pieces(lines: list[str]) -> list[_Piece]:
    pieces, current, index = [], _Piece(), 0
    while index < len(lines):
        match = _ENTRY.match(lines[index])
        if match:
            header, index = _read_header(lines, index)
            pieces.append(current)
            current = _Piece(entry=(match.group(1), match.group(2), header))
            continue
        current.lines.append(lines[index])
        if _ends_document(lines, index):
            index = _take_copies(lines, index + 1, current)
            pieces.append(current)
            current = _Piece()
            continue
        index += 1
    pieces.append(current)
    return [piece for piece in pieces if piece.lines or piece.entry]


def _read_header(lines: list[str], index: int) -> tuple[str, int]:
    """The header text after "N. date," and the index of the first body line."""
    parts = [_ENTRY.match(lines[index]).group(3)]
    index += 1
    while index < len(lines) and len(parts) < 5 and not _header_closed(" ".join(parts)):
        if _BODY_START.match(lines[index]) or _ENTRY.match(lines[index]):
            break
        parts.append(lines[index])
        index += 1
    return _join_lines(parts), index


def _header_closed(header: str) -> bool:
    return header.count("(") == header.count(")") and header.rstrip().endswith(")")


def _ends_document(lines: list[str], index: int) -> bool:
    line, following = lines[index], lines[index + 1] if index + 1 < len(lines) else ""
    if _NUMBER_LINE.match(line):
        return True
    return bool(_SIGNATURE.match(line)) and bool(following) and not (
        _NUMBER_LINE.match(following) or _COPIES.match(following) or _ENTRY.match(following)
    )


def _take_copies(lines: list[str], index: int, piece: _Piece) -> int:
    """Append the "Copies: …" list (which may run on after a trailing comma); return the next index."""
    if index < len(lines) and _COPIES.match(lines[index]):
        piece.lines.append(lines[index])
        while lines[index].endswith(",") and index + 1 < len(lines) and not _ENTRY.match(lines[index + 1]):
            index += 1
            piece.lines.append(lines[index])
        index += 1
    return index


def _numbers(pieces: list[_Piece]) -> list[str]:
    """Entry numbers as printed; fragments after the rule in the module docstring."""
    numbers, used = [], {}
    for position, piece in enumerate(pieces):
        if piece.entry:
            numbers.append(piece.entry[0])
            continue
        after = [p.entry[0] for p in pieces[position + 1:] if p.entry]
        before = [p.entry[0] for p in pieces[:position] if p.entry]
        base = after[0] if after else (before[-1] if before else "0")
        used[base] = used.get(base, 0) + 1
        numbers.append(base + "abcdefghijklmnopqrstuvwxyz"[used[base] - 1])
    return numbers


def _document(piece: _Piece, number: str, manifest: Manifest) -> Document:
    lines = list(piece.lines)
    if piece.entry:
        _, date_text, header = piece.entry
        title, date = _entry_title(header), parse_date(date_text)
        clauses = split_header_clauses(header)
        parties = parse_parties(next((c for c in clauses if " to " in c), ""))
        doc_type = detect_doc_type(clauses[0] if clauses else "")
    else:
        tail = lines.pop(0) if _HEADER_TAIL.match(lines[0]) else ""
        parties = parse_parties(tail)
        title, date, doc_type = _fragment_title(tail, lines), _dateline(lines), ""
    body = reflow(lines)
    return Document(
        id=document_id(manifest.slug, number),
        collection=manifest.slug,
        number=number,
        title=title,
        doc_type=doc_type,
        date=date,
        senders_raw=parties[0],
        recipients_raw=parties[1],
        via_raw=parties[2],
        classification=detect_classification("\n".join([title] + lines[:4])),
        translator=manifest.translator,
        language=manifest.language,
        original_language=manifest.original_languages[0] if manifest.original_languages else "",
        body=body,
    )


def _entry_title(header: str) -> str:
    """The printed header after its date; a header cut off by the OCR is marked "[…]"."""
    title = header[:1].upper() + header[1:]
    return title + " […]" if title.count("(") > title.count(")") else title


def _fragment_title(tail: str, lines: list[str]) -> str:
    if tail:
        return f"Fragment: …{tail} (header partly lost)"
    words = reflow(lines).split()[:10]
    return f"Fragment: …{' '.join(words).rstrip(',;:')}… (header lost)"


def _dateline(lines: list[str]) -> DateRange:
    """A date the fragment states on a line of its own ("Pyongyang. 8 July 1950."), else undated."""
    for line in lines:
        match = _DATELINE.match(line)
        if match:
            return parse_date(match.group(1))
    return DateRange()


def reflow(lines: list[str]) -> str:
    """Join OCR column lines into paragraphs, rejoining words hyphenated across lines."""
    paragraphs, current = [], ""
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        current = _join_lines([current, line]) if current else line
        if not following or _paragraph_ends(line, following):
            paragraphs.append(current)
            current = ""
    return "\n\n".join(paragraphs)


def _paragraph_ends(line: str, following: str) -> bool:
    if line.endswith("-"):
        return not following[:1].islower()
    if any(p.match(following) for p in (_NUMBER_LINE, _COPIES, _SIGNATURE, _DATELINE, _CLOSING_OPENER)):
        return True
    ends_sentence = bool(re.search(r"[.:!?”\"]$", line))
    if len(line) < _SHORT_LINE and (ends_sentence or _starts_new_line(line, following)):
        return True
    return ends_sentence and bool(_PARAGRAPH_OPENER.match(following))


def _starts_new_line(line: str, following: str) -> bool:
    """After a short unpunctuated line ("Only by telegraph"), a capital starts a new line, unless a name in
    capitals runs on ("Transmit to ZHOU ENLAI or MAO" / "ZEDONG the following:")."""
    if not (following[:1].isupper() or following[:1].isdigit()):
        return False
    last, first = line.split()[-1], following.split()[0]
    return not (last.isupper() and first.rstrip(".,:;").isupper())


def _join_lines(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        if re.search(r"[A-Za-z]-$", text) and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}"
    return text
