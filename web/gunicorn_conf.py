"""gunicorn settings for kwarchive; every value can be overridden from the environment.

    KWARCHIVE_WORKERS           worker processes (default: 2 × CPUs, at most 8)
    KWARCHIVE_TIMEOUT           seconds a worker may stay silent before the master replaces it (default 30)
    KWARCHIVE_REQUEST_DEADLINE  the app's own budget per request (default 10 s, set in web/app.py): past it the
                                request answers 503 "took too long" well before `timeout` kills the worker
    KWARCHIVE_MAX_REQUESTS      requests after which a worker is recycled (default 5000, ± 500 jitter)
    KWARCHIVE_ACCESS_LOG        access log file, "-" for stderr (default), "" to switch it off
    KWARCHIVE_LOG_LEVEL         error log level (default info)
    PORT / KWARCHIVE_BIND       where to listen when no --bind is given (default 127.0.0.1:8000)

Sync workers: a search is CPU-bound and short, so one request per process is the simplest thing that uses every
core; the app is loaded once before forking (preload_app), so workers share the imported code, and each opens
its own Searcher on first use, which follows the live index generation by itself. A worker that dies (or is
killed) is replaced by the master; requests on the other workers are not affected.
"""
import multiprocessing
import os

bind = os.environ.get("KWARCHIVE_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("KWARCHIVE_WORKERS", min(8, 2 * multiprocessing.cpu_count())))
worker_class = "sync"
timeout = int(os.environ.get("KWARCHIVE_TIMEOUT", "30"))
graceful_timeout = 20
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
