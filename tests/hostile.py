"""The hostile records planted in the session's bundled index: markup, script, event attributes and javascript:
URLs in every field a page, facet, feed or export shows, plus values a spreadsheet would run as formulas."""
from __future__ import annotations

from corpus.model import ArchiveRef, DateRange, Document, document_id

COLLECTION = "hostile"
SCRIPT = "<script>alert('pwned')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = '<a href="javascript:alert(2)">click</a>'
SVG = "<svg/onload=alert(3)>"
PAYLOADS = (SCRIPT, IMG, LINK, SVG, '" onmouseover="alert(4)', "javascript:alert(5)")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)")


def hostile_documents() -> list[Document]:
    """Two documents whose every displayed field carries a payload, and one per formula; every one holds the
    words 'quagga' and 'armistice', so `q=quagga&collection=hostile` finds exactly these."""
    docs = []
    for number, payload in enumerate(PAYLOADS[:2], start=1):
        docs.append(Document(
            id=document_id(COLLECTION, str(number)), collection=COLLECTION, number=str(number),
            title=f"{payload} quagga telegram {LINK}", doc_type="telegram",
            date=DateRange("1951-07-10", "1951-07-10", f"10 July 1951 {SVG}", "day"),
            senders=(f"{SCRIPT} Mallory",), recipients=(FORMULAS[0],), via=(IMG,),
            senders_raw=(f"{SCRIPT} Mallory",), recipients_raw=(FORMULAS[0],),
            classification="Top Secret", archive=ArchiveRef(repository=f"AP RF {IMG}", raw=LINK),
            translator=f"{SVG} translator", language="en", people=(f"Eve {IMG}",), places=(f"Atlantis {SVG}",),
            body=f"The quagga armistice note. {' and '.join(PAYLOADS)} and {FORMULAS[1]} end of quagga note."))
    for number, formula in enumerate(FORMULAS, start=3):
        docs.append(Document(
            id=document_id(COLLECTION, str(number)), collection=COLLECTION, number=str(number),
            title=f"{formula} quagga", doc_type="note", senders=(formula,),
            date=DateRange("1951-08-01", "1951-08-01", "1 August 1951", "day"),
            body=f"A quagga note on the armistice, number {number}.", language="en"))
    return docs


HUGE_COLLECTION = "rel-huge"


def huge_document(source_bodies: list[str], chars: int = 6_000_000) -> Document:
    """One record of `chars` characters (a whole book scanned as one document), in paragraphs of real words."""
    words = " ".join(source_bodies).split()
    paragraphs, size, i = [], 0, 0
    while size < chars:
        paragraph = " ".join(words[(i + k) % len(words)] for k in range(120))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        i += 977
    return Document(
        id=document_id(HUGE_COLLECTION, "1"), collection=HUGE_COLLECTION, number="1", title="A very long report",
        doc_type="report", date=DateRange("1951-07-10", "1951-07-10", "10 July 1951", "day"),
        body="\n\n".join(paragraphs), language="en")
