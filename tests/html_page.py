"""Served HTML parsed the way a browser builds its tags, enough to assert on without one."""
from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    """Every start tag with its attributes (a bare attribute reads as ""), and the text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def links(self, pattern: str = "") -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a and re.search(pattern, a["href"])]


def get_page(client, url: str) -> tuple[int, Page, str]:
    response = client.get(url)
    html = response.get_data(as_text=True)
    return response.status_code, Page(html), html
