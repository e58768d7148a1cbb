"""Columns carried over segment by segment through incremental updates equal columns computed from scratch."""
from whoosh import index as whoosh_index

from index.build import build_full, build_incremental
from index.columns import compute_columns, load_columns
from index.generations import live_generation
from small_corpus import FixtureCorpus, changed, small_documents


def per_document(columns):
    """Everything a search reads, by document id, independent of value-table order."""
    table = {}
    for docnum, doc_id in enumerate(columns.ids):
        if not doc_id:
            continue
        facets = {name: sorted(facet.values_of(docnum)) for name, facet in columns.facets.items()}
        table[doc_id] = (bool(columns.live[docnum]), int(columns.date_start[docnum]), int(columns.date_end[docnum]),
                         columns.content_hashes[docnum], facets)
    return table


def from_scratch(root, corpus):
    live = live_generation(root)
    with whoosh_index.open_dir(str(live.path)).reader() as reader:
        saved = load_columns(live.path)
        hashes = {doc_id: h for doc_id, h in zip(saved.ids, saved.content_hashes) if doc_id}
        return compute_columns(reader, {doc.id: doc for doc in corpus.documents}, hashes)


def test_incremental_columns_equal_a_full_computation_across_merges(tmp_path):
    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    segment_counts = []
    for round_ in range(9):  # enough one-document segments for Whoosh to merge small ones
        target = round_ % len(documents)
        documents[target] = changed(documents[target], body=f"{documents[target].body} revision {round_}",
                                    doc_type=("memorandum" if round_ % 2 else documents[target].doc_type),
                                    places=(("Kaesong",) if round_ == 4 else documents[target].places))
        if round_ == 3:
            documents = documents[:-1]
        if round_ == 6:
            documents.append(changed(documents[0], id="fx/9", number="9", people=("Andrei Vyshinsky",)))
        corpus = FixtureCorpus(documents)
        assert build_incremental(corpus, tmp_path).mode == "incremental"
        live = live_generation(tmp_path)
        saved = load_columns(live.path)
        assert per_document(saved) == per_document(from_scratch(tmp_path, corpus))
        assert sorted(i for i in saved.ids if i) == sorted(d.id for d in documents)
        for facet in saved.facets.values():  # no value left behind by a deleted or changed document
            used = set(facet.value_ids.tolist())
            assert used == set(range(len(facet.values)))
        segment_counts.append(len(whoosh_index.open_dir(str(live.path))._segments()))
    assert any(after < before for before, after in zip(segment_counts, segment_counts[1:]))  # Whoosh merged


def test_columns_from_an_older_kwarchive_ask_for_a_reindex_and_incremental_rebuilds_in_full(tmp_path):
    import json

    import pytest

    from index.errors import IndexUnavailable

    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    tables_path = live_generation(tmp_path).path / "columns.json"
    tables = json.loads(tables_path.read_text(encoding="utf-8"))
    del tables["facets"]["versions"]
    tables_path.write_text(json.dumps(tables), encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="older kwarchive.*kwarchive reindex"):
        load_columns(live_generation(tmp_path).path)
    documents[0] = changed(documents[0], body="An edited body.")
    summary = build_incremental(FixtureCorpus(documents), tmp_path)
    assert summary.mode == "full" and summary.documents == len(documents)
    assert "versions" in load_columns(live_generation(tmp_path).path).facets
