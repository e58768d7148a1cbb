"""The soak run: gunicorn with the project's config under load on loopback, then the same load while full and
incremental reindexes switch generations, then while reindexes are SIGKILLed at random points; then ordinary
searches timed among slow clients (64 trickling headers, 16 reading an export slowly) and among a trickle of
costly queries, then 20,000 searches of unique long words (workers' memory must level off), and staggered
exports while reindexes switch generations; last, reindexes of a corpus large enough for the build to fork index
workers are SIGKILLed (their workers must die with them).

    .venv/bin/python -m soak.run [--seconds 60] [--concurrency 16] [--kills 20] [--parallel-kills 4] [--workdir DIR]

The hostile phases alone against an index of your own (say, 100,000 documents built from CORPUS):

    .venv/bin/python -m soak.run --index DIR --corpus CORPUS --phases slow,costly,words,exports

Ends with `soak: N requests, E errors, p99 X ms`; the exit status is non-zero on any error or problem.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import io
import itertools
import random
import threading
import shutil
import sys
import tempfile
import time
from pathlib import Path

from soak import hostile
from soak import server as servers
from soak.corpora import MARKER, MARKER_COLLECTION, Corpora, write_corpora, write_generated
from soak.load import Load, Sample, describe, realistic_url, summary
from soak.reindex import kill_loop, reindex

SWITCH_SECONDS = 5.0  # a new generation must be served to every request sent this long after its switch
SLOW_CLIENT_P95 = 1.0  # seconds: ordinary searches among 64 slow-header and 16 slow-reading connections
COSTLY_TRICKLE_P95 = 0.2  # seconds: ordinary searches under 4 clients sending 0.11 costly queries per second
WORDS_PLATEAU_MB = 16  # the second half of the unique-word searches may add this much to a worker's private
# memory, or half of what the first half added: every cache is full by then and memory has levelled off
EXPECTED = {"marker_doc": (200, 404)}
PHASES = ("load", "reindex", "kills", "slow", "costly", "words", "exports", "parallel")


def soak_url(rng: random.Random) -> tuple[str, str]:
    """The realistic mix, plus requests whose answers depend on which corpus the generation was built from."""
    roll = rng.random()
    if roll < 0.06:
        return f"/api/search?q={MARKER}&per_page=1", "marker"
    if roll < 0.08:
        return f"/doc/{MARKER_COLLECTION}/{rng.randint(1, 12)}", "marker_doc"
    if roll < 0.12:
        return "/healthz", "health"
    return realistic_url(rng)


class Run:
    def __init__(self, args):
        self.args = args
        self.samples: list[Sample] = []
        self.problems: list[str] = []
        self.expected: dict[int, dict] = {}  # generation -> {"documents", "marker"}
        self.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kwarchive-soak-"))
        self.index = Path(args.index) if args.index else self.workdir / "index"
        self.phases = set(args.phases.split(","))
        self.rows_per_export: int | None = None  # --index: every generation is built from one corpus
        self.probed = 8  # ordinary searches sent so far (the first 8 open each worker's searcher)

    def log(self, line: str) -> None:
        print(line, flush=True)

    def build(self, corpora: Corpora, root: Path, *, incremental: bool = False) -> float | None:
        """Reindex from `root`; remember what its generation must answer; returns when its process exited."""
        done = reindex(self.index, root, incremental=incremental)
        mode = "incremental" if incremental else "full"
        if done.returncode or done.generation is None:
            self.problems.append(f"{mode} reindex from {root.name} failed: {done.output[-400:]}")
            return None
        self.expected[done.generation] = corpora.expected(root)
        self.log(f"  {mode} reindex from {root.name}: generation {done.generation} in {done.seconds:.1f} s")
        return done.finished_at

    def load(self, server) -> Load:
        return Load(server.base, concurrency=self.args.concurrency, pick=soak_url, expected=EXPECTED,
                    seed=len(self.samples) + 1)

    def phase(self, label: str, samples: list[Sample], seconds: float) -> None:
        self.samples += samples
        self.log(describe(samples, seconds, label))
        for sample in [s for s in samples if s.error][:10]:
            self.problems.append(f"{label}: {sample.path} -> {sample.error}")

    def steady(self, server) -> None:
        started = time.monotonic()
        samples = self.load(server).run(seconds=self.args.seconds, max_requests=self.args.max_requests)
        self.phase("load", samples, time.monotonic() - started)

    def reindex_under_load(self, server, corpora: Corpora) -> None:
        """Full (adds the marker collection) and incremental (removes it) reindexes, alternately, under load."""
        started = time.monotonic()
        load = self.load(server).start(max_requests=self.args.max_requests)
        switches = []
        while True:
            for root, incremental in ((corpora.marked, False), (corpora.plain, True)):
                time.sleep(2)
                finished = self.build(corpora, root, incremental=incremental)
                if finished is not None:
                    switches.append((max(self.expected), finished))
            if time.monotonic() - started >= self.args.seconds:
                break
        time.sleep(2)
        samples = load.stop()
        self.phase("reindex under load", samples, time.monotonic() - started)
        self.check_generations(samples, "reindex under load")
        self.check_switches(samples, switches)

    def kills_under_load(self, server, corpora: Corpora) -> None:
        started = time.monotonic()
        load = self.load(server).start(max_requests=self.args.max_requests)
        self.log(f"kill loop: {self.args.kills} reindexes SIGKILLed at random points, under load")
        problems = kill_loop(self.index, corpora.plain, self.args.kills, seed=self.args.seed, log=self.log)
        self.problems += [f"kill loop: {p}" for p in problems]
        samples = load.stop()
        known = max(self.expected)
        for sample in samples:  # every generation built in the loop comes from the plain corpus
            if sample.generation.isdigit() and int(sample.generation) > known:
                self.expected.setdefault(int(sample.generation), corpora.expected(corpora.plain))
        self.phase("kill loop", samples, time.monotonic() - started)
        self.check_generations(samples, "kill loop")

    def parallel_kills(self) -> None:
        """SIGKILL reindexes of a corpus large enough for the build to fork its index workers (no server: this
        is about the workers dying with their parent and the lock being free for the next reindex)."""
        from index.cluster import LOCAL_FROM

        size = max(self.args.parallel_documents, LOCAL_FROM)
        root = write_generated(self.workdir / "corpus-parallel", size)
        self.log(f"kill loop (parallel build): {self.args.parallel_kills} reindexes of {size:,} documents "
                 "SIGKILLed at random points")
        problems = kill_loop(self.workdir / "index-parallel", root, self.args.parallel_kills, seed=self.args.seed,
                             log=self.log)
        self.problems += [f"parallel kill loop: {p}" for p in problems]

    def check_generations(self, samples: list[Sample], label: str) -> None:
        """Each answer's counts match the corpus of the generation it names: never a mix of two."""
        mixed = []
        for s in samples:
            if s.value is None or not s.generation:
                continue
            wanted = self.expected.get(int(s.generation))
            key = "documents" if s.kind == "health" else "marker"
            if wanted is None or wanted[key] != s.value:
                mixed.append(f"{s.path} from generation {s.generation} counted {s.value}, expected "
                             f"{wanted and wanted[key]}")
        checked = sum(1 for s in samples if s.value is not None)
        self.log(f"  generation consistency: {checked} counted answers checked, {len(mixed)} inconsistent")
        self.problems += [f"{label}: {m}" for m in mixed[:10]]

    def check_switches(self, samples: list[Sample], switches: list[tuple[int, float]]) -> None:
        """After a switch, requests sent later are answered by the new generation (or a newer one)."""
        worst, stale_count = 0.0, 0
        for generation, at in switches:
            stale = [s.started - at for s in samples
                     if s.started >= at and s.generation.isdigit() and int(s.generation) < generation]
            stale_count += len(stale)
            worst = max([worst] + stale)
        self.log(f"  switch: {len(switches)} switches; {stale_count} requests sent after a switch got an older "
                 f"generation (latest {worst * 1000:.0f} ms after it; allowed {SWITCH_SECONDS:.0f} s)")
        if worst > SWITCH_SECONDS:
            self.problems.append(f"an old generation was still served {worst:.1f} s after a switch")

    def probes(self, server, label: str, target: float, seconds: float) -> None:
        """Ordinary searches one after another for `seconds`; their p95 must stay within `target`."""
        results = hostile.probe(server.base, max(10, int(seconds / 0.15)), interval=0.05, timeout=30,
                                first=self.probed)
        self.probed += len(results)
        samples = [Sample(0.0, t * 1000, status, "/api/search", "probe", error="" if status == 200 else
                          f"status {status}") for t, status in results]
        self.phase(label, samples, sum(t for t, _ in results))
        p95 = hostile.percentile([t for t, _ in results], 0.95)
        if p95 > target:
            self.problems.append(f"{label}: p95 {p95 * 1000:.0f} ms, over the {target * 1000:.0f} ms target")

    def slow_clients(self, server) -> None:
        workers = server.worker_pids()
        with hostile.slow_headers(server.base, 64) as trickling, \
                hostile.slow_readers(server.base, 16, self.args.reader_export) as reading:
            waited = reading.wait_until_reading(seconds=150)
            time.sleep(2)
            self.log(f"  slow readers reading after {waited:.0f} s")
            self.probes(server, "searches among 64 slow-header and 16 slow-reading clients", SLOW_CLIENT_P95,
                        self.args.seconds / 2)
        self.log(f"  slow clients: {trickling.opened} slow-header connections opened, {reading.bytes_read:,} bytes "
                 "read slowly")
        if server.worker_pids() != workers:
            self.problems.append("slow clients: workers were killed or replaced")

    def costly_trickle(self, server) -> None:
        with hostile.expensive_trickle(server.base) as trickle:
            time.sleep(2)
            self.probes(server, "searches under a trickle of costly queries", COSTLY_TRICKLE_P95,
                        self.args.seconds / 2)
        answered = {status: trickle.statuses.count(status) for status in sorted(set(trickle.statuses))}
        self.log(f"  costly queries answered: {answered}")
        if set(answered) - {200, 429}:
            self.problems.append(f"costly queries got {answered}")

    def unique_words(self, server) -> None:
        """Searches of long words nobody searched before: every worker's private memory (USS) must level off,
        because every cache is bounded by bytes (index/caching.py)."""
        import psutil

        workers = [psutil.Process(pid) for pid in server.worker_pids()]
        count, steps = self.args.words, 10

        def private_mb() -> list[float]:
            return [round(w.memory_full_info().uss / 2**20, 1) for w in workers]

        numbers = itertools.count()  # each search's number: its words are new to every cache
        load = Load(server.base, concurrency=4, pick=lambda _rng: (hostile.unique_word_query(next(numbers)), "words"))
        curve, started = [private_mb()], time.monotonic()
        for _step in range(steps):
            load.run(max_requests=count // steps)
            curve.append(private_mb())
        self.phase(f"{len(load.samples):,} searches of unique long words", load.samples, time.monotonic() - started)
        growth = [max(after - before for before, after in zip(curve[i], curve[i + 1])) for i in range(steps)]
        early = max(b - a for a, b in zip(curve[0], curve[steps // 2]))
        late = max(b - a for a, b in zip(curve[steps // 2], curve[-1]))
        allowed = max(WORDS_PLATEAU_MB, early / 2)
        self.log("  worker private memory (USS, MB) every {:,} searches: {}".format(
            count // steps, " → ".join("/".join(f"{mb:.0f}" for mb in point) for point in curve)))
        self.log(f"  a worker grew at most {early:.1f} MB over the first half and {late:.1f} MB over the second "
                 f"(allowed {allowed:.1f} MB); largest step {max(growth):.1f} MB")
        if late > allowed:
            self.problems.append(f"unique words: a worker grew {late:.1f} MB over the second half of the searches "
                                 f"(allowed {allowed:.1f} MB): memory does not level off")
        if server.worker_pids() != [w.pid for w in workers]:
            self.problems.append("unique words: workers were killed or replaced")

    def exports_during_reindex(self, server, corpora: Corpora) -> None:
        """Staggered whole exports while reindexes switch generations: each is whole and from one generation."""
        started, samples, stop = time.monotonic(), [], threading.Event()

        def exporter(number: int) -> None:
            stop.wait(number * 0.7)
            while not stop.is_set():
                samples.append(self.one_export(server))
                stop.wait(0.5)

        threads = [threading.Thread(target=exporter, args=(n,), daemon=True) for n in range(3)]
        for thread in threads:
            thread.start()
        if corpora is None:  # --index: one full reindex from --corpus; every export counts all its documents
            self.log_reindex(reindex(self.index, Path(self.args.corpus), timeout=3600))
        else:
            for root, incremental in ((corpora.marked, False), (corpora.plain, True)) * 2:
                self.build(corpora, root, incremental=incremental)
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
        for sample in samples:  # judged now that every generation's expected counts are known
            if corpora is None:
                continue
            wanted = self.expected.get(int(sample.generation or 0), {}).get("marker")
            if not sample.error and sample.value != wanted:
                sample.error = f"{sample.value} marker rows from generation {sample.generation}, which has {wanted}"
        whole = [s for s in samples if s.status == 200 and not s.error]
        self.phase("exports during reindexes", samples, time.monotonic() - started)
        self.log(f"  exports: {len(samples)} asked, {len(whole)} whole, "
                 f"{sum(1 for s in samples if s.status == 413)} refused (413), "
                 f"{sum(1 for s in samples if s.error)} failed; generations {sorted({s.generation for s in samples})}")

    def log_reindex(self, done) -> None:
        if done.returncode or done.generation is None:
            self.problems.append(f"reindex failed: {done.output[-400:]}")
        else:
            self.log(f"  full reindex: generation {done.generation} in {done.seconds:.1f} s")

    def one_export(self, server) -> Sample:
        host, port = hostile.host_port(server.base)
        path = "/search?format=csv"
        begun = time.monotonic()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=120)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            return Sample(begun, (time.monotonic() - begun) * 1000, 0, path, "export", error=repr(exc))
        sample = Sample(begun, (time.monotonic() - begun) * 1000, response.status, path, "export",
                        generation=response.getheader("X-Kwarchive-Generation", ""))
        if response.status == 413 and self.args.index:
            return sample  # refused, naming the limit: whole or refused is the promise
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")))) if response.status == 200 else []
        sample.value = sum(1 for row in rows if row["collection"] == MARKER_COLLECTION)
        if self.args.index and response.status == 200:
            self.rows_per_export = self.rows_per_export or len(rows)
            if len(rows) != self.rows_per_export:
                sample.error = f"{len(rows)} rows; every generation of this corpus has {self.rows_per_export}"
        if response.status != 200:
            sample.error = f"status {response.status}"
        elif len(body) != int(response.getheader("Content-Length", -1)):
            sample.error = f"{len(body)} bytes of {response.getheader('Content-Length')}"
        elif len(rows) != int(response.getheader("X-Kwarchive-Rows", -1)):
            sample.error = f"{len(rows)} rows, header says {response.getheader('X-Kwarchive-Rows')}"
        return sample

    def check_server_log(self, log: Path) -> None:
        text = log.read_text(encoding="utf-8", errors="replace")
        for marker in ("Traceback", "WORKER TIMEOUT", "unhandled error"):
            if marker in text:
                self.problems.append(f"the server log ({log}) contains {marker!r}")

    def main(self) -> int:
        self.log(f"soak: workdir {self.workdir}")
        corpora = None
        if not self.args.index:
            corpora = write_corpora(self.workdir)
            self.build(corpora, corpora.plain)
        # The words phase follows each worker's memory, so workers are not recycled after `max_requests`.
        env = {"KWARCHIVE_MAX_REQUESTS": "0"} if "words" in self.phases else {}
        with servers.start(self.index, self.workdir / "gunicorn.log", workers=self.args.workers, extra_env=env,
                           corpus_root=corpora.marked if corpora else Path(self.args.corpus), wait=300) as server:
            self.log(f"gunicorn on {server.base} with {len(server.worker_pids())} workers "
                     f"(log {server.log})")
            hostile.probe(server.base, 8, interval=0, timeout=120)  # every worker opens its searcher first
            if corpora is not None and "load" in self.phases:
                self.steady(server)
            if corpora is not None and "reindex" in self.phases:
                self.reindex_under_load(server, corpora)
            if corpora is not None and "kills" in self.phases:
                self.kills_under_load(server, corpora)
            if "slow" in self.phases:
                self.slow_clients(server)
            if "costly" in self.phases:
                self.costly_trickle(server)
            if "words" in self.phases:
                self.unique_words(server)
            if "exports" in self.phases:
                self.exports_during_reindex(server, corpora)
        self.check_server_log(self.workdir / "gunicorn.log")
        if self.args.parallel_kills and "parallel" in self.phases:
            self.parallel_kills()
        for problem in self.problems:
            self.log(f"PROBLEM: {problem}")
        errors = sum(1 for s in self.samples if s.error)
        self.log(summary(self.samples))
        if not self.problems and not self.args.keep and not self.args.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return 1 if errors or self.problems else 0


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(prog="python -m soak.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load and reindex phases")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--kills", type=int, default=20, help="reindexes to SIGKILL")
    parser.add_argument("--parallel-kills", type=int, default=4,
                        help="reindexes of a parallel-sized corpus to SIGKILL (0: skip that phase)")
    parser.add_argument("--parallel-documents", type=int, default=0,
                        help="size of that corpus (at least the size from which the build forks workers)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound per phase")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    parser.add_argument("--workdir", default=None, help="keep corpora, index and log here (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir even when all is well")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated phases to run, of {', '.join(PHASES)} (default: all)")
    parser.add_argument("--index", default=None,
                        help="serve this existing index instead of building one (only the slow, costly, words "
                             "and exports phases run; exports reindex it once from --corpus)")
    parser.add_argument("--corpus", default=None, help="the corpus root --index was built from")
    parser.add_argument("--words", type=int, default=20_000, help="searches of unique long words (words phase)")
    parser.add_argument("--reader-export", default="/search?format=csv",
                        help="what the 16 slow readers download (default: every document as CSV)")
    args = parser.parse_args(argv)
    if bool(args.index) != bool(args.corpus):
        parser.error("--index and --corpus go together")
    return args


def main(argv: list[str] | None = None) -> int:
    return Run(parse_args(argv)).main()


if __name__ == "__main__":
    sys.exit(main())
