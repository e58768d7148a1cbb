"""gunicorn's threaded worker with time limits on slow clients: the one place that reaches into gunicorn's worker.

gunicorn's own `gthread` worker already waits for a new connection's first bytes in its event loop, but once a
request has started it reads the rest of the head, and writes the response, with no time limit, so a client that
trickles its headers or stops reading holds a thread for as long as it likes. This worker reads each request head
within `KWARCHIVE_HEADER_TIMEOUT` seconds in total (else it answers 408 and closes) and gives every write to the
client (at most 64 KB of an export) `KWARCHIVE_SEND_TIMEOUT` seconds (else the connection is closed; a response
with a Content-Length, such as every export, then arrives visibly short). Once a response is sent, memory the
request needed goes back to the system (web/memory.py). Written against gunicorn 23–27's `gunicorn.workers.gthread`.
"""
from __future__ import annotations

import os
import socket
import threading
import time

from gunicorn.workers import gthread

from web import fairness, memory
from web.security import HEADERS

HEADER_TIMEOUT = float(os.environ.get("KWARCHIVE_HEADER_TIMEOUT", "10"))
SEND_TIMEOUT = float(os.environ.get("KWARCHIVE_SEND_TIMEOUT", "30"))
HEAD_ENDS = (b"\r\n\r\n", b"\n\n")
SECURITY_HEADER_LINES = b"".join(f"{name}: {value}\r\n".encode() for name, value in HEADERS.items())
TOO_SLOW_TEXT = b"The request headers took too long to arrive.\r\n"
TOO_SLOW = (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + SECURITY_HEADER_LINES
            + f"Content-Length: {len(TOO_SLOW_TEXT)}\r\n\r\n".encode() + TOO_SLOW_TEXT)


def head_limit(cfg) -> int:
    """The longest head gunicorn would accept: request line plus every allowed header field."""
    return cfg.limit_request_line + cfg.limit_request_fields * (cfg.limit_request_field_size + 2) + 4


def read_head(sock: socket.socket, held: bytes, seconds: float, limit: int) -> bytes | None:
    """`held` plus whatever arrives until the head is complete (or the limit or end of stream is reached);
    None when `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while not any(end in held for end in HEAD_ENDS) and len(held) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return None
        if not chunk:
            break
        held += chunk
    return held


class ThreadWorker(gthread.ThreadWorker):
    """`worker_class = "web.gunicorn_worker.ThreadWorker"` in web/gunicorn_conf.py.

    It also accepts a new connection only while one of its threads is free and it has no search under way, so
    connections go to the workers that can serve them at once (gunicorn's own accepts up to `worker_connections`
    and queues them behind busy threads; and since a process runs its searches one at a time, a client's
    keep-alive connections all taken by one worker would search on one core).
    """

    def __init__(self, *args, **kwargs):
        self.busy = 0
        self._busy_lock = threading.Lock()
        self._max_connections = 0
        super().__init__(*args, **kwargs)

    @property
    def worker_connections(self) -> int:
        """Read by gthread's loop before each poll: accepting stops while every thread is busy, or while this
        process has a search under way (web/fairness.py), so that new connections go to the other workers."""
        if self.busy >= self.cfg.threads or fairness.searching():
            return 0
        return self._max_connections

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._max_connections = value

    def accept(self, listener):
        """A connection that arrives while the loop already waits on the listener, after a search began here, is
        left to the other workers too (the loop then stops listening until the search ends)."""
        if self.worker_connections:
            super().accept(listener)

    def handle(self, conn):
        with self._busy_lock:
            self.busy += 1
        try:
            return self._handle(conn)
        finally:
            with self._busy_lock:
                self.busy -= 1  # gthread's done-callback then wakes the loop, which may accept again

    def _handle(self, conn):
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(
                gthread.DEFAULT_WORKER_DATA_TIMEOUT):
            return gthread._DEFER  # nothing sent yet: back to the event loop, as gunicorn does
        try:
            conn.sock.setblocking(True)
            conn.init()
            if not conn.is_http2:
                unreader = conn.parser.unreader
                head = read_head(conn.sock, unreader.take_buffered(), HEADER_TIMEOUT, head_limit(self.cfg))
                conn.sock.settimeout(None)
                if head is None:
                    self.log.warning("closed a connection from %s: request head not complete in %.0f s",
                                     conn.client, HEADER_TIMEOUT)
                    refuse(conn.sock)
                    return False
                unreader.unread(head)
        except OSError as exc:
            self.log.debug("connection from %s failed before its request: %s", conn.client, exc)
            return False
        return super().handle(conn)

    def handle_request(self, req, conn):
        conn.sock.settimeout(SEND_TIMEOUT)
        try:
            return super().handle_request(req, conn)
        except (socket.timeout, TimeoutError):
            self.log.warning("closed the connection to %s: it did not take its answer in time", conn.client)
            shut(conn.sock)
            return False
        finally:
            memory.TRIMMER.after_request()  # a request that needed a lot of memory gives it back (web/memory.py)

    def handle_error(self, req, client, addr, exc):
        """gunicorn's own answers (400, 414 URI too long, 431 headers too large) carry the security headers too."""
        return super().handle_error(req, WithSecurityHeaders(client), addr, exc)


class WithSecurityHeaders:
    """The client socket as gunicorn's error writer sees it: the security headers go in after the status line."""

    def __init__(self, sock):
        self._sock = sock

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def sendall(self, data: bytes, *args):
        status, _, rest = data.partition(b"\r\n")
        return self._sock.sendall(status + b"\r\n" + SECURITY_HEADER_LINES + rest, *args)


def refuse(sock: socket.socket) -> None:
    """Answer 408 if the client will take it within a second, then shut the socket."""
    try:
        sock.settimeout(1)
        sock.sendall(TOO_SLOW)
    except OSError:
        pass
    shut(sock)


def shut(sock: socket.socket) -> None:
    """Shut both directions, so gunicorn's graceful close (on its event-loop thread) does not wait to drain."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
