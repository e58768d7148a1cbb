"""What a served gunicorn worker holds: the index generation is memory-mapped (one copy in the page cache for every
worker), and serving many distinct searches, facets and exports grows a worker's private memory by a bounded
amount (its caches are bounded by bytes; nothing grows per request)."""
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psutil

from bench.http_load import request_paths
from bench.memory import worker_memory
from bench.queries import query_mix

GROWTH_MB = 40  # private memory a warmed worker may add over the requests below (about 12 MB measured)
WARMUP_ROUNDS = 2
WORDS = ("Stalin", "armistice", "Kim", "Seoul", "prisoners", "Korea", "Mao", "air force", "Shtykov", "Zhou")


def get_all(base: str, paths: list[str], clients: int = 4) -> list[int]:
    """GET every path with `clients` concurrent clients (so every worker gets some); the statuses."""
    pending, statuses, lock = list(paths), [], threading.Lock()

    def client():
        while True:
            with lock:
                if not pending:
                    return
                path = pending.pop()
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def distinct_requests(rounds: int) -> list[str]:
    """Searches that miss the result cache (each round its own page size), sorted every way, facet windows and
    exports; the first rounds of a longer list are the shorter list."""
    paths = request_paths(query_mix(), len(query_mix()) * rounds)
    for i, word in enumerate(WORDS[:rounds * 3]):
        for sort in ("title", "collection", "date_desc"):
            paths.append("/search?" + urlencode({"q": word, "sort": sort, "per_page": 20 + i}))
        paths.append("/api/facet/person?" + urlencode({"q": word, "facet_q": "k"}))
        paths.append("/search?" + urlencode({"q": word, "format": "csv"}))
        paths.append("/search?" + urlencode({"q": word[:-1] + "q"}))  # a typo: "did you mean" and typo tolerance
    return paths


def index_files_mapped(pid: int, generation: Path) -> set[str]:
    return {Path(m.path).name for m in psutil.Process(pid).memory_maps() if Path(m.path).parent == generation}


def test_workers_map_the_generation_and_their_private_memory_stays_bounded(live, bundled_index):
    generation = (bundled_index / (bundled_index / "CURRENT").read_text().strip()).resolve()
    columns = {"columns.bin"}
    segments = {p.name for p in generation.glob("*.seg")}
    workers = live.worker_pids()
    assert len(workers) == 2 and columns and segments

    mapped = {}
    for _ in range(20):  # until each worker has served a search (and so opened the generation)
        assert set(get_all(live.base, distinct_requests(1)[:40])) == {200}
        mapped = {pid: index_files_mapped(pid, generation) for pid in workers}
        if all(mapped.values()):
            break
    for pid in workers:
        assert columns | segments <= mapped[pid], "a worker copied index files instead of mapping them"

    warmup, rounds = distinct_requests(WARMUP_ROUNDS), distinct_requests(WARMUP_ROUNDS + 4)
    assert set(get_all(live.base, warmup)) == {200}
    warm = {worker["pid"]: worker for worker in worker_memory(live.process.pid)}
    assert set(get_all(live.base, [path for path in rounds if path not in set(warmup)])) == {200}
    for worker in worker_memory(live.process.pid):
        grown = worker["uss_mb"] - warm[worker["pid"]]["uss_mb"]
        assert grown <= GROWTH_MB, f"worker {worker['pid']}: private memory grew {grown:.0f} MB over the requests"
        assert worker["uss_mb"] <= worker["pss_mb"] <= worker["rss_mb"]
