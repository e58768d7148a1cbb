"""Costly searches take turns: one per client, a few at once in the whole service, 429 with Retry-After when no
turn comes in time; ordinary searches never wait for a turn."""
from __future__ import annotations

import hashlib

import pytest

from web.app import create_app
from web.fairness import TooManyCostly, slots_dir, turn


@pytest.fixture
def folder(tmp_path):
    return tmp_path


def test_one_costly_search_per_client_and_a_limited_number_at_once(folder):
    with turn(folder, 1, 0.0, "10.0.0.1"):
        with pytest.raises(TooManyCostly, match="already have a costly search"):
            with turn(folder, 1, 0.0, "10.0.0.1"):
                pass
        with pytest.raises(TooManyCostly, match="busy with other costly searches"):
            with turn(folder, 1, 0.1, "10.0.0.2"):
                pass
        with turn(folder, 2, 0.0, "10.0.0.2"):  # a second slot is a second turn
            pass
    with turn(folder, 1, 0.0, "10.0.0.2"):  # released when the first search ended
        pass


def test_a_costly_search_without_a_turn_answers_429_and_a_cheap_one_still_runs(index_root):
    # 'Kaesong' reads ~60 postings (a place: its word, its entity, the documents listing it); 'ar* st*' thousands
    app = create_app({"INDEX": str(index_root), "TESTING": True, "EXPENSIVE_COST": 200, "EXPENSIVE_WAIT": 0.1})
    client = app.test_client()
    with turn(slots_dir(str(index_root)), 1, 0.0, "someone else"):
        busy = client.get("/api/search?q=ar*+st*")
        assert busy.status_code == 429 and busy.headers["Retry-After"]
        assert "costly searches" in busy.get_json()["error"]["message"]
        assert client.get("/api/search?q=Kaesong").status_code == 200
    assert client.get("/api/search?q=ar*+st*").status_code == 200


def test_the_cost_counts_expanded_terms(index_root):
    app = create_app({"INDEX": str(index_root), "TESTING": True})
    with app.app_context():
        from web.services import get_searcher
        from search.request import SearchRequest

        searcher = get_searcher()
        assert searcher.cost(SearchRequest(q="ar*")) > searcher.cost(SearchRequest(q="armistice")) > 0
        assert searcher.cost(SearchRequest()) == 0


def test_a_search_reading_a_few_postings_per_document_is_ordinary_at_any_index_size(index_root):
    """At 100,000 documents 'Stalin' reads 315,000 postings (every spelling, in every field where a name goes):
    over a fixed threshold, so ordinary searches got 429 while someone's prefixes held the turn. What is costly is
    reading many more postings than there are documents: 'Stalin' reads ~2 per document, 'ar* st*' ~13."""
    app = create_app({"INDEX": str(index_root), "TESTING": True, "EXPENSIVE_COST": 200, "EXPENSIVE_WAIT": 0.1})
    client = app.test_client()
    with turn(slots_dir(str(index_root)), 1, 0.0, "someone else"):
        assert client.get("/api/search?q=Stalin").status_code == 200  # ~500 postings: over 200, under 5 × 250
        assert client.get("/api/search?q=ar*+st*").status_code == 429


def test_a_worker_busy_with_a_search_leaves_new_connections_to_the_others(index_root, tmp_path):
    """Searches run one at a time in a worker process. At a million documents one worker had taken all 8 of a
    client's keep-alive connections and did all the searching (51.6 s of CPU in a minute, the other 0.1 s), so
    concurrency 8 ran on one core. A worker with a search under way accepts no new connection."""
    import http.client

    from soak import server as servers

    env = {"KWARCHIVE_EXPENSIVE_COST": "200", "KWARCHIVE_EXPENSIVE_WAIT": "3"}
    with servers.start(index_root, tmp_path / "gunicorn.log", workers=2, extra_env=env) as server:
        port = int(server.base.rsplit(":", 1)[1])
        with turn(slots_dir(str(index_root)), 1, 0.0, "someone else"):  # the costly search below waits in its worker
            waiting = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                waiting.request("GET", "/api/search?q=ar*+st*")
                _wait_until_held(slots_dir(str(index_root)) / f"client-{hashlib.sha1(b'127.0.0.1').hexdigest()[:16]}")
                busy = _worker_with(server.worker_pids(), waiting.sock.getsockname()[1])
                others = []
                for _ in range(6):
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    try:
                        probe.request("GET", "/api/search?q=Kaesong")
                        assert probe.getresponse().status == 200
                        others.append(_worker_with(server.worker_pids(), probe.sock.getsockname()[1]))
                    finally:
                        probe.close()
                assert busy is not None and len(others) == 6 and busy not in others
            finally:
                waiting.close()


def _wait_until_held(path, seconds: float = 10) -> None:
    """Until some process flocks `path` (a costly search has reached its turn's door), read from /proc/locks so
    that looking never takes the lock from the server."""
    import os
    import time
    from pathlib import Path

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            inode = f":{os.stat(path).st_ino} "
            if any(" FLOCK " in line and inode in line for line in Path("/proc/locks").read_text().splitlines()):
                return
    raise AssertionError(f"nobody took {path}")


def _worker_with(pids: list[int], client_port: int) -> int | None:
    """The worker process holding the server side of the connection from `client_port`."""
    import psutil

    for pid in pids:
        if any(c.raddr and c.raddr.port == client_port for c in psutil.Process(pid).net_connections("tcp")):
            return pid
    return None


def test_a_costly_search_may_run_past_the_request_budget_once_it_has_its_turn(index_root):
    """Stopped at the 10 s request budget (503), a costly search at a million documents ("prisoners of war" the
    first time in a worker, 9 s of decoding) also cost its worker every cache it had warmed, so under load it
    was stopped again in the next worker. It has a budget of its own, its wait for a turn included."""
    import threading

    app = create_app({"INDEX": str(index_root), "TESTING": True, "EXPENSIVE_COST": 200, "EXPENSIVE_WAIT": 5.0,
                      "REQUEST_DEADLINE": 0.3})
    client = app.test_client()
    held = turn(slots_dir(str(index_root)), 1, 0.0, "someone else")
    held.__enter__()
    threading.Timer(0.8, held.__exit__, (None, None, None)).start()  # the turn comes after the request budget
    assert client.get("/api/search?q=ar*+st*").status_code == 200
