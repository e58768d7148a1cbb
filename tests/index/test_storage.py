"""Storage's memory behaviour: opening a generation and searching it reads postings and stored fields from disk
on demand, not into the process (Whoosh's default storage copies every member file of a segment whole)."""
import random
import tracemalloc

from whoosh import query
from whoosh.filedb.filestore import FileStorage

from corpus.model import DateRange, Document
from index.build import build_full
from index.generations import live_generation
from index.storage import open_whoosh
from small_corpus import FixtureCorpus

WORDS = [f"word{i}" for i in range(3000)]


def bulky_documents(count: int = 150, words: int = 2500) -> list[Document]:
    rng = random.Random(7)
    return [Document(id=f"big/{n}", collection="big", number=str(n), title=f"Report {n}",
                     body=" ".join(rng.choice(WORDS) for _ in range(words)),
                     date=DateRange("1951-01-01", "1951-01-01", "1 January 1951", "day"))
            for n in range(count)]


def allocated_while(open_index) -> int:
    """Peak bytes Python allocates while opening an index, searching it and reading one stored record."""
    tracemalloc.start()
    try:
        index = open_index()
        with index.searcher() as searcher:
            hits = searcher.search(query.Term("body", "word42"), limit=5)
            assert hits and hits[0]["id"].startswith("big/")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_postings_and_stored_fields_stay_on_disk(tmp_path):
    build_full(FixtureCorpus(bulky_documents()), tmp_path)
    generation = live_generation(tmp_path).path
    segments = sum(p.stat().st_size for p in generation.glob("*.seg"))
    assert segments > 4 * 2**20, "the fixture must be large enough to tell the two storages apart"
    ours = allocated_while(lambda: open_whoosh(generation))
    stock = allocated_while(lambda: FileStorage(str(generation)).open_index())  # its default: mmap
    assert stock > segments * 0.8  # Whoosh's storage copies the members whole…
    assert ours < segments * 0.25  # …ours holds only the term dictionary and the small columns
