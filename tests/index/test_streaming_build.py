"""The streaming build (shards read twice, one segment per shard, versions linked from profiles) indexes exactly
what a build of the whole corpus in memory does."""
import itertools
import json

import pytest

from corpus.loader import load_corpus
from corpus.shards import plan_shards, scan_in_process
from index.build import build_full, build_streaming
from index.columns import load_columns
from index.generations import live_generation, open_live_index
from small_corpus import FixtureCorpus, small_documents

SHARD = 4  # records per shard: every collection file is cut several times


def index_contents(root):
    """Every (field, term) -> sorted (document id, weight, value) postings, plus stored fields by id (a term
    left only in deleted documents, which an update keeps in its segment's term table, has no postings)."""
    with open_live_index(root).reader() as reader:
        ids = {n: fields["id"] for n, fields in reader.iter_docs()}
        stored = {fields["id"]: fields for _, fields in reader.iter_docs()}
        postings = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            found = []
            while matcher.is_active():
                found.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            if found:
                postings[(field, term)] = sorted(found)
    return postings, stored


def columns_by_id(root):
    columns = load_columns(live_generation(root).path)
    return {doc_id: (columns.content_hashes[n], int(columns.date_start[n]), columns.docnum_of(doc_id) == n,
                     {name: facet.values_of(n) for name, facet in columns.facets.items()})
            for n, doc_id in enumerate(columns.ids) if doc_id}


def _record(number, day, sender, recipient, body):
    return {"number": str(number), "title": f"Telegram from {sender} to {recipient}", "doc_type": "telegram",
            "date": {"start": day, "end": day, "label": day, "precision": "day"}, "senders_raw": [sender],
            "recipients_raw": [recipient], "body": body, "language": "en"}


def write_two_collections(root):
    """Collections `cables` and `reader` (13 records each) that print the same five telegrams (versions across
    shards and collections); `cables` uses number 3 twice, in different shards."""
    texts = [f"Comrade, the {word} question of the armistice talks at Kaesong must be settled before the "
             f"{word} session; report on the positions of the delegations and the airfields at once."
             for word in ("first", "second", "third", "fourth", "fifth")]
    for slug, offset in (("cables", 0), ("reader", 100)):
        folder = root / slug
        folder.mkdir(parents=True)
        (folder / "collection.toml").write_text(f'slug = "{slug}"\ntitle = "{slug}"\ncitation = "tests"\n'
                                                'language = "en"\n', encoding="utf-8")
        lines = []
        for n in range(1, 13):
            day = f"1951-07-{n:02d}"
            body = texts[n - 1] if n <= len(texts) else f"A note on supplies, number {n + offset}, for Pyongyang."
            lines.append(_record(n + offset, day, "Filippov", "Mao Zedong", body))
        if slug == "cables":
            lines.append(_record(3, "1952-01-01", "Kim Il Sung", "Stalin", "A second record numbered 3."))
        (folder / "documents.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def two_collections(tmp_path_factory):
    return write_two_collections(tmp_path_factory.mktemp("two-collections"))


def test_streaming_build_matches_the_build_of_the_corpus_in_memory(two_collections, tmp_path):
    corpus = load_corpus(two_collections)
    build_full(corpus, tmp_path / "memory")
    seen = []
    summary = build_streaming(plan_shards(two_collections, SHARD), tmp_path / "streamed",
                              lambda done, total: seen.append((done, total)))
    assert summary.documents == len(corpus.documents) == 24
    with open_live_index(tmp_path / "streamed").reader() as reader:
        # 13 and 12 lines cut every 4: 4 + 3 shards; the 13th line of cables is left out, so no segment of its own
        assert len(reader.leaf_readers()) == 6
    assert index_contents(tmp_path / "streamed") == index_contents(tmp_path / "memory")
    assert columns_by_id(tmp_path / "streamed") == columns_by_id(tmp_path / "memory")
    streamed, memory = (live_generation(tmp_path / name).meta for name in ("streamed", "memory"))
    assert streamed["corpus_hash"] == memory["corpus_hash"] == corpus.corpus_hash()
    assert seen[-1] == (24, 24)
    versions = {doc.id: doc.versions for doc in corpus.documents if doc.versions}
    assert versions["cables/5"] == ("reader/105",) and versions["reader/105"] == ("cables/5",)


def test_a_number_used_again_in_a_later_shard_is_reported_and_left_out(two_collections):
    scan = scan_in_process(plan_shards(two_collections, SHARD))
    assert [str(p) for p in scan.problems] == [
        f"{two_collections / 'cables' / 'documents.jsonl'}:13: number: 3 is already used on line 3; "
        "this record is skipped"]
    assert scan.documents == 24 and scan.skipped == "1 record"
    assert [str(p) for p in load_corpus(two_collections).problems] == [str(p) for p in scan.problems]
    kept = [doc for work in scan.work for doc in work.documents() if doc.id == "cables/3"]
    assert [doc.date.start for doc in kept] == ["1951-07-03"]


@pytest.mark.parametrize("ending", ["\n", ""])
def test_shards_cover_every_line_once(tmp_path, ending):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "collection.toml").write_text('slug = "c"\ntitle = "c"\ncitation = "t"\nlanguage = "en"\n')
    (folder / "documents.jsonl").write_text("\n".join(f"line {n}" for n in range(1, 11)) + ending)
    shards = plan_shards(tmp_path, 4).shards
    assert [(s.first_line, s.lines) for s in shards] == [(1, 4), (5, 4), (9, 2)]
    data = (folder / "documents.jsonl").read_bytes()
    pieces = [data[s.start:None if s.stop < 0 else s.stop] for s in shards]
    assert b"".join(pieces) == data and pieces[1].startswith(b"line 5\n")


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_plan_recut_from_its_line_starts_equals_one_planned_at_that_size(tmp_path, ending, monkeypatch):
    """A reindex cuts its shards again once it knows its workers: without reading the files a second time."""
    for slug, count in (("a", 10), ("b", 0), ("c", 1)):
        folder = tmp_path / slug
        folder.mkdir()
        (folder / "collection.toml").write_text(f'slug = "{slug}"\ntitle = "t"\ncitation = "t"\nlanguage = "en"\n')
        (folder / "documents.jsonl").write_text("\n".join(f"line {n}" for n in range(1, count + 1)) + ending)
    plan = plan_shards(tmp_path, 20_000)
    expected = {size: plan_shards(tmp_path, size) for size in (1, 3, 4, 9, 10, 11)}
    monkeypatch.setattr("builtins.open", None)  # recutting opens no file
    for size, planned in expected.items():
        assert plan.recut(size) == planned and plan.recut(size).lines == planned.lines == plan.lines


