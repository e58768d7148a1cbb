"""Written exports are kept on disk and sent again without being written again: once per generation, format,
search and public address, shared by every thread and worker, within a byte budget."""
from __future__ import annotations

import threading

import pytest

from search.searcher import Searcher
from web.app import create_app
from web.export_spool import Spool


@pytest.fixture
def writes(monkeypatch):
    """The searches an export's writing started (each `every_document` call is one export written)."""
    started = []
    real = Searcher.every_document

    def counted(self, request, **kwargs):
        started.append(request.to_query_string())
        return real(self, request, **kwargs)

    monkeypatch.setattr(Searcher, "every_document", counted)
    return started


def spooled_client(index_root, folder, **config):
    return create_app({"INDEX": str(index_root), "TESTING": True, "EXPORT_SPOOL": str(folder), **config}).test_client()


def test_the_same_export_is_written_once_and_sent_whole_again(index_root, tmp_path, writes):
    client = spooled_client(index_root, tmp_path)
    first = client.get("/search?q=armistice&format=csv")
    again = spooled_client(index_root, tmp_path).get("/search?q=armistice&format=csv")  # another worker's app
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and int(again.headers["Content-Length"]) == len(first.data)
    assert again.headers["X-Kwarchive-Rows"] == first.headers["X-Kwarchive-Rows"] != "0"
    assert len(writes) == 1
    client.get("/search?q=armistice&format=ris")
    client.get("/search?q=armistice&format=csv&type=telegram")
    other_site = spooled_client(index_root, tmp_path, BASE_URL="https://archive.example.org")
    assert b"https://archive.example.org/doc/" in other_site.get("/search?q=armistice&format=csv").data
    assert len(writes) == 4, "another format, search or public address is another file"


def test_a_crowd_asking_for_a_new_export_at_once_waits_for_one_file(index_root, tmp_path, writes):
    bodies = []

    def download():
        bodies.append(spooled_client(index_root, tmp_path).get("/search?format=json").data)

    crowd = [threading.Thread(target=download) for _ in range(6)]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join(timeout=60)
    assert len(bodies) == 6 and len(set(bodies)) == 1 and bodies[0].startswith(b'{"query"')
    assert len(writes) == 1


def test_the_spool_keeps_to_its_byte_budget_and_zero_keeps_nothing(index_root, tmp_path, writes):
    budget = 400_000
    client = spooled_client(index_root, tmp_path, EXPORT_SPOOL_BYTES=budget)
    sizes = [len(client.get(f"/search?format={fmt}").data) for fmt in ("json", "csv", "ris", "bibtex", "csljson")]
    assert sum(sizes) > 2 * budget, "the exports together overflow the budget"
    kept = [p for p in tmp_path.iterdir() if not p.name.startswith("lock-")]
    assert kept and sum(p.stat().st_size for p in kept) <= budget
    assert len(client.get("/search?format=csljson").data) == sizes[-1] and len(writes) == 5, "the newest is kept"
    nothing = spooled_client(index_root, tmp_path, EXPORT_SPOOL_BYTES=0)
    assert len(nothing.get("/search?format=csljson").data) == sizes[-1] and len(writes) == 6


def test_a_spooled_export_counts_against_a_lowered_row_limit(index_root, tmp_path):
    assert spooled_client(index_root, tmp_path).get("/search?format=csv").status_code == 200
    assert spooled_client(index_root, tmp_path, EXPORT_MAX_ROWS=5).get("/search?format=csv").status_code == 413


def test_a_written_file_is_renamed_into_place_whole(tmp_path):
    spool = Spool(tmp_path, 10_000)

    def chunks():
        yield b"a,b\r\n"
        assert not (tmp_path / "k1").exists(), "nobody sees a file still being written"
        yield b"1,2\r\n"

    entry = spool.write("k1", 1, chunks())
    with entry.handle:
        assert (entry.rows, entry.size, entry.handle.read()) == (1, 10, b"a,b\r\n1,2\r\n")
    again = spool.open("k1")
    with again.handle:
        assert (again.rows, again.handle.read()) == (1, b"a,b\r\n1,2\r\n")

    def broken():
        yield b"x"
        raise RuntimeError("the writer died")

    with pytest.raises(RuntimeError):
        spool.write("k2", 1, broken())
    assert spool.open("k2") is None and not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]


def test_a_shared_directory_someone_else_could_write_to_is_refused(tmp_path):
    from web.shared_dirs import shared_dir

    folder = shared_dir(str(tmp_path / "index"), "exports-test")
    try:
        assert shared_dir(str(tmp_path / "index"), "exports-test") == folder
        folder.chmod(0o777)
        with pytest.raises(PermissionError, match="not a private directory"):
            shared_dir(str(tmp_path / "index"), "exports-test")
    finally:
        folder.rmdir()
