"""The site in a real browser: headless Chromium driven by Playwright against gunicorn on loopback."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from hostile import COLLECTION, SCRIPT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERIOUS = {"serious", "critical"}


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def hit_titles(page) -> list[str]:
    return page.locator(".hit__title").all_inner_texts()


def search_for(page, words: str) -> None:
    page.goto("/")
    page.fill("#q", words)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))


def click_and_wait(page, locator, pattern: str) -> None:
    locator.click()
    page.wait_for_url(re.compile(pattern))


def test_query_facets_dates_and_timeline(page):
    search_for(page, "Stalin")
    assert page.locator(".hit__snippet mark").count() > 0
    assert page.locator(".hit__title mark").first.is_visible()

    click_and_wait(page, page.locator('input[name="type"][value="telegram"]'), r"type=telegram")
    sender = page.locator('input[name="sender"]').first
    sender_name = sender.get_attribute("value")
    click_and_wait(page, sender, r"sender=")
    state = params(page.url)
    assert state["type"] == ["telegram"] and state["sender"] == [sender_name]
    assert page.locator(".chip").count() >= 2

    page.fill("#from", "1950")
    page.fill("#to", "1952")
    page.locator("fieldset.dates button").click()
    page.wait_for_url(re.compile(r"from=1950.*to=1952"))
    state = params(page.url)
    assert state["type"] == ["telegram"] and state["sender"] == [sender_name]
    total_before = page.locator(".hit").count()
    assert total_before > 0

    bar = page.locator("a.timeline__link").first
    label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url(lambda url: params(url).get("from") != ["1950"])
    state = params(page.url)
    assert state["from"] == state["to"], "a bar narrows the range to its own year or month"
    count = int(label.rsplit(": ", 1)[1].split()[0])
    assert page.locator(".hit").count() == min(count, 20)


def test_paginate_and_reload_gives_the_same_page(page, browser, live_server):
    page.goto("/search?q=Mao&sort=date_asc")
    first_page = hit_titles(page)
    click_and_wait(page, page.locator('.pager a[rel="next"]'), r"page=2")
    second_page = hit_titles(page)
    assert second_page and second_page != first_page
    saved = page.url
    page.reload()
    assert page.url == saved and hit_titles(page) == second_page
    other = browser.new_context(base_url=live_server).new_page()
    other.goto(saved)
    assert hit_titles(other) == second_page
    other.context.close()


def test_open_a_document_and_follow_a_version_link(page):
    search_for(page, "Shtykov Stalin")
    with_versions = page.locator(".hit", has=page.locator(".hit__versions")).first
    with_versions.locator(".hit__title a").click()
    page.wait_for_url(re.compile(r"/doc/[^/]+/[^/?]+\?q="))
    assert page.locator(".document__body mark").count() > 0
    citation = page.locator("#citation-text").inner_text()
    assert citation.endswith(urlsplit(page.url).path + ".") and ".." not in citation  # Chicago: URL, one full stop
    here = urlsplit(page.url).path
    version = page.locator(".versions li a").first
    version.click()
    page.wait_for_url(lambda url: urlsplit(url).path != here)
    assert urlsplit(page.url).path.startswith("/doc/")
    assert page.locator("h1#doc-title").is_visible()


def test_export_csv(page):
    page.goto("/search?q=armistice&from=1951")
    total = int(page.locator(".results__heading").inner_text().split()[0].replace(",", ""))
    with page.expect_download() as download_info:
        page.locator(".exports a", has_text="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv") and "armistice" in download.suggested_filename
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == total


def test_hostile_document_runs_no_script(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/search?q=quagga&collection={COLLECTION}")
    assert any(SCRIPT in title for title in hit_titles(page))
    page.goto(f"/doc/{COLLECTION}/1?q=quagga")
    assert "<img src=x onerror" in page.locator(".document__body").inner_text()
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search?q=Stalin")
    page.locator('input[name="type"][value="letter"]').check()
    page.locator(".refine__apply").click()
    page.wait_for_url(re.compile(r"type=letter"))
    assert params(page.url)["q"] == ["Stalin"]
    assert page.locator(".hit").count() > 0
    context.close()


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("url", ["/search?q=Stalin+armistice", "/doc/nkidp-reader/17?q=Stalin", "/search?q=zzxxqq",
                                 "/doc/none/0"])
def test_accessibility_has_no_serious_violations(page, url):
    page.goto(url)
    found = axe_violations(page)
    assert not found, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in found]


@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_screenshots(browser, live_server, artifacts, width, height, name):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height})
    page = context.new_page()
    for kind, url in (("search", "/search?q=Stalin+armistice"), ("doc", "/doc/nkidp-reader/17?q=Stalin")):
        page.goto(url)
        path = artifacts / f"{kind}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{kind} page scrolls sideways at {width}px"
    context.close()


def test_long_facet_show_all_and_filter_box_and_name_suggestions(page):
    page.goto("/")
    people = page.locator('fieldset[data-facet="person"]')
    people.locator(".facet__find-input").fill("kim")
    people.locator(".facet__found .facet__value").first.wait_for()
    found = people.locator(".facet__found .facet__label").all_inner_texts()
    assert "Kim Il Sung" in found and people.locator(".facet__values--top").is_hidden()

    page.locator("#q").press_sequentially("Filipp", delay=30)
    page.locator("#name-suggestions option").first.wait_for(state="attached")
    options = page.locator("#name-suggestions option").evaluate_all("els => els.map(e => e.value)")
    assert any("Joseph Stalin" in value for value in options)
