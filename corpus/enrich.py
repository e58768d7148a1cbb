"""Enrichment: the raw parties and the running text of each document, read through the name authority, so that
facets and name search see "Joseph Stalin" whether a telegram was signed Filippov, Fyn Si or Сталин."""
from __future__ import annotations

from dataclasses import replace

from corpus.authority import Authority, AuthorityEntry
from corpus.model import Document


def enrich(documents: list[Document], authority: Authority) -> list[Document]:
    """Each document with canonical `senders`, `recipients`, `via`, `people` and `places` filled in."""
    return [enrich_document(document, authority) for document in documents]


def enrich_document(document: Document, authority: Authority) -> Document:
    senders = _parties(document.senders_raw, authority)
    recipients = _parties(document.recipients_raw, authority)
    via = _parties(document.via_raw, authority)
    mentioned = authority.find_mentions(f"{document.title}\n{document.body}")
    parties = [*senders, *recipients, *via]
    return replace(
        document,
        senders=_names(senders),
        recipients=_names(recipients),
        via=_names(via),
        people=_sorted_names(mentioned + parties, "person"),
        places=_sorted_names(mentioned, "place"),
    )


def with_parties(document: Document, authority: Authority) -> Document:
    """Only canonical `senders`, `recipients` and `via`: what version linking compares, without the cost of
    finding every name mentioned in the text."""
    return replace(document, senders=_names(_parties(document.senders_raw, authority)),
                   recipients=_names(_parties(document.recipients_raw, authority)),
                   via=_names(_parties(document.via_raw, authority)))


def _parties(raw_names: tuple[str, ...], authority: Authority) -> list[AuthorityEntry]:
    """Entries named by the raw strings, in the order written; one raw string may name several parties."""
    entries: list[AuthorityEntry] = []
    for raw in raw_names:
        entries.extend(entry for entry in authority.resolve_all(raw) if entry not in entries)
    return entries


def _names(entries: list[AuthorityEntry]) -> tuple[str, ...]:
    return tuple(entry.canonical for entry in entries)


def _sorted_names(entries: list[AuthorityEntry], kind: str) -> tuple[str, ...]:
    return tuple(sorted({entry.canonical for entry in entries if entry.kind == kind}))
