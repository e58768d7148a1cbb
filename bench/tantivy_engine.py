"""The native peer: the same records in tantivy (Rust, through its Python bindings), doing the same work per query.

It tracks the distance to what a compiled engine does on this machine. Work per query, as for FTS5: the query's
words, phrases, name spellings and prefixes OR-ed over title (weighted) and body, ranked by BM25; date-range
overlap and facet filters; the total; the top 10 with a highlighted title and body snippet; counts over all
matches for the counted facets (a terms aggregation on columnar "fast" fields).

Analysis: ICU-free simple tokens, lowercased and folded to ASCII, no stemming (like FTS5's unicode61 here), so
totals differ from kwarchive's ICU analysis and name entities in the same ways FTS5's do. A prefix is expanded
to the terms of the index that begin with it (as Whoosh does), so it is ranked and highlighted like a word.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import tantivy

from bench.queries import COUNTED_FACETS, FACET_NAMES, PER_PAGE, BenchQuery, day_number, facet_values, query_parts
from corpus.model import Document

TITLE_WEIGHT = 5.0
ANALYZER = "kw_simple_folded"
TEXT_FIELDS = ("title", "body")
SNIPPET_CHARS = 240  # about FTS5's 40-token snippet
FACET_BUCKETS = 10_000  # every value, as FTS5's GROUP BY counts every value
HEAP_BYTES = 256_000_000
NO_DATE = 0


@dataclass(frozen=True)
class TantivyResult:
    total: int
    hits: list[dict]
    facets: dict[str, list[tuple[str, int]]]


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER)
    builder.add_integer_field("date_start", indexed=True, fast=True)
    builder.add_integer_field("date_end", indexed=True, fast=True)
    for name in FACET_NAMES:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build())


def open_index(path: Path, create: bool = False) -> tantivy.Index:
    if create:
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema(), path=str(path), reuse=False)
    else:
        index = tantivy.Index.open(str(path))
    index.register_tokenizer(ANALYZER, analyzer())
    return index


def build(documents: Iterable[Document], path: Path, threads: int | None = None) -> int:
    """Write a fresh index at `path` from records as they come (an iterator is never held whole); returns the count."""
    index = open_index(path, create=True)
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=threads or os.cpu_count() or 1)
    count = 0
    for doc in documents:
        writer.add_document(_document(doc))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def update_one(path: Path, document: Document) -> None:
    """Replace one record: the counterpart of an incremental reindex."""
    index = open_index(path)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    writer.delete_documents_by_term("id", document.id)
    writer.add_document(_document(document))
    writer.commit()
    writer.wait_merging_threads()


def _document(doc: Document) -> tantivy.Document:
    fields = {"id": doc.id, "title": doc.title, "body": doc.body,
              "date_start": _ymd(doc.date.start), "date_end": _ymd(doc.date.end)}
    fields |= {name: list(values) for name, values in facet_values(doc).items() if values}
    return tantivy.Document(**fields)


def _ymd(iso: str) -> int:
    return int(iso.replace("-", "")) if iso else NO_DATE


class TantivySearcher:
    """One reader, reused across queries like kwarchive's warm Searcher."""

    def __init__(self, path: Path, authority):
        self.index = open_index(path)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = analyzer()
        self.authority = authority

    def search(self, query: BenchQuery) -> TantivyResult:
        text = self.text_query(query)
        full = tantivy.Query.boolean_query([(tantivy.Occur.Must, text), *self._filters(query)])
        found = self.searcher.search(full, PER_PAGE, count=True)
        return TantivyResult(found.count, self._top(text, found.hits), self._counts(full))

    def text_query(self, query: BenchQuery) -> tantivy.Query:
        """Every part of the query over title (weighted) and body, OR-ed; matches nothing if no part has words."""
        clauses = [(tantivy.Occur.Should, clause) for kind, text in query_parts(query, self.authority)
                   for clause in self._part(kind, text)]
        return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.empty_query()

    def _part(self, kind: str, text: str) -> list[tantivy.Query]:
        tokens = self.analyzer.analyze(text)
        if not tokens:
            return []
        out = []
        for field in TEXT_FIELDS:
            if kind == "prefix":
                terms = [term for term, _ in self.searcher.terms_with_prefix(field, tokens[-1])]
                queries = [tantivy.Query.term_query(self.schema, field, term) for term in terms]
            elif len(tokens) == 1:
                queries = [tantivy.Query.term_query(self.schema, field, tokens[0])]
            else:
                queries = [tantivy.Query.phrase_query(self.schema, field, tokens)]
            weight = TITLE_WEIGHT if field == "title" else 1.0
            out += [tantivy.Query.boost_query(q, weight) if weight != 1.0 else q for q in queries]
        return out

    def _filters(self, query: BenchQuery) -> list[tuple]:
        must = []
        if query.date_from or query.date_to:
            low = day_number(query.date_from, end=False) if query.date_from else 1
            high = day_number(query.date_to, end=True) if query.date_to else 99991231
            must.append(tantivy.Query.range_query(self.schema, "date_start", tantivy.FieldType.Integer, 1, high))
            must.append(tantivy.Query.range_query(self.schema, "date_end", tantivy.FieldType.Integer, low, None))
        for name, values in query.filters:
            must.append(tantivy.Query.term_set_query(self.schema, name, list(values)))
        return [(tantivy.Occur.Must, q) for q in must]

    def _top(self, text: tantivy.Query, hits) -> list[dict]:
        """Highlight only the ten winners, with the text part of the query (filters mark no words)."""
        if not hits:
            return []
        titles = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "title")
        titles.set_max_num_chars(1000)
        bodies = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "body")
        bodies.set_max_num_chars(SNIPPET_CHARS)
        out = []
        for score, address in hits:
            doc = self.searcher.doc(address)
            title = titles.snippet_from_doc(doc).to_html() or _first(doc, "title")
            out.append({"id": _first(doc, "id"), "title": title, "snippet": bodies.snippet_from_doc(doc).to_html(),
                        "score": score})
        return out

    def _counts(self, query: tantivy.Query) -> dict[str, list[tuple[str, int]]]:
        spec = {name: {"terms": {"field": name, "size": FACET_BUCKETS}} for name in COUNTED_FACETS}
        found = self.searcher.aggregate(query, spec)
        return {name: [(bucket["key"], bucket["doc_count"]) for bucket in found[name]["buckets"]]
                for name in COUNTED_FACETS}


def _first(doc: tantivy.Document, field: str) -> str:
    values = doc[field]
    return values[0] if values else ""
