"""gunicorn settings for kwarchive; every value can be overridden from the environment.

    KWARCHIVE_WORKERS           worker processes (default: 2 × CPUs, at most 8)
    KWARCHIVE_TIMEOUT           seconds a worker may stay silent before the master replaces it (default 30)
    KWARCHIVE_REQUEST_DEADLINE  the app's own budget per request (default 10 s, set in web/app.py): past it the
                                request answers 503 "took too long" well before `timeout` kills the worker
    KWARCHIVE_MAX_REQUESTS      requests after which a worker is recycled (default 5000, ± 500 jitter)
    KWARCHIVE_ACCESS_LOG        access log file, "-" for stderr (default), "" to switch it off
    KWARCHIVE_LOG_LEVEL         error log level (default info)
    PORT / KWARCHIVE_BIND       where to listen when no --bind is given (default 127.0.0.1:8000)

Threaded workers (web/gunicorn_worker.py, gunicorn's gthread with time limits on slow clients): each process
waits for new and kept-alive connections in one event loop and serves a request in one of KWARCHIVE_THREADS
threads, so a client that sends its headers slowly, or reads its answer slowly, holds one thread, not a process.
Searches in one process still take turns on its Searcher (they are CPU-bound; the GIL would serialise them anyway),
so the process count is what uses the cores. The app is loaded once before forking (preload_app), so workers share
the imported code, and each opens its own Searcher on first use, which follows the live index generation by
itself. A worker that dies is replaced by the master; requests on the other workers are not affected.

    KWARCHIVE_THREADS           request threads per worker (default 32): slow clients beyond that many per worker
                                wait for a free thread; put a buffering proxy (nginx) in front for more
    KWARCHIVE_HEADER_TIMEOUT    seconds a client has to send a whole request head (default 10), else 408
    KWARCHIVE_SEND_TIMEOUT      seconds one write to a client may block (default 30), else the connection closes
    KWARCHIVE_EXPORT_DEADLINE   seconds to write and send one export (default 120); a stopping worker waits this long
                                (plus 5 s) for running exports to finish before it exits
    KWARCHIVE_TRIM_AFTER_MB     growth in megabytes after which the end of a request hands freed memory back to the
                                system (malloc_trim, default 48; web/memory.py)
"""
import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from web.app import EXPORT_DEADLINE  # noqa: E402  (the repository root is not on the path when gunicorn reads this)

bind = os.environ.get("KWARCHIVE_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("KWARCHIVE_WORKERS", min(8, 2 * multiprocessing.cpu_count())))
worker_class = "web.gunicorn_worker.ThreadWorker"
threads = int(os.environ.get("KWARCHIVE_THREADS", "32"))
worker_connections = 1000
timeout = int(os.environ.get("KWARCHIVE_TIMEOUT", "30"))
graceful_timeout = int(float(os.environ.get("KWARCHIVE_EXPORT_DEADLINE", EXPORT_DEADLINE))) + 5
keepalive = 5
preload_app = True
max_requests = int(os.environ.get("KWARCHIVE_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Requests larger than this are refused by gunicorn itself (400) before the app sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("KWARCHIVE_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("KWARCHIVE_LOG_LEVEL", "info")
# One line per request: client, method, path, query, status, bytes, time in ms, index generation, user agent.
access_log_format = ('%(h)s %(m)s %(U)s "%(q)s" %(s)s %(B)s %(M)sms gen=%({x-kwarchive-generation}o)s "%(a)s"')
proc_name = "kwarchive"
