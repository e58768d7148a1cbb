"""A page of a very long record is capped (one part of the text) and the worker that served it gives the memory
back: before, a 50 MB record's page ran into the request deadline and left its worker at 1.5 GB."""
from __future__ import annotations

import json
import os
import urllib.request

from soak import server as servers

MB = 2**20
# What a worker may keep after the huge pages: allocator noise measured 0–9 MB on a quiet machine; without the
# capped page and the trim it kept 68 MB.
SETTLED = 16 * MB


def resident(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fetch(base: str, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.status, response.read()


def test_a_huge_record_page_is_capped_and_its_worker_gives_the_memory_back(huge_index, tmp_path):
    env = {"KWARCHIVE_THREADS": "4", "KWARCHIVE_TRIM_AFTER_MB": "8", "KWARCHIVE_REQUEST_DEADLINE": "60"}
    with servers.start(huge_index, tmp_path / "gunicorn.log", workers=1, extra_env=env) as server:
        worker = server.worker_pids()[0]
        hits = json.loads(fetch(server.base, "/api/search?q=Stalin")[1])["hits"]
        ordinary = next(hit["id"] for hit in hits if not hit["id"].startswith("rel-huge/"))
        for _ in range(3):  # templates compiled, caches warm: what every worker holds anyway
            fetch(server.base, f"/doc/{ordinary}?q=Stalin")
            fetch(server.base, "/api/search?q=armistice")
        before = resident(worker)
        for part in (1, 2, 40):
            status, page = fetch(server.base, f"/doc/rel-huge/1?q=armistice&part={part}")
            assert status == 200 and len(page) < 400_000 and b'href="/doc/rel-huge/1/text"' in page
        after = settled(server.base, f"/doc/{ordinary}", worker, below=before + SETTLED)
        assert server.worker_pids() == [worker]
    # Reading the six-million-character record is ~40 MB of text, JSON and decompression buffers each time. When the
    # page split all of it into paragraphs and nothing trimmed, the worker stayed 68 MB larger.
    assert after < before + SETTLED, f"the worker grew from {before / MB:.0f} MB to {after / MB:.0f} MB"


def settled(base: str, path: str, worker: int, below: int, requests: int = 20) -> int:
    """The worker's resident size once it is under `below`, asking for `path` meanwhile (a worker hands memory
    back at the end of a request, just after its answer has gone out); at most `requests` times."""
    for _ in range(requests):
        fetch(base, path)
        size = resident(worker)
        if size < below:
            break
    return size