class RetriedFirstTask:
    """A runner that runs the first task twice and keeps the second result, as a Dask scheduler does when the
    worker running it dies after it wrote part of its segment."""

    workers = 1

    def run(self, task, items, *args, report=None):
        for position, item in enumerate(items):
            if position == 0:
                task(item, *args)  # its segment's files stay behind, named by no TOC
            yield position, task(item, *args)


def test_segments_of_a_task_run_again_are_not_kept(two_collections, tmp_path):
    build_streaming(plan_shards(two_collections, SHARD), tmp_path, runner=RetriedFirstTask())
    generation = live_generation(tmp_path)
    with open_live_index(tmp_path).reader() as reader:
        committed = {leaf.segment().segid for leaf, _offset in reader.leaf_readers()}
        assert reader.doc_count() == 24
    assert {p.name.split(".")[0].removeprefix("MAIN_") for p in generation.path.glob("MAIN_*")} == committed


def test_a_failing_shard_fails_the_build_and_keeps_nothing(tmp_path):
    corpus = FixtureCorpus(small_documents())
    corpus.documents[-1] = None  # not a Document: the shard task holding it raises
    with pytest.raises(AttributeError):
        build_full(corpus, tmp_path)
    assert live_generation(tmp_path) is None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- incremental reindex through the shards -------------------------------------------------------------------

QUERIES = ["armistice", '"armistice talks"', "supplies Pyongyang", "Kaesong", "delegations", "second record",
           "correction", "sender:stalin"]


