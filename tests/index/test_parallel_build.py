"""The parallel full build (forked workers, one segment each) indexes exactly what the serial build does."""
import pytest

from index.build import build_full
from index.columns import load_columns
from index.generations import live_generation, open_live_index
from small_corpus import FixtureCorpus, small_documents


def index_contents(root):
    """Every (field, term) -> sorted (document id, weight, value) postings, plus stored fields by id."""
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
            postings[(field, term)] = sorted(found)
    return postings, stored


def test_parallel_build_matches_serial_build(tmp_path):
    corpus = FixtureCorpus()
    serial = build_full(corpus, tmp_path / "serial", procs=1)
    seen = []
    parallel = build_full(corpus, tmp_path / "parallel", lambda done, total: seen.append((done, total)), procs=2)
    assert serial.documents == parallel.documents == len(corpus.documents)
    with open_live_index(tmp_path / "parallel").reader() as reader:
        assert len(reader.leaf_readers()) == 2
    postings, stored = index_contents(tmp_path / "serial")
    assert len(stored) == 7 and ("body", b"ent:kim-il-sung") in postings
    assert (postings, stored) == index_contents(tmp_path / "parallel")
    assert sorted(load_columns(live_generation(tmp_path / "parallel").path).content_hashes) == \
        sorted(load_columns(live_generation(tmp_path / "serial").path).content_hashes)
    assert seen[-1] == (len(corpus.documents), len(corpus.documents))


def test_a_failing_worker_fails_the_build_and_keeps_nothing(tmp_path):
    corpus = FixtureCorpus(small_documents())
    corpus.documents[-1] = None  # not a Document: the worker holding it raises
    with pytest.raises(RuntimeError, match="index worker failed"):
        build_full(corpus, tmp_path, procs=2)
    assert live_generation(tmp_path) is None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
