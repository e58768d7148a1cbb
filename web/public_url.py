"""The site's public address: every absolute URL that leaves the site (OpenSearch, Atom, exports, citations,
OpenAPI `servers`, the "Copy link" button) is built here, from the configured `BASE_URL` when there is one and
otherwise from a Host header that `TRUSTED_HOSTS` has already checked, so a forged Host header cannot put
another site's address into a feed or a cached page.

    KWARCHIVE_BASE_URL       the public address, e.g. https://archive.example.org or https://example.org/kwarchive
    KWARCHIVE_TRUSTED_HOSTS  host names the service answers to, comma-separated (".example.org" covers
                             subdomains); default: localhost, 127.0.0.1 and the host of BASE_URL. Others get 400.
    KWARCHIVE_PROXY_FIX      how many proxies in front set X-Forwarded-For/-Proto/-Host/-Prefix (default 0: the
                             headers are ignored, since any client could send them)
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def base_url(value) -> str:
    """'https://example.org/kwarchive/' → 'https://example.org/kwarchive'; an unusable value is a startup error."""
    text = str(value or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"KWARCHIVE_BASE_URL must look like https://archive.example.org[/path], got {text!r}")
    return text.rstrip("/")


def trusted_hosts(value, base: str) -> list[str]:
    """The allowlist from a list or a comma/space-separated string; empty means the local names plus BASE_URL's."""
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value or ())
    if not names:
        names = list(LOCAL_HOSTS)
    if base and urlsplit(base).hostname not in names:
        names.append(urlsplit(base).hostname)
    return names


def public_root() -> str:
    """The public address without a trailing slash (read it before a streamed body outlives the request)."""
    return current_app.config.get("BASE_URL") or request.url_root.rstrip("/")


def absolute_url(path: str, root: str | None = None) -> str:
    """`path` (the app's own, starting with '/', query included) as an absolute URL on the public address."""
    return (root if root is not None else public_root()) + (path if path.startswith("/") else "/" + path)


def current_url() -> str:
    """The URL of this request on the public address (for "Copy link" and Atom's self link)."""
    query = request.query_string.decode("latin-1")
    return absolute_url(request.path + (f"?{query}" if query else ""))


def register(app: Flask) -> None:
    base = base_url(app.config.get("BASE_URL"))
    app.config["BASE_URL"] = base
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"), base)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
    app.jinja_env.globals.update(absolute_url=absolute_url, current_url=current_url)
