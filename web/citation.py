"""A suggested citation in Chicago style for one document, built from its record and its collection's manifest."""
from __future__ import annotations

from corpus.manifest import Manifest


def archive_reference(archive: dict) -> str:
    """'AP RF, f. 3, op. 65, d. 775, pp. 74-76' from the parsed parts, else the note as written."""
    parts = [archive.get("repository", "")]
    for label, key in (("f.", "fond"), ("op.", "opis"), ("d.", "delo"), ("p.", "papka")):
        if archive.get(key):
            parts.append(f"{label} {archive[key]}")
    if archive.get("pages"):
        parts.append(archive["pages"] if archive["pages"][:2] in ("p.", "pp", "l.", "ll") else f"pp. {archive['pages']}")
    composed = ", ".join(p for p in parts if p)
    if composed and len(parts) > 1:
        return composed
    return (archive.get("raw") or composed).strip("[] ").removeprefix("Source:").strip()


def chicago(record: dict, manifest: Manifest | None, url: str) -> str:
    """“Title,” date, archive reference. In <collection citation>, no. N. URL."""
    title = " ".join(record.get("title", "").split()) or f"Document {record.get('number', '')}"
    pieces = [f"“{title.rstrip('.,')},”"]
    when = (record.get("date") or {}).get("label") or "n.d."
    reference = archive_reference(record.get("archive") or {})
    pieces.append(f"{when}, {reference}." if reference else f"{when}.")
    source = manifest.citation if manifest else record.get("collection", "")
    pieces.append(f"In {source.rstrip('.')}, no. {record.get('number', '')}.")
    if record.get("translator") and not (manifest and manifest.translator):
        pieces.append(f"Translated by {record['translator']}.")
    pieces.append(f"{url}.")
    return " ".join(pieces)
