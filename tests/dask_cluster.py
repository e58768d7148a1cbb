"""A real Dask cluster on loopback for the reindex tests: `dask scheduler` and `dask worker` processes started
as an operator would start them (each its own process, no nanny, so killing one kills that worker)."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

DASK = Path(sys.executable).with_name("dask")
START_SECONDS = 60


class DaskCluster:
    """A scheduler and named workers; `address` is the scheduler's tcp:// address."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.scheduler_file = workdir / "scheduler.json"
        self.processes: dict[str, subprocess.Popen] = {}
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(self.scheduler_file)])
        deadline = time.monotonic() + START_SECONDS
        while not self.scheduler_file.exists() and time.monotonic() < deadline:
            self._check_running("scheduler")
            time.sleep(0.05)
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def add_worker(self, name: str) -> None:
        """Start worker `name` and wait until the scheduler has it."""
        self._start(name, ["worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
                           "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "30",
                           "--local-directory", str(self.workdir / name)])
        deadline = time.monotonic() + START_SECONDS
        while self.worker_address(name) is None:
            self._check_running(name)
            if time.monotonic() > deadline:
                raise RuntimeError(f"dask worker {name} never joined {self.address}")
            time.sleep(0.05)

    def worker_address(self, name: str) -> str | None:
        from distributed import Client

        with Client(self.address, timeout=START_SECONDS) as client:
            return next((address for address, worker in client.scheduler_info(n_workers=-1)["workers"].items()
                         if worker.get("name") == name), None)

    def kill(self, name: str) -> None:
        """SIGKILL the process of `name`: what a crashed machine or the OOM killer does."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def close(self) -> None:
        for name in [n for n in self.processes if n != "scheduler"] + ["scheduler"]:
            process = self.processes.pop(name, None)
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def _start(self, name: str, arguments: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen([str(DASK), *arguments], stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL)
        log.close()

    def _check_running(self, name: str) -> None:
        if self.processes[name].poll() is not None:
            log = (self.workdir / f"{name}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"dask {name} exited ({self.processes[name].returncode}):\n{log}")
