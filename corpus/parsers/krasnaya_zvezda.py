"""Torkunov and Ufimtsev's Krasnaya Zvezda article, as forwarded by e-mail: one record, a secondary source.

The file opens with e-mail headers (Subject/Date/From/To), then a byline line
'History of the Fatherland "<title>," Krasnaya Zvezda, <date>, page 7. -- <authors>.', then the article, then
the web page's links back ("Back to: …", "Return to …"). The article's own date is the one in the byline.
"""
from __future__ import annotations

import re

from corpus.dates import parse_date
from corpus.manifest import Manifest
from corpus.model import DateRange, Document, document_id

_MAIL_HEADER = re.compile(r"^(?:Subject|Date|From|To)\s*:", re.IGNORECASE)
_BYLINE = re.compile(
    r"[\"“](?P<title>[^\"”]+?),?[\"”]\s*,?\s*Krasnaya Zvezda,\s*(?P<date>[^,]+),.*?--\s*(?P<authors>.+?)\.?\s*$"
)
_LINKS_BACK = re.compile(r"^(?:Back to|Return to)\b", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:Professor|Prof\.|Dr\.|Academician)\s+", re.IGNORECASE)


def parse(text: str, manifest: Manifest) -> list[Document]:
    lines = [line.rstrip() for line in text.splitlines()]
    byline_at = next((i for i, line in enumerate(lines) if _BYLINE.search(line)), None)
    if byline_at is None:
        title, date, authors, start = manifest.title, DateRange(), (), 0
    else:
        match = _BYLINE.search(lines[byline_at])
        title, date = match.group("title").strip(), parse_date(match.group("date"))
        authors = tuple(_HONORIFIC.sub("", name.strip()) for name in match.group("authors").split(","))
        start = byline_at + 1
    body_lines = [line for line in lines[start:] if not _MAIL_HEADER.match(line) and not _LINKS_BACK.match(line)]
    body = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", "\n".join(body_lines)).strip()
    return [Document(
        id=document_id(manifest.slug, "1"),
        collection=manifest.slug,
        number="1",
        title=title,
        doc_type="article",
        date=date,
        senders_raw=tuple(name for name in authors if name),
        translator=manifest.translator,
        language=manifest.language,
        original_language=manifest.original_languages[0] if manifest.original_languages else "",
        body=body,
    )]
