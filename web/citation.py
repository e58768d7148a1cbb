"""The suggested citation of one document in the Chicago Manual's notes form for archival documents in
published collections (CMOS 14.111, 14.222, 14.233): correspondence as "Author to Recipient, type, date", other
documents by their title in quotation marks (a description, unquoted, when the title is cut off), then the
archive signature, the translator, "in" the collection as its editors cite it, the document's number and URL."""
from __future__ import annotations

from corpus.manifest import Manifest

from web.reference import Reference, _and, is_whole_collection


def chicago(ref: Reference, manifest: Manifest | None) -> str:
    if is_whole_collection(ref, manifest):
        return _sentence(f"{curl_quotes(ref.container_citation)}, {ref.url}")
    pieces = []
    if ref.item_type == "letter" and ref.authors and ref.recipients:
        pieces += [f"{_and(ref.authors)} to {_and(ref.recipients)}", ref.doc_type]
    elif ref.title_complete:
        pieces.append(f"“{_inner_quotes(ref.title).rstrip('.,')},”")
    else:
        pieces.append(ref.description)
    pieces.append(ref.date.label or "n.d.")
    pieces.append(", ".join(filter(None, (ref.archive, ref.archive_location))))
    translators = _and(ref.translators)
    if translators and not (manifest and manifest.translator):
        pieces.append(f"trans. {translators}")
    source = curl_quotes(ref.container_citation).rstrip(".")
    pieces.append(f"in {source}, no. {ref.number}" if source else f"no. {ref.number}")
    pieces.append(ref.url)
    text = ""
    for piece in filter(None, pieces):
        text += piece if not text else (" " if text.endswith("”") else ", ") + piece
    return _sentence(text)


def curl_quotes(text: str) -> str:
    """Straight quotes as typeset ones: "x" → “x”, it's → it’s (a citation never mixes the two)."""
    out, opening = [], True
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        elif ch == "'":
            before = text[i - 1] if i else " "
            out.append("’" if before.isalnum() or before in ".,?!" else "‘")
        else:
            out.append(ch)
    return "".join(out)


def _inner_quotes(title: str) -> str:
    """Quotation marks inside a quoted title become single ones (“Report on ‘Operation X’”)."""
    curled = curl_quotes(title)
    return curled.replace("“", "‘").replace("”", "’")


def _sentence(text: str) -> str:
    """End with one full stop: "n.d." and an abbreviation are not stopped twice."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."
