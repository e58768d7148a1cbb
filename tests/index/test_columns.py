"""Columns carried over segment by segment through incremental updates (and merges) equal the columns of a full
build; loaded columns are memory-mapped."""
import numpy as np
from whoosh import index as whoosh_index

from index.build import build_full, build_incremental
from index.columns import load_columns
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
    build_full(corpus, root)
    return load_columns(live_generation(root).path)


def test_incremental_columns_equal_a_full_computation_across_merges(tmp_path):
    documents = small_documents()
    root = tmp_path / "updated"
    build_full(FixtureCorpus(documents), root)
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
        assert build_incremental(corpus, root).mode == "incremental"
        live = live_generation(root)
        saved = load_columns(live.path)
        assert per_document(saved) == per_document(from_scratch(tmp_path / f"fresh-{round_}", corpus))
        assert sorted(i for i in saved.ids if i) == sorted(d.id for d in documents)
        for facet in saved.facets.values():  # no value left behind by a deleted or changed document
            used = set(facet.value_ids.tolist())
            assert used == set(range(len(facet.values)))
        segment_counts.append(len(whoosh_index.open_dir(str(live.path))._segments()))
    assert any(after < before for before, after in zip(segment_counts, segment_counts[1:]))  # small ones merged


def test_columns_from_an_older_kwarchive_ask_for_a_reindex_and_incremental_rebuilds_in_full(tmp_path):
    """A generation written by kwarchive before memory-mapped columns (one columns.npz, tables in columns.json):
    searching it asks for a reindex, and an incremental reindex rebuilds in full."""
    import json

    import numpy as np
    import pytest

    from index.errors import IndexUnavailable

    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    generation = live_generation(tmp_path).path
    columns = load_columns(generation)
    old_tables = {"ids": list(columns.ids), "content_hashes": list(columns.content_hashes),
                  "facets": {name: list(facet.values) for name, facet in columns.facets.items()}}
    old_arrays = {"live": np.array(columns.live), "date_start": np.array(columns.date_start),
                  "date_end": np.array(columns.date_end)}
    for path in generation.glob("columns.*"):  # the format since: columns.json + columns.bin
        path.unlink()
    np.savez(generation / "columns.npz", **old_arrays)
    (generation / "columns.json").write_text(json.dumps(old_tables), encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="older kwarchive.*kwarchive reindex"):
        load_columns(generation)
    documents[0] = changed(documents[0], body="An edited body.")
    summary = build_incremental(FixtureCorpus(documents), tmp_path)
    assert summary.mode == "full" and summary.documents == len(documents)
    assert "versions" in load_columns(live_generation(tmp_path).path).facets
    assert not list(live_generation(tmp_path).path.glob("columns.npz"))


def test_loaded_columns_are_memory_mapped_not_copied(tmp_path):
    """Every array of loaded columns, string tables included, is a read-only view of the mapped columns file,
    so the page cache holds one copy for every worker."""
    import mmap

    build_full(FixtureCorpus(small_documents()), tmp_path)
    columns = load_columns(live_generation(tmp_path).path)
    arrays = {"live": columns.live, "date_start": columns.date_start, "date_end": columns.date_end,
              "ids": columns.ids.data, "ids offsets": columns.ids.offsets, "titles": columns.title_keys.data}
    arrays |= {f"orders.{name}": value for name, value in vars(columns.orders).items()}
    for name, facet in columns.facets.items():
        arrays |= {f"{name}.offsets": facet.offsets, f"{name}.value_ids": facet.value_ids,
                   f"{name}.values": facet.values.data}
    for name, array in arrays.items():
        assert isinstance(array, np.ndarray) and not array.flags.writeable, name
        assert isinstance(mapping_of(array), mmap.mmap), f"{name} is a copy, not a mapped file"


def mapping_of(array):
    """What a numpy array's memory belongs to, through any views (an mmap.mmap for a memory-mapped file)."""
    while isinstance(array, (np.ndarray, memoryview)):
        array = array.base if isinstance(array, np.ndarray) else array.obj
    return array


def test_columns_find_documents_by_id_and_keep_the_orders_searches_sort_by(tmp_path):
    documents = small_documents()
    build_full(FixtureCorpus(documents), tmp_path)
    columns = load_columns(live_generation(tmp_path).path)
    for docnum, doc_id in enumerate(columns.ids):
        assert columns.docnum_of(doc_id) == docnum
    assert columns.docnum_of("fx/nothing") is None and columns.docnum_of("") is None
    by_title = sorted(range(len(columns.ids)), key=lambda n: columns.orders.title_rank[n])
    assert [columns.title_keys[n] for n in by_title] == sorted(columns.title_keys)
    assert sorted(columns.orders.title_rank.tolist()) == list(range(len(columns.ids)))


def test_version_groups_are_connected_components_labelled_by_their_smallest_docnum():
    from index.columns import _components

    a, b = np.array([5, 3, 1, 7], dtype=np.int64), np.array([3, 7, 2, 6], dtype=np.int64)  # a chain 5-3-7-6
    assert _components(9, a, b).tolist() == [0, 1, 1, 3, 4, 3, 3, 3, 8]
    assert _components(3, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == [0, 1, 2]
