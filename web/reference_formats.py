"""One Reference written in each format a reference manager reads: RIS, BibTeX (biblatex), CSL-JSON, a CSV row,
Highwire `citation_*` meta tags and a COinS title. Pure functions; tested by parsing their output with rispy,
bibtexparser, json and lxml.

Field choices follow Zotero's translators, which most users import with: RIS `DB`/`AN` are Zotero's "Archive"
and "Loc. in Archive", `A2` of a letter its recipient, `A4` the translator, `M3` the letter or report type.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from web.reference import Creator, Reference, ReferenceDate

RIS_TYPES = {"letter": "PCOMM", "report": "RPRT", "document": "GEN", "newspaperArticle": "NEWS"}
BIBTEX_TYPES = {"letter": "letter", "report": "report", "document": "misc", "newspaperArticle": "article"}
CSL_TYPES = {"letter": "letter", "report": "report", "document": "document", "newspaperArticle": "article-newspaper"}

CSV_COLUMNS = ("id", "url", "title", "date_label", "date_start", "date_end", "date_precision", "doc_type",
               "senders", "recipients", "people", "places", "translator", "classification", "archive",
               "archive_signature", "collection", "number", "versions", "snippet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---- dates ---------------------------------------------------------------------------------------------------

def ris_date(date: ReferenceDate) -> str:
    """RIS `DA` "YYYY/MM/DD/other": only the parts the date really has ("1951/06//"), the editors' words as the
    other info when they say more than the parts ("1952///19 May – 15 June 1952", "1951///after 15 September 1951")."""
    parts = date.known_parts
    if not parts:
        return ""
    fields = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]] + [""] * (3 - len(parts))
    exact = date.precision in ("day", "month", "year") or (date.precision == "range" and not date.is_range)
    return "/".join(fields) + "/" + ("" if exact else date.label)


def iso_date(date: ReferenceDate) -> str:
    """"1950-07-05", "1951-06", "1952": what the date is known to (Highwire `citation_date`, COinS `rft.date`)."""
    parts = date.known_parts
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def csl_date(date: ReferenceDate) -> dict | None:
    """CSL-JSON `issued`: date-parts at their precision, two of them for a range; "after"/"before" as words."""
    if not date.start:
        return None
    if date.precision in ("after", "before"):
        return {"date-parts": [[int(date.year)]], "literal": date.label}
    if date.is_range and len(date.known_parts) < 3:
        return {"date-parts": [_ints(date.start), _ints(date.end)]}
    issued: dict = {"date-parts": [list(date.known_parts)]}
    if date.precision == "circa":
        issued["circa"] = True
    return issued


def _ints(iso: str) -> list[int]:
    return [int(p) for p in iso.split("-")]


# ---- RIS -----------------------------------------------------------------------------------------------------

def ris_fields(ref: Reference) -> list[tuple[str, str]]:
    """(tag, value) pairs in RIS order, empty values left out."""
    fields = [("TY", RIS_TYPES[ref.item_type]), ("ID", ref.id), ("TI", ref.title)]
    fields += [("AU", c.inverted) for c in ref.authors]
    if ref.item_type == "letter":
        fields += [("A2", c.inverted) for c in ref.recipients]
        fields += [("A3", c.inverted) for c in ref.editors]
    else:
        fields += [("A2", c.inverted) for c in ref.editors]
    fields += [("A4", c.inverted) for c in ref.translators]
    fields += [("PY", ref.date.year), ("DA", ris_date(ref.date))]
    fields += [("T2", ref.container), ("T3", ref.periodical if ref.periodical != ref.container else ""),
               ("PB", ref.publisher), ("CY", ref.place), ("M1", ref.number), ("M3", _capital(ref.doc_type)),
               ("DB", ref.archive), ("AN", ref.archive_location), ("LA", ref.language), ("UR", ref.url)]
    fields += [("KW", name) for name in (*ref.people, *ref.places)]
    fields.append(("N1", note(ref)))
    return [(tag, _one_line(value)) for tag, value in fields if value]


def ris_record(ref: Reference) -> str:
    return "".join(f"{tag}  - {value}\r\n" for tag, value in ris_fields(ref)) + "ER  - \r\n"


def note(ref: Reference) -> str:
    """What no field holds: the editors' date when it says more than the date fields, recipients of a
    non-letter, the classification, the source note as written, the other versions."""
    parts = []
    if ref.date.precision not in ("day", "month", "year", "unknown") and ref.date.label:
        parts.append(f"Dated {ref.date.label}")
    elif not ref.date.start:
        parts.append("Undated")
    if ref.recipients and ref.item_type != "letter":
        parts.append("To " + "; ".join(c.natural for c in ref.recipients))
    if ref.classification:
        parts.append(ref.classification)
    if ref.archive_raw and not (ref.archive and ref.archive_location):
        parts.append(ref.archive_raw.strip("[] "))
    if ref.versions:
        parts.append("Other versions: " + ", ".join(ref.versions))
    return ". ".join(parts)


# ---- BibTeX (biblatex) ---------------------------------------------------------------------------------------

def bibtex_entry(ref: Reference) -> str:
    """A biblatex entry: `date` in EDTF at its precision, people as "Family, Given", bodies braced whole."""
    container = "journaltitle" if ref.item_type == "newspaperArticle" else "booktitle"
    fields = [
        ("author", bibtex_names(ref.authors)),
        ("title", bibtex_escape(ref.title)),
        ("date", ref.date.edtf),
        ("year", ref.date.year if ref.date.year == ref.date.end[:4] else ""),
        ("type", bibtex_escape(_capital(ref.doc_type))),
        ("editor", bibtex_names(ref.editors)),
        ("translator", bibtex_names(ref.translators)),
        (container, bibtex_escape(ref.container)),
        ("series", bibtex_escape(ref.periodical if ref.periodical != ref.container else "")),
        ("number", bibtex_escape(ref.number)),
        ("publisher", bibtex_escape(ref.publisher)),
        ("location", bibtex_escape(ref.place)),
        ("archive", bibtex_escape(ref.archive)),
        ("archive_location", bibtex_escape(ref.archive_location)),
        ("langid", bibtex_escape(ref.language)),
        ("keywords", bibtex_escape(", ".join((*ref.people, *ref.places)))),
        ("url", _bibtex_url(ref.url)),
        ("note", bibtex_escape("; ".join(filter(None, (_recipients_note(ref), note(ref)))))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{BIBTEX_TYPES[ref.item_type]}{{{bibtex_key(ref.id)},\n{body}\n}}"


def bibtex_key(doc_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", doc_id).strip("-") or "document"


def bibtex_names(creators) -> str:
    """"Stalin, Joseph and Kim, Il Sung and {USSR Ministry of War}"."""
    return " and ".join("{" + bibtex_escape(c.literal) + "}" if c.is_corporate else bibtex_escape(c.inverted)
                        for c in creators)


def _recipients_note(ref: Reference) -> str:
    return "To " + "; ".join(c.natural for c in ref.recipients) if ref.recipients and ref.item_type == "letter" else ""


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#",
    "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in _one_line(text))


def _bibtex_url(url: str) -> str:
    """A URL goes in verbatim, but braces and a trailing backslash would still end the field."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


