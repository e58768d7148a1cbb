"""Where a reindex's shard tasks run: in this process (small corpora), on a Dask `LocalCluster` of this machine's
cores, or on an existing Dask cluster (`--scheduler`, `KWARCHIVE_DASK_SCHEDULER`) whose workers see the corpus
and index roots at the same paths (a shared filesystem).

A worker that dies mid-task has its task run again on another worker by the scheduler (up to
`distributed.scheduler.allowed-failures` times); a task that raises fails the build at once (a bad record fails
the same way everywhere). The workers of a local cluster are this process's children and exit as soon as it
does, however it dies (Dask's worker processes watch a pipe to their parent).
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence
from uuid import uuid4

from index.errors import BuildFailed

SCHEDULER_ENV = "KWARCHIVE_DASK_SCHEDULER"
LOCAL_FROM = 5000  # records: below this a local cluster's start-up (seconds) costs more than it saves
CONNECT_SECONDS = 20


REPORT_EVERY = 200  # documents a task on a cluster indexes between two progress events


class InProcess:
    """Runs each task here, one after the other."""

    workers = 1
    where = "in this process"

    def run(self, task: Callable, items: Sequence, *args, report: Callable[[int], None] | None = None
            ) -> Iterator[tuple[int, object]]:
        """Each task's result with its item's position; `report(n)` hears of `n` more documents done, from a
        task called with `report=` (a callable taking its own running count)."""
        for position, item in enumerate(items):
            yield position, task(item, *args, **({"report": _Deltas(report)} if report else {}))


class _Deltas:
    """A task's running count of documents turned into increments for `report`."""

    def __init__(self, report: Callable[[int], None]):
        self.report, self.sent = report, 0

    def __call__(self, done: int) -> None:
        self.report(done - self.sent)
        self.sent = done


class _WorkerEvents:
    """A task's running count sent as worker events on `topic` every REPORT_EVERY documents (the client
    subscribes); each task unpickles its own copy, so the count is per task."""

    def __init__(self, topic: str):
        self.topic, self.sent = topic, 0

    def __call__(self, done: int) -> None:
        if done - self.sent >= REPORT_EVERY:
            from distributed import get_worker

            get_worker().log_event(self.topic, done - self.sent)
            self.sent = done


class OnDask:
    """Runs the tasks on a Dask cluster through `client`, results in the order they finish."""

    def __init__(self, client, where: str):
        self.client, self.where = client, where

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def run(self, task: Callable, items: Sequence, *args, report: Callable[[int], None] | None = None
            ) -> Iterator[tuple[int, object]]:
        from distributed import as_completed

        batch = uuid4().hex[:12]
        topic = f"kwarchive-progress-{batch}"
        options = {"report": _WorkerEvents(topic)} if report else {}
        if report:
            self.client.subscribe_topic(topic, lambda event: report(event[1]))
        futures = [self.client.submit(task, item, *args, **options, key=f"{task.__name__}-{batch}-{n}",
                                      pure=False)
                   for n, item in enumerate(items)]
        position = {future.key: n for n, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as exc:  # the task's own error, or KilledWorker when workers kept dying
                    raise BuildFailed(f"a shard task failed on the Dask cluster ({self.where}): "
                                      f"{type(exc).__name__}: {str(exc)[:300]}") from exc
                yield position[future.key], result
        finally:
            self.client.cancel([f for f in futures if not f.done()])
            if report:
                self.client.unsubscribe_topic(topic)


def shard_size(records: int, workers: int, most: int) -> int:
    """Records per shard: at most `most` (a segment each), and at least two shards per worker, a multiple of the
    workers in number, so that no worker idles while another finishes the last one."""
    workers = max(workers, 1)
    shards = max(-(-records // most), 2 * workers)
    shards += -shards % workers
    return max(1, -(-records // shards))


@contextmanager
def open_runner(records: int, *, workers: int | None = None, scheduler: str | None = None):
    """The runner for a build of about `records` records.

    `scheduler` (or KWARCHIVE_DASK_SCHEDULER): an existing cluster. Else `workers` processes of a local
    cluster (0: this process); by default one per core from LOCAL_FROM records, this process below that.
    """
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        with _client(scheduler) as client:
            yield OnDask(client, f"scheduler {scheduler}")
        return
    if workers is None:
        workers = (os.cpu_count() or 1) if records >= LOCAL_FROM else 0
    if workers == 0:
        yield InProcess()
        return
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield OnDask(client, f"local cluster of {workers} worker{'s' if workers > 1 else ''}")


@contextmanager
def _client(address: str):
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise BuildFailed(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        yield client
