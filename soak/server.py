"""gunicorn with the project's own config (web/gunicorn_conf.py) on a free loopback port, as `make run` serves."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO_ROOT / "web" / "gunicorn_conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn master; `base` is its URL, `log` collects its access and error log."""

    process: subprocess.Popen
    base: str
    log: Path
    env: dict = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc (the workers: gunicorn forks nothing else)."""
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def children_of(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid …"; comm may hold spaces, so split after its closing parenthesis.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def start(index_root: Path, log: Path, *, workers: int | None = None, corpus_root: Path | None = None,
          extra_env: dict | None = None, wait: float = 60) -> Server:
    """Start gunicorn on 127.0.0.1:<free port> serving `index_root` and wait until /healthz answers 200."""
    port = free_port()
    env = dict(os.environ, KWARCHIVE_INDEX=str(index_root), KWARCHIVE_ACCESS_LOG="-")
    if workers:
        env["KWARCHIVE_WORKERS"] = str(workers)
    if corpus_root:
        env["KWARCHIVE_CORPUS"] = str(corpus_root)
    env.update(extra_env or {})
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log, env)
    try:
        wait_until_healthy(server, wait)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_healthy(server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}; see {server.log}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become healthy within {seconds} s; see {server.log}")


def wait_for_workers(server: Server, count: int, seconds: float = 20, exclude: tuple[int, ...] = ()) -> list[int]:
    """Wait until the master runs `count` workers none of which is in `exclude`; returns their pids."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = [pid for pid in server.worker_pids() if pid not in exclude]
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not run {count} workers within {seconds} s (has {server.worker_pids()})")
