"""A replica switched by `kwarchive index publish` while gunicorn on it is under load: no errors, and every
answer comes whole from one generation (its X-Kwarchive-Generation names a generation whose counts it gives)."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest

from corpus.loader import load_corpus
from index.build import build_full
from index.replicas import publish_copy, source_generation
from search.request import SearchRequest
from search.searcher import Searcher
from soak import server as servers

CLIENTS = 16
MAX_REQUESTS_PER_CLIENT = 200  # bounds the load however the switches go
QUERIES = ("", "telegram", "armistice", "Stalin Mao")
ANSWERS_BETWEEN_SWITCHES = 40
WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def smaller_index(tmp_path_factory):
    """A second build to alternate with: the first 120 bundled documents."""
    root = tmp_path_factory.mktemp("smaller-index")
    corpus = load_corpus()
    build_full(replace(corpus, documents=list(corpus.documents[:120])), root)
    return root


def expected_totals(root) -> dict[str, int]:
    searcher = Searcher(root)
    return {q: searcher.search(SearchRequest(q=q, per_page=1)).total_documents for q in QUERIES}


class Clients:
    """Sixteen threads asking the replica the same few searches until told to stop (or their bound is reached)."""

    def __init__(self, base: str):
        self.base = base
        self.answers: list[tuple[str, str, int]] = []  # (query, generation header, total_documents)
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]

    def _run(self, client: int) -> None:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if self.stop.is_set():
                return
            query = QUERIES[(client + n) % len(QUERIES)]
            url = f"{self.base}/api/search?" + urllib.parse.urlencode({"q": query, "per_page": 1})
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    answer = (query, response.headers["X-Kwarchive-Generation"],
                              json.loads(response.read())["total_documents"])
            except Exception as exc:  # every failure is a finding: HTTP errors, resets, bad bodies
                answer, error = None, f"{query!r}: {type(exc).__name__}: {exc}"
            with self.progress:
                if answer:
                    self.answers.append(answer)
                else:
                    self.errors.append(error)
                self.progress.notify_all()

    def wait_for_answers(self, count: int) -> None:
        """Block until `count` more answers (or errors) came in; fail when the load has stopped short."""
        with self.progress:
            target = len(self.answers) + len(self.errors) + count
            done = self.progress.wait_for(lambda: len(self.answers) + len(self.errors) >= target
                                          or not any(t.is_alive() for t in self.threads), timeout=WAIT_SECONDS)
        assert done and len(self.answers) + len(self.errors) >= target, "the clients stopped answering"

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=WAIT_SECONDS)


def test_publishing_to_a_served_replica_under_load(rel_index, smaller_index, tmp_path):
    replica = tmp_path / "replica"
    totals_of_source = {rel_index: expected_totals(rel_index), smaller_index: expected_totals(smaller_index)}
    totals = {}  # replica generation number -> the totals its answers must give

    def publish(source_root):
        published = publish_copy(source_generation(source_root), source_root, replica)
        totals[str(published.generation.number)] = totals_of_source[source_root]
        return published.generation.number

    publish(smaller_index)
    with servers.start(replica, tmp_path / "gunicorn.log", workers=2) as server, Clients(server.base) as clients:
        clients.wait_for_answers(ANSWERS_BETWEEN_SWITCHES)
        for source_root in (rel_index, smaller_index, rel_index):
            last = publish(source_root)
            clients.wait_for_answers(ANSWERS_BETWEEN_SWITCHES)
        with urllib.request.urlopen(server.base + "/api/search?q=", timeout=60) as response:
            assert response.headers["X-Kwarchive-Generation"] == str(last)  # the last switch was picked up

    assert clients.errors == []
    wrong = [(q, gen, total) for q, gen, total in clients.answers if totals.get(gen, {}).get(q) != total]
    assert wrong == [], f"answers not from one whole generation (expected {totals})"
    assert len({gen for _, gen, _ in clients.answers}) >= 3  # the servers followed the switches under load
    assert totals_of_source[rel_index] != totals_of_source[smaller_index]  # so a mixed answer would show
