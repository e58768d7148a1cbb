"""Jinja filters and globals shared by the templates: labels, plain text from highlighted HTML, document URLs."""
from __future__ import annotations

import html
import re

from functools import lru_cache

import icu
from flask import Flask, url_for
from markupsafe import Markup

from search.result import doc_url

_TAG_RE = re.compile(r"<[^>]*>")


def plain_text(highlighted: str) -> str:
    """Text of a highlighted HTML fragment (search escapes everything and adds only <mark>)."""
    return html.unescape(_TAG_RE.sub("", highlighted or ""))


def compare_path(doc_id: str) -> str:
    """The compare page of a document's version group."""
    collection, _, number = doc_id.partition("/")
    return url_for("compare.compare", collection=collection, number=number)


def safe_highlight(fragment: str) -> Markup:
    """Trust search's highlighted HTML only as far as `<mark>`: re-escape, then restore the marks."""
    text = html.escape(plain_text(fragment.replace("<mark>", "\x01").replace("</mark>", "\x02")), quote=False)
    return Markup(text.replace("\x01", "<mark>").replace("\x02", "</mark>"))


def join_names(names) -> str:
    return ", ".join(n for n in names or () if n)


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """'ru' → 'Russian' (ICU's English display name); a code ICU does not know is shown as written."""
    name = icu.Locale(code).getDisplayName(icu.Locale("en")) if code else ""
    return name if name and name.casefold() != code.casefold() else code


def thousands(value: int) -> str:
    return f"{int(value):,}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        plain=plain_text, highlight=safe_highlight, names=join_names, thousands=thousands,
        language=language_name,
    )
    app.jinja_env.globals.update(doc_url=doc_url, compare_url=compare_path)
