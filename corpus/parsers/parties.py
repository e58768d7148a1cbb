"""Senders, recipients and intermediaries read off an editor's header, shared by the header-style parsers.

Headers such as "Ciphered Telegram, Filippov (Stalin) to Soviet Ambassador in Beijing (N.V. Roshchin) with
message for Zhou Enlai" or "Letter, Fyn Si [Stalin] to Kim Il Sung (via Shtykov)". Names are kept as written;
the authority resolves them later.
"""
from __future__ import annotations

import re

# Words that describe the document rather than name a party ("Ciphered Telegram, …", "Memorandum Gromyko to …").
_TYPE_WORDS = re.compile(
    r"^(?:(?:a|an|ciphered|coded|draft|handwritten|telegram|memorandum|letter|cable|note|report|message|"
    r"ciphergram)\b[\s,]*)+", re.IGNORECASE
)
_VIA = re.compile(r"\(\s*via\s+([^)]*)\)?", re.IGNORECASE)
_MESSAGE_FOR = re.compile(r"\s+(?:with|transmitting|conveying)\s+(?:a\s+)?message\s+(?:for|to)\s+(.+)$",
                          re.IGNORECASE)
# Words after a recipient that begin a description, not a name ("Shtykov Approved by …").
_TRAILER = re.compile(r"\s+(?:approved|attaching|conveying|with|transmitting|regarding|about|on)\b.*$",
                      re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.IGNORECASE)
_ET_AL = re.compile(r"\s*(?:\bet al\.?|\band others)\s*$", re.IGNORECASE)
_STEP = {"(": 1, "[": 1, ")": -1, "]": -1}
_PLACE_SUFFIX = re.compile(r"\s+in\s+(?:Beijing|Moscow|Pyongyang|PRC|the PRC|China|Korea|the DPRK|DPRK)$")


def parse_parties(clause: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(senders, recipients, via) named by one header clause; empty tuples when it names none."""
    clause = " ".join((clause or "").split())
    via = tuple(_names(m.group(1)) for m in _VIA.finditer(clause))
    clause = _VIA.sub("", clause).strip()
    if re.search(r"\bfrom\b", clause, re.IGNORECASE):
        clause = re.split(r"\bfrom\s+", clause, maxsplit=1, flags=re.IGNORECASE)[1]
    clause = _TYPE_WORDS.sub("", clause)
    head, sep, tail = _split_top_level(clause, " to ")
    if not sep:
        return (), (), tuple(v for group in via for v in group)
    message_for = _MESSAGE_FOR.search(tail)
    if message_for:
        via = (_names(tail[:message_for.start()]),) + via
        tail = message_for.group(1)
    recipients = _names(_TRAILER.sub("", tail))
    return _names(head), recipients, tuple(v for group in via for v in group)


# "Report from the Polish Embassy Beijing to the Ministry of Foreign Affairs": a ministry named without its country
# belongs to the country of the embassy writing to it.
_BARE_MINISTRY = re.compile(r"^(?:the\s+)?Ministry of Foreign Affairs$", re.IGNORECASE)
_EMBASSY_COUNTRY = re.compile(r"^(?:the\s+)?(Polish|Soviet|USSR|Chinese|PRC|DPRK|North Korean|Hungarian|Czechoslovak)"
                              r"\s+Embassy\b", re.IGNORECASE)


def qualify_ministry(name: str, counterparts: tuple[str, ...]) -> str:
    """"Ministry of Foreign Affairs" as "Polish Ministry of Foreign Affairs" when a Polish embassy writes to it."""
    if not _BARE_MINISTRY.match(name):
        return name
    countries = {m.group(1) for other in counterparts if (m := _EMBASSY_COUNTRY.match(other))}
    return f"{countries.pop()} Ministry of Foreign Affairs" if len(countries) == 1 else name


def split_header_clauses(header: str) -> list[str]:
    """Comma-separated parts of a header, ignoring commas inside brackets."""
    parts, depth, current = [], 0, []
    for char in header:
        depth += _STEP.get(char, 0)
        if char == "," and depth <= 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _names(text: str) -> tuple[str, ...]:
    names = []
    for piece in _split_top_level_all(_ET_AL.sub("", text.strip())):
        piece = _PLACE_SUFFIX.sub("", _ET_AL.sub("", piece)).strip(" ;:,")
        if piece.endswith(".") and not re.search(r"\b[A-Z]\.$", piece):
            piece = piece[:-1]
        piece = re.sub(r"^the\s+", "", piece)
        if piece and piece.lower() not in {"others", "other"}:
            names.append(piece)
    return tuple(names)


def _split_top_level(text: str, separator: str) -> tuple[str, str, str]:
    depth = 0
    for pos, char in enumerate(text):
        depth += _STEP.get(char, 0)
        if depth <= 0 and text.startswith(separator, pos):
            return text[:pos], separator, text[pos + len(separator):]
    return text, "", ""


def _split_top_level_all(text: str) -> list[str]:
    """Split a list of names on commas, "and", "or" outside brackets."""
    masked, depth = [], 0
    for char in text:
        depth += _STEP.get(char, 0)
        masked.append(char if depth <= 0 or char in "([" else "\0")
    pieces, start = [], 0
    for match in _SPLIT.finditer("".join(masked)):
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]
