"""Hostile clients on loopback, bounded in count and time: connections that trickle their request headers,
clients that read a large export slowly, and a trickle of expensive queries; plus a prober that times ordinary
searches meanwhile. Used by `make soak` and by the bounded loopback tests."""
from __future__ import annotations

import http.client
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

NORMAL_QUERIES = ("Stalin", "armistice", "Kaesong", "prisoners", "telegram", "Mao Zedong", "Inchon", "air force")
PREFIXES = ("co", "re", "st", "pa", "ma", "ki", "so", "de", "pr", "in", "th", "wa", "ch", "fo", "ar", "se", "na",
            "go", "po", "tr", "w3", "w4")


def host_port(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "hostile clients run against loopback only"
    return parts.hostname, parts.port


@dataclass
class Crowd:
    """Background threads keeping hostile connections open until `stop()`; counts what the server did."""

    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    opened: int = 0
    closed_by_server: int = 0
    bytes_read: int = 0

    def spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def wait_until_reading(self, seconds: float) -> float:
        """Wait (at most `seconds`) until slow readers have their answers coming in, so that searches are timed
        while they read, not while their export is still being written; returns the seconds waited."""
        started = time.monotonic()
        while self.bytes_read == 0 and time.monotonic() - started < seconds:
            time.sleep(0.2)
        return time.monotonic() - started

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=5)


def _slow_header_client(crowd: Crowd, base: str, interval: float) -> None:
    """Send a partial request head, then one header byte per `interval`; reconnect whenever the server closes."""
    address = host_port(base)
    while not crowd.stop_event.is_set():
        try:
            with socket.create_connection(address, timeout=5) as sock:
                crowd.opened += 1
                sock.sendall(b"GET /api/search?q=Stalin HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                while not crowd.stop_event.wait(interval):
                    sock.sendall(b"X")
        except OSError:
            crowd.closed_by_server += 1
            crowd.stop_event.wait(0.05)


def _slow_reader(crowd: Crowd, base: str, path: str, chunk: int, interval: float) -> None:
    """Request `path` and read it `chunk` bytes per `interval` with a tiny receive buffer; repeat when done."""
    address = host_port(base)
    while not crowd.stop_event.is_set():
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.settimeout(10)
                sock.connect(address)
                crowd.opened += 1
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                while not crowd.stop_event.wait(interval):
                    data = sock.recv(chunk)
                    if not data:
                        break
                    crowd.bytes_read += len(data)
            crowd.closed_by_server += 1
        except OSError:
            crowd.closed_by_server += 1
            crowd.stop_event.wait(0.05)


def expensive_query(i: int) -> str:
    """Two two-letter prefixes (each matching hundreds of words) and a year range, different every time so that
    no cache answers it: `co* st*&from=1950`."""
    first, second = PREFIXES[i % len(PREFIXES)], PREFIXES[(i * 7 + 3) % len(PREFIXES)]
    start = 1949 + i % 4
    return f"q={first}%2A+{second}%2A&from={start}&to={start + 1 + i // 4 % 3}"


def _expensive_client(crowd: Crowd, base: str, rate: float, offset: int, statuses: list) -> None:
    """One client sending expensive queries at `rate` per second (each waits for its answer)."""
    host, port = host_port(base)
    i = offset
    while not crowd.stop_event.is_set():
        started = time.monotonic()
        i += 1
        try:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", f"/api/search?{expensive_query(i)}")
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            conn.close()
        except OSError:
            statuses.append(0)
        crowd.stop_event.wait(max(0.0, 1 / rate - (time.monotonic() - started)))


@contextmanager
def slow_headers(base: str, count: int, interval: float = 1.0):
    crowd = Crowd()
    for _ in range(count):
        crowd.spawn(_slow_header_client, crowd, base, interval)
    try:
        yield crowd
    finally:
        crowd.stop()


@contextmanager
def slow_readers(base: str, count: int, path: str, chunk: int = 1024, interval: float = 1.0):
    crowd = Crowd()
    for _ in range(count):
        crowd.spawn(_slow_reader, crowd, base, path, chunk, interval)
    try:
        yield crowd
    finally:
        crowd.stop()


@contextmanager
def expensive_trickle(base: str, clients: int = 4, rate: float = 0.11):
    """`clients` clients, each sending `rate` expensive queries per second (4 × 0.11 ≈ the issue's 0.44/s)."""
    crowd = Crowd()
    crowd.statuses = []
    for n in range(clients):
        crowd.spawn(_expensive_client, crowd, base, rate, n * 1000, crowd.statuses)
    try:
        yield crowd
    finally:
        crowd.stop()


def unique_word_query(i: int) -> str:
    """A search for two long words no document has and no earlier query used: every one is new to each
    per-word memo, and typo tolerance looks for neighbours of each in the term dictionary."""
    letters = "abcdefghiklmnoprstuvyz"
    word = "".join(letters[(i // len(letters) ** k) % len(letters)] for k in range(5))
    return f"/api/search?q=q{word}zqvaluation+w{word}xnegotiationz&per_page=10"


def probe(base: str, count: int, interval: float = 0.1, timeout: float = 30,
          first: int = 0) -> list[tuple[float, int]]:
    """`count` ordinary searches one after another on fresh connections: (seconds, status) each; 0 = no answer.
    Search number `first + i` asks for a page size that no other number below 720 does, so callers that
    number their probes on (`first`) are never answered from a cache."""
    host, port = host_port(base)
    results = []
    for i in range(first, first + count):
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            query = NORMAL_QUERIES[i % len(NORMAL_QUERIES)].replace(" ", "+")
            conn.request("GET", f"/api/search?q={query}&per_page={5 + (i // len(NORMAL_QUERIES)) % 90}")
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError:
            status = 0
        results.append((time.monotonic() - started, status))
        time.sleep(interval)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def describe_probe(label: str, results: list[tuple[float, int]]) -> str:
    times = [t for t, _ in results]
    failed = sum(1 for _, status in results if status != 200)
    return (f"{label}: {len(results)} searches, {failed} not 200, p50 {percentile(times, .5) * 1000:.0f} ms, "
            f"p95 {percentile(times, .95) * 1000:.0f} ms, max {max(times, default=0) * 1000:.0f} ms")
