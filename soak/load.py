"""A thread-pool load generator on loopback (http.client, one connection per thread), bounded in time and
requests, over a realistic mix of search URLs; it records status, latency and the serving generation of every
response so that errors, p99 and generation consistency can be judged afterwards."""
from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

WORDS = ("Stalin", "armistice", "Kaesong", "Kim Il Sung", "Shtykov", "Filippov", "Zhou Enlai", "prisoners",
         "telegram", "offensive", "38th parallel", "Inchon", "毛泽东", "Штыков", "김일성", "armistise~",
         "arm*", '"volunteer army"', "Mao OR Zhou", "Stalin -Mao", "(Kim OR Pak) AND Seoul", "air force")
FACETS = (("type", "telegram"), ("type", "letter"), ("sender", "Joseph Stalin"), ("recipient", "Mao Zedong"),
          ("person", "Kim Il Sung"), ("classification", "Top Secret"), ("collection", "nkidp-reader"),
          ("year", "1950"), ("year", "1951"), ("language", "en"))
DOCS = ("nkidp-reader/16", "nkidp-reader/17", "mansourov/7", "mansourov/12", "secret-documents/1",
        "krasnaya-zvezda/1")
SORTS = ("", "date_asc", "date_desc")


@dataclass
class Sample:
    started: float  # time.monotonic() when the request was sent
    ms: float
    status: int  # 0 when no response arrived
    path: str
    kind: str
    generation: str = ""
    value: int | None = None  # a count read from the JSON body, for consistency checks
    error: str = ""


def search_params(rng: random.Random) -> str:
    params = []
    if rng.random() < 0.85:
        params.append(("q", rng.choice(WORDS)))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        params.append(rng.choice(FACETS))
    if rng.random() < 0.25:
        params += [("from", str(rng.randint(1949, 1951))), ("to", str(rng.randint(1951, 1954)))]
    sort = rng.choice(SORTS)
    if sort:
        params.append(("sort", sort))
    if rng.random() < 0.2:
        params.append(("page", str(rng.randint(2, 4))))
    return "&".join(f"{name}={quote(value)}" for name, value in params)


def realistic_url(rng: random.Random) -> tuple[str, str]:
    """(path, kind): mostly searches, some documents, the health check, static files and an export."""
    roll = rng.random()
    if roll < 0.40:
        return f"/search?{search_params(rng)}", "search_html"
    if roll < 0.70:
        return f"/api/search?{search_params(rng)}", "api_search"
    if roll < 0.82:
        return f"/doc/{rng.choice(DOCS)}?q={quote(rng.choice(WORDS))}", "doc"
    if roll < 0.88:
        return f"/api/doc/{rng.choice(DOCS)}", "api_doc"
    if roll < 0.92:
        return "/healthz", "health"
    if roll < 0.97:
        return rng.choice(("/static/style.css", "/static/app.js", "/opensearch.xml", "/api/openapi.json")), "static"
    return f"/search?{search_params(rng)}&format={rng.choice(('csv', 'json', 'atom', 'ris'))}", "export"


class Load:
    """`concurrency` threads send requests from `pick(rng)` until `stop()`, `seconds` or `max_requests`."""

    def __init__(self, base: str, *, concurrency: int = 16, pick=realistic_url, seed: int = 8,
                 expected: dict[str, tuple[int, ...]] | None = None, timeout: float = 60):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.concurrency, self.pick, self.seed, self.timeout = concurrency, pick, seed, timeout
        self.expected = expected or {}
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._budget = None

    def start(self, seconds: float | None = None, max_requests: int | None = None) -> "Load":
        self._stop.clear()
        self._ends = time.monotonic() + seconds if seconds else None
        self._budget = max_requests
        self._threads = [threading.Thread(target=self._worker, args=(i,), daemon=True)
                         for i in range(self.concurrency)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> list[Sample]:
        self._stop.set()
        return self.join()

    def join(self) -> list[Sample]:
        for thread in self._threads:
            thread.join()
        return self.samples

    def run(self, seconds: float | None = None, max_requests: int | None = None) -> list[Sample]:
        return self.start(seconds, max_requests).join()

    def _more(self) -> bool:
        if self._stop.is_set() or (self._ends and time.monotonic() >= self._ends):
            return False
        with self._lock:
            if self._budget is not None:
                if self._budget <= 0:
                    return False
                self._budget -= 1
        return True

    def _worker(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        while self._more():
            path, kind = self.pick(rng)
            sample, conn = self._one(conn, path, kind)
            with self._lock:
                self.samples.append(sample)
        conn.close()

    def _one(self, conn, path: str, kind: str) -> tuple[Sample, http.client.HTTPConnection]:
        started = time.monotonic()
        try:
            conn.request("GET", path, headers={"User-Agent": "kwarchive-soak"})
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            ms = (time.monotonic() - started) * 1000
            return Sample(started, ms, 0, path, kind, error=f"{type(exc).__name__}: {exc}"), conn
        ms = (time.monotonic() - started) * 1000
        sample = Sample(started, ms, response.status, path, kind,
                        generation=response.getheader("X-Kwarchive-Generation", ""))
        sample.error = self._judge(sample, response, body)
        if response.will_close:
            conn.close()
        return sample, conn

    def _judge(self, sample: Sample, response, body: bytes) -> str:
        allowed = self.expected.get(sample.kind, (200,))
        if sample.status not in allowed:
            return f"status {sample.status}"
        if sample.kind in ("health", "marker") and sample.status == 200:
            try:
                payload = json.loads(body)
            except ValueError:
                return "body is not JSON"
            sample.value = int(payload["documents"] if sample.kind == "health" else payload["total"])
        if sample.kind in ("search_html", "api_search", "health", "marker") and not sample.generation:
            return "no X-Kwarchive-Generation header"
        return ""


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(samples: list[Sample], label: str = "soak") -> str:
    errors = sum(1 for s in samples if s.error)
    ms = [s.ms for s in samples]
    return f"{label}: {len(samples)} requests, {errors} errors, p99 {percentile(ms, 0.99):.0f} ms"


def describe(samples: list[Sample], seconds: float, label: str) -> str:
    """A phase's line: requests, rate, errors and latency percentiles."""
    ms = [s.ms for s in samples]
    errors = sum(1 for s in samples if s.error)
    rate = len(samples) / seconds if seconds else 0
    return (f"{label}: {len(samples)} requests in {seconds:.0f} s ({rate:.0f}/s), {errors} errors, "
            f"p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
            f"p99 {percentile(ms, 0.99):.0f} ms, max {max(ms, default=0):.0f} ms")
