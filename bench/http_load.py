"""kwarchive end to end: gunicorn serving the bench index on 127.0.0.1, and a small bounded load generator.

Every request is distinct (the query mix crossed with page sizes), so the server's result cache does not stand in
for the search; traffic never leaves the loopback interface.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import summary_ms
from bench.memory import worker_memory
from bench.queries import BenchQuery

HOST = "127.0.0.1"
PAGE_SIZES = 10  # per_page 10..19: distinct cache keys for the same first-page work
READY_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request_paths(queries: list[BenchQuery], count: int) -> list[str]:
    paths = []
    for i in range(count):
        query = queries[i % len(queries)]
        args = query.args() | {"per_page": [str(10 + (i // len(queries)) % PAGE_SIZES)]}
        paths.append("/api/search?" + urlencode(args, doseq=True))
    return paths


@contextmanager
def gunicorn(repo: Path, index_root: Path, workers: int | None = 2):
    """Start gunicorn on a free loopback port (`workers` None: as web/gunicorn_conf.py configures), yield
    (port, master pid), stop it by its own pid."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "--config", "web/gunicorn_conf.py",
               *(["-w", str(workers)] if workers else []), "--bind", f"{HOST}:{port}", "wsgi:app"]
    env = os.environ | {"KWARCHIVE_INDEX": str(index_root)}
    log = open(index_root.parent / "gunicorn.log", "wb")
    server = subprocess.Popen(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(port, server)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode} (see gunicorn.log)")
        try:
            status, _ = fetch(http.client.HTTPConnection(HOST, port, timeout=5), "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer /healthz within {READY_TIMEOUT_S} s")


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def load(port: int, paths: list[str], concurrency: int, budget_s: float) -> dict:
    """Send `paths` with `concurrency` threads until done or `budget_s` is spent; requests/s and latency."""
    latencies: list[float] = []
    failures: list[str] = []
    cursor = iter(range(len(paths)))
    lock = threading.Lock()
    deadline = time.perf_counter() + budget_s

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                status, _ = fetch(conn, paths[i])
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                status = f"{type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                (latencies.append(elapsed) if status == 200 else failures.append(str(status)))
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return summary_ms(latencies) | {
        "concurrency": concurrency,
        "requests_per_s": round(len(latencies) / wall, 1) if wall else None,
        "failures": len(failures),
        "failure_kinds": sorted(set(failures))[:5],
    }


def worker_peak_rss_mb(master_pid: int) -> list[float]:
    """VmHWM of each gunicorn worker (children of the master): peak server memory per worker."""
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return sorted(peaks)


def measure(repo: Path, index_root: Path, queries: list[BenchQuery], requests: int, budget_s: float,
            workers: int | None = 2) -> dict:
    """Concurrency 1 then 8 (`workers` None: as many workers as configured), each phase on requests no worker
    has seen; then each worker's peak RSS and its RSS, PSS and USS after the load."""
    paths = request_paths(queries, len(queries) + 3 * requests)
    with gunicorn(repo, index_root, workers) as (port, master):
        warm = load(port, paths[:len(queries)], concurrency=2, budget_s=budget_s)
        single = load(port, paths[len(queries):len(queries) + requests], 1, budget_s)
        eight = load(port, paths[len(queries) + requests:], 8, budget_s)
        peaks = worker_peak_rss_mb(master)
        memory = worker_memory(master)
    return {"c1": single, "c8": eight, "warmup_failures": warm["failures"], "worker_peak_rss_mb": peaks,
            "workers": len(memory), "worker_memory": memory}