def answers(root):
    """Totals, hits in order and facet counts a reader sees for QUERIES. Hits of equal score are compared as a
    set: a search orders them by docnum, which an update changes; and scores are not compared, since Whoosh's
    statistics (field lengths, document frequencies) still count documents an update deleted."""
    from search.request import SearchRequest
    from search.searcher import Searcher

    searcher = Searcher(root)
    try:
        found = {}
        for q in QUERIES:
            result = searcher.search(SearchRequest.from_args({"q": [q], "per_page": ["100"]}))
            facets = {name: sorted((e["value"], e["count"]) for e in entries)
                      for name, entries in result.facets.items()}
            ties = itertools.groupby(result.hits, key=lambda hit: round(hit.score, 6))
            hits = [sorted(hit.id for hit in tied) for _score, tied in ties]
            found[q] = (result.total, result.total_documents, hits, facets)
        return found
    finally:
        searcher.close()


def version_groups(root):
    """Each live document's version group, as the set of ids the columns group it with."""
    columns = load_columns(live_generation(root).path)
    members = {}
    for n, doc_id in enumerate(columns.ids):
        if doc_id:
            members.setdefault(int(columns.orders.groups[n]), set()).add(doc_id)
    return {doc_id: frozenset(group) for group in members.values() for doc_id in group}


def rewrite(corpus, slug, change):
    """Rewrite collection `slug`'s documents.jsonl: `change(records)` returns the new list of records."""
    path = corpus / slug / "documents.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in change(records)), encoding="utf-8")


def edited(number, **fields):
    def change(records):
        return [{**r, **fields} if r["number"] == str(number) else r for r in records]
    return change


def test_an_incremental_reindex_indexes_what_a_full_build_of_the_changed_corpus_does(tmp_path):
    corpus = write_two_collections(tmp_path / "corpus")
    index = tmp_path / "index"
    build_streaming(plan_shards(corpus, SHARD), index)
    leave = {"start": "1952-02-02", "end": "1952-02-02", "label": "1952-02-02", "precision": "day"}
    back = {"start": "1951-07-12", "end": "1951-07-12", "label": "1951-07-12", "precision": "day"}
    steps = [  # (what happens, the change, (added, updated, deleted))
        ("a record edited", lambda: rewrite(corpus, "reader", edited(112, title="A correction of the supplies note")),
         (0, 1, 0)),
        ("a record added", lambda: rewrite(corpus, "cables", lambda rs: rs + [_record(
            20, "1953-05-05", "Mao Zedong", "Filippov", "A correction about the prisoners at Kaesong.")]), (1, 0, 0)),
        ("a record deleted", lambda: rewrite(corpus, "cables", lambda rs: [r for r in rs if r["number"] != "9"]),
         (0, 0, 1)),
        # reader/111, its copy, loses its version although its own record did not change
        ("a record leaves its version group", lambda: rewrite(corpus, "cables", edited(12, date=leave)), (0, 2, 0)),
        ("a record joins a version group", lambda: rewrite(corpus, "cables", edited(12, date=back)), (0, 2, 0)),
        # linking pairs the telegrams of 5-8 July anew: seven records whose own text did not change are rewritten
        ("a redated record relinks its neighbours", lambda: rewrite(corpus, "cables", edited(5, date=leave)),
         (0, 8, 0)),
    ]
    for step, (what, change, counts) in enumerate(steps):
        change()
        summary = build_streaming(plan_shards(corpus, SHARD), index, incremental=True)
        assert (summary.mode, summary.added, summary.updated, summary.deleted) == ("incremental", *counts), what
        fresh = tmp_path / f"fresh-{step}"
        build_streaming(plan_shards(corpus, SHARD), fresh)
        assert index_contents(index) == index_contents(fresh), what
        assert columns_by_id(index) == columns_by_id(fresh), what
        assert version_groups(index) == version_groups(fresh), what
        got, expected = answers(index), answers(fresh)
        for q in QUERIES:
            assert got[q] == expected[q], f"{what} {q} {got[q]} {expected[q]}"
        assert live_generation(index).meta["corpus_hash"] == live_generation(fresh).meta["corpus_hash"] == \
            load_corpus(corpus).corpus_hash()
        assert summary.documents == live_generation(fresh).meta["documents"]
    groups = version_groups(index)
    assert groups["cables/12"] == {"cables/12", "reader/111"} and groups["cables/5"] == {"cables/5"}
    assert build_streaming(plan_shards(corpus, SHARD), index, incremental=True).mode == "unchanged"
