"""`corpus check`: what is wrong with the corpus, as a table an archivist can act on."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from corpus.loader import Corpus
from corpus.model import DateRange
from corpus.parsers import parser_module


@dataclass
class CheckReport:
    per_collection: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        lines = [f"{'collection':<20} {'documents':>9} {'no body':>8} {'undated':>8}"]
        for slug, counts in sorted(self.per_collection.items()):
            lines.append(
                f"{slug:<20} {counts['documents']:>9} {counts['no body']:>8} {counts['undated']:>8}"
            )
        total = sum(c["documents"] for c in self.per_collection.values())
        lines.append(f"{'total':<20} {total:>9}")
        lines.append("")
        lines.extend(f"ERROR {e}" for e in self.errors)
        lines.append("corpus OK" if self.ok else f"{len(self.errors)} problem(s)")
        return "\n".join(lines)


def check_corpus(corpus: Corpus) -> CheckReport:
    report = CheckReport()
    for manifest in corpus.manifests:
        report.per_collection[manifest.slug] = Counter(documents=0)
    for doc in corpus.documents:
        counts = report.per_collection.setdefault(doc.collection, Counter(documents=0))
        counts["documents"] += 1
        counts["no body"] += not doc.body.strip()
        counts["undated"] += not doc.date.is_dated
    report.errors.extend(str(p) for p in corpus.problems)
    report.errors.extend(_empty_titles(corpus))
    report.errors.extend(_unresolved_parties(corpus))
    report.errors.extend(_senders_not_parties(corpus))
    report.errors.extend(_date_disagreements(corpus))
    return report


def _empty_titles(corpus: Corpus) -> list[str]:
    return [f"{doc.id}: empty title" for doc in corpus.documents if not doc.title.strip()]


def _unresolved_parties(corpus: Corpus) -> list[str]:
    found = []
    for doc in corpus.documents:
        for role in ("senders_raw", "recipients_raw", "via_raw"):
            for raw in getattr(doc, role):
                if not corpus.authority.resolve_all(raw):
                    found.append(f"{doc.id}: {role[:-4]} {raw!r} not in the authority")
    return found


SENDER_KINDS = ("person", "organisation")


def _senders_not_parties(corpus: Corpus) -> list[str]:
    """A sender that is a place ("[Beijing]") or of a kind the authority does not know cannot have written."""
    found = []
    for doc in corpus.documents:
        for raw in doc.senders_raw:
            for entry in corpus.authority.resolve_all(raw):
                if entry.kind not in SENDER_KINDS:
                    found.append(f"{doc.id}: sender {raw!r} is {entry.canonical} ({entry.kind or 'unknown kind'}), "
                                 "not a person or organisation")
    return found


def _date_disagreements(corpus: Corpus) -> list[str]:
    """Records whose date differs from their collection's own table of contents, where it has one."""
    found = []
    for manifest in corpus.manifests:
        expected = _expected_dates(manifest)
        for doc in corpus.documents:
            want = expected.get(doc.number) if doc.collection == manifest.slug else None
            if want is not None and (doc.date.start, doc.date.end) != (want.start, want.end):
                found.append(
                    f"{doc.id}: date {doc.date.label!r} but the list of documents says {want.label!r}"
                )
    return found


def _expected_dates(manifest) -> dict[str, DateRange]:
    """A parser may expose `expected_dates(text)` read from the collection's own table of contents."""
    reader = getattr(parser_module(manifest.parser), "expected_dates", None) if manifest.parser else None
    if reader is None:
        return {}
    source = manifest.folder / (manifest.source or "source.txt")
    try:
        return reader(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeError):  # already reported by the loader, which skipped the collection
        return {}
