"""gunicorn settings for kwarchive; every value can be overridden from the environment.

    KWARCHIVE_WORKERS   worker processes (default: 2 × CPUs, at most 8)
    KWARCHIVE_TIMEOUT   seconds a request may take before its worker is replaced (default 30)
    PORT                port on 127.0.0.1 when no --bind is given (default 8000)

The app is loaded once before forking (preload_app), so workers share the imported code; each worker opens its
own Searcher on first use, which follows the live index generation by itself.
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
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("KWARCHIVE_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KWARCHIVE_LOG_LEVEL", "info")
# %(M)s is the request time in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "kwarchive"