# ---- CSL-JSON ------------------------------------------------------------------------------------------------

def csl_item(ref: Reference) -> dict:
    """The item as CSL-JSON (what citeproc and Zotero's CSL JSON import read)."""
    item = {
        "id": ref.id, "type": CSL_TYPES[ref.item_type], "title": ref.title,
        "author": [csl_name(c) for c in ref.authors], "recipient": [csl_name(c) for c in ref.recipients],
        "translator": [csl_name(c) for c in ref.translators], "editor": [csl_name(c) for c in ref.editors],
        "issued": csl_date(ref.date), "genre": _capital(ref.doc_type), "container-title": ref.container,
        "collection-title": ref.periodical if ref.periodical != ref.container else "",
        "number": ref.number, "publisher": ref.publisher, "publisher-place": ref.place,
        "archive": ref.archive, "archive_location": ref.archive_location, "language": ref.language,
        "URL": ref.url, "note": note(ref),
    }
    return {key: value for key, value in item.items() if value}


def csl_name(creator: Creator) -> dict:
    if creator.is_corporate:
        return {"literal": creator.literal}
    return {"family": creator.family, "given": creator.given} if creator.given else {"family": creator.family}


# ---- CSV -----------------------------------------------------------------------------------------------------

def csv_row(ref: Reference, snippet: str = "") -> list[str]:
    """One spreadsheet row (CSV_COLUMNS); a cell a spreadsheet would run as a formula starts with '."""
    values = {
        "id": ref.id, "url": ref.url, "title": ref.title, "date_label": ref.date.label,
        "date_start": ref.date.start, "date_end": ref.date.end,
        "date_precision": ref.date.precision if ref.date.start else "",
        "doc_type": ref.doc_type, "senders": "; ".join(c.natural for c in ref.authors),
        "recipients": "; ".join(c.natural for c in ref.recipients), "people": "; ".join(ref.people),
        "places": "; ".join(ref.places), "translator": "; ".join(c.natural for c in ref.translators),
        "classification": ref.classification, "archive": ref.archive, "archive_signature": ref.archive_location,
        "collection": ref.collection, "number": ref.number, "versions": "; ".join(ref.versions),
        "snippet": snippet,
    }
    return [neutralise(_one_line(values[column])) for column in CSV_COLUMNS]


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


# ---- the page: Highwire tags and COinS ---------------------------------------------------------------------

def highwire_tags(ref: Reference) -> list[tuple[str, str]]:
    """`<meta name="citation_…">` pairs, which Zotero's embedded-metadata translator and Google Scholar read."""
    tags = [("citation_title", ref.title)]
    tags += [("citation_author", c.inverted) for c in ref.authors]
    tags += [("citation_date", iso_date(ref.date)), ("citation_publisher", ref.publisher),
             ("citation_collection_title", ref.container), ("citation_editor", "; ".join(c.inverted for c in ref.editors)),
             ("citation_language", ref.language), ("citation_public_url", ref.url)]
    if ref.item_type == "report":
        tags.append(("citation_technical_report_number", ref.number))
    return [(name, _one_line(value)) for name, value in tags if value]


def coins_title(ref: Reference) -> str:
    """The `title` of a COinS span (OpenURL 1.0 KEV, Dublin Core format): Zotero finds it on a results page."""
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rfr_id", "info:sid/kwarchive"),
             ("rft.type", ref.item_type), ("rft.title", ref.title)]
    pairs += [("rft.creator", c.inverted) for c in ref.authors]
    pairs += [("rft.date", iso_date(ref.date)), ("rft.source", ref.container), ("rft.publisher", ref.publisher),
              ("rft.identifier", ref.url), ("rft.language", ref.language)]
    return urlencode([(key, value) for key, value in pairs if value])


# ---- shared --------------------------------------------------------------------------------------------------

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_line(text) -> str:
    return " ".join(str(text).split())
