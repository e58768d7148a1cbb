"""The peer: the same records in SQLite FTS5, doing the same work per query as kwarchive.

Work per query: MATCH ranked by bm25 (title weighted), date-range overlap, facet filters, the total, the top 10
with a highlighted title and snippet(), and counts over all matches for four facets by GROUP BY.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench.queries import COUNTED_FACETS, PER_PAGE, BenchQuery, day_number, facet_values, query_parts
from corpus.authority import Authority
from corpus.model import Document

TITLE_WEIGHT = 5.0
# No porter stemmer: it stems a prefix query's terms in the index ("negotiations" → "negoti") but not the
# prefix itself, so "negotiat*" would find nothing.
TOKENIZER = "unicode61 remove_diacritics 2"

# Dates live apart from the text: a filter that reads them never pages through long bodies.
SCHEMA = f"""
CREATE TABLE docs (rowid INTEGER PRIMARY KEY, title TEXT, body TEXT);
CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, date_start INTEGER, date_end INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', content_rowid='rowid', tokenize='{TOKENIZER}');
CREATE TABLE facets (doc INTEGER, facet TEXT, value TEXT);
"""
FACET_INDEXES = """
CREATE INDEX facets_by_doc ON facets (doc, facet, value);
CREATE INDEX facets_by_value ON facets (facet, value, doc);
"""


@dataclass(frozen=True)
class FtsResult:
    total: int
    hits: list[dict]
    facets: dict[str, list[tuple[str, int]]]


def fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError:
        return False
    return True


def build(documents: list[Document], path: Path) -> None:
    """Write a fresh FTS5 database at `path` holding `documents`."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((i, d.title, d.body) for i, d in enumerate(documents, 1)))
        conn.executemany("INSERT INTO meta VALUES (?, ?, ?, ?)", (_meta(i, d) for i, d in enumerate(documents, 1)))
        conn.executemany("INSERT INTO facets VALUES (?, ?, ?)", _facet_rows(documents))
        conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        conn.executescript(FACET_INDEXES)
        conn.execute("ANALYZE")
    conn.close()


def update_one(path: Path, document: Document) -> None:
    """Replace one record in place: the FTS5 counterpart of an incremental reindex."""
    with sqlite3.connect(path) as conn:
        rowid = conn.execute("SELECT rowid FROM meta WHERE id = ?", (document.id,)).fetchone()[0]
        title, body = conn.execute("SELECT title, body FROM docs WHERE rowid = ?", (rowid,)).fetchone()
        conn.execute("INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", (rowid, title, body))
        conn.execute("UPDATE docs SET title = ?, body = ? WHERE rowid = ?", (document.title, document.body, rowid))
        conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rowid, document.title, document.body))
        conn.execute("DELETE FROM facets WHERE doc = ?", (rowid,))
        conn.executemany("INSERT INTO facets VALUES (?, ?, ?)", _facet_rows_of(rowid, document))
    conn.close()


def to_match(query: BenchQuery, authority: Authority) -> str:
    """kwarchive's query as an FTS5 MATCH expression: words OR-ed, phrases and prefixes kept, names expanded."""
    return " OR ".join(_quoted(text) + ("*" if kind == "prefix" else "")
                       for kind, text in query_parts(query, authority))


class FtsSearcher:
    """One connection, reused across queries like kwarchive's warm Searcher."""

    def __init__(self, path: Path, authority: Authority):
        self.conn = sqlite3.connect(path, isolation_level=None)  # autocommit: no read lock held between queries
        self.conn.execute("CREATE TEMP TABLE matched (rowid INTEGER PRIMARY KEY, score REAL)")
        self.authority = authority

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "FtsSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def search(self, query: BenchQuery) -> FtsResult:
        match = to_match(query, self.authority)
        where, params = _filters(query)
        join = "JOIN meta d ON d.rowid = fts.rowid" if query.date_from or query.date_to else ""
        self.conn.execute("DELETE FROM temp.matched")
        self.conn.execute(
            f"INSERT INTO temp.matched SELECT fts.rowid, bm25(fts, ?, 1.0) FROM fts {join} WHERE fts MATCH ? {where}",
            (TITLE_WEIGHT, match, *params))
        total = self.conn.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
        return FtsResult(total, self._top(match), self._counts())

    def _top(self, match: str) -> list[dict]:
        """Rank from the scores kept with the matches, then highlight only the ten winners."""
        best = [row[0] for row in self.conn.execute(
            "SELECT rowid FROM temp.matched ORDER BY score LIMIT ?", (PER_PAGE,))]
        marks = ", ".join("?" * len(best))
        rows = self.conn.execute(
            "SELECT m.id, highlight(fts, 0, '<mark>', '</mark>'), "
            "snippet(fts, 1, '<mark>', '</mark>', '…', 40), bm25(fts, ?, 1.0) AS score "
            f"FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE fts MATCH ? AND fts.rowid IN ({marks}) "
            "ORDER BY score", (TITLE_WEIGHT, match, *best))
        return [{"id": i, "title": t, "snippet": s, "score": -score} for i, t, s, score in rows]

    def _counts(self) -> dict[str, list[tuple[str, int]]]:
        marks = ", ".join("?" * len(COUNTED_FACETS))
        rows = self.conn.execute(
            f"SELECT f.facet, f.value, count(*) AS n FROM temp.matched m JOIN facets f ON f.doc = m.rowid "
            f"WHERE f.facet IN ({marks}) GROUP BY f.facet, f.value ORDER BY n DESC", COUNTED_FACETS)
        counts: dict[str, list[tuple[str, int]]] = {name: [] for name in COUNTED_FACETS}
        for facet, value, n in rows:
            counts[facet].append((value, n))
        return counts


def _filters(query: BenchQuery) -> tuple[str, list]:
    clauses, params = [], []
    if query.date_from or query.date_to:
        low = day_number(query.date_from, end=False) if query.date_from else 0
        high = day_number(query.date_to, end=True) if query.date_to else 99991231
        clauses.append("AND d.date_start > 0 AND d.date_start <= ? AND d.date_end >= ?")
        params += [high, low]
    for name, values in query.filters:
        marks = ", ".join("?" * len(values))
        # EXISTS, not `rowid IN (...)`: FTS5 would run the MATCH once per listed rowid.
        clauses.append(f"AND EXISTS (SELECT 1 FROM facets f WHERE f.doc = fts.rowid AND f.facet = ? "
                       f"AND f.value IN ({marks}))")
        params += [name, *values]
    return " ".join(clauses), params


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _ymd(iso: str) -> int:
    return int(iso.replace("-", "")) if iso else 0


def _meta(rowid: int, doc: Document) -> tuple:
    return (rowid, doc.id, _ymd(doc.date.start), _ymd(doc.date.end))


def _facet_rows(documents: list[Document]):
    for rowid, doc in enumerate(documents, 1):
        yield from _facet_rows_of(rowid, doc)


def _facet_rows_of(rowid: int, doc: Document):
    for facet, values in facet_values(doc).items():
        for value in values:
            yield rowid, facet, value
