"""The catalogue's working tools in Chromium: versions side by side (desktop and phone), selected items (select,
reload, export, share the URL), the advanced search form, and previous/next within a result list."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import rispy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_compare_versions_side_by_side(page, artifacts):
    page.goto("/search?q=divisions&per_page=100")
    grouped = page.locator(".hit:has(.hit__versions a[href='/doc/nkidp-reader/16'])")
    grouped.locator(".hit__compare").click()
    page.wait_for_url(re.compile(r"/compare/"))
    columns = page.locator(".compare__row--head .compare__cell")
    assert columns.count() == 4
    assert page.locator("mark.diff").count() > 0  # wording differences marked
    to_row = page.locator("xpath=//table[@class='compare__metadata']//tr[th[normalize-space(text())='To']]")
    assert to_row.locator(".compare__differs").count() == 1  # Roshchin in one version, Zhou Enlai in the others
    assert "Nikolai Roshchin" in to_row.inner_text() and "Zhou Enlai" in to_row.inner_text()
    body_text = page.locator(".compare__text").inner_text()
    assert "nine" in body_text and "9" in body_text
    first_row = page.locator(".compare__row:not(.compare__row--head)").first.locator(".compare__cell")
    boxes = [first_row.nth(i).bounding_box() for i in range(first_row.count())]
    assert len({round(b["y"]) for b in boxes}) == 1 and len({round(b["x"]) for b in boxes}) == 4  # columns
    page.screenshot(path=str(artifacts / "compare-desktop.png"), full_page=False)

    phone = page.context.browser.new_context(base_url=page.url.split("/compare")[0],
                                             viewport={"width": 390, "height": 844}, java_script_enabled=False)
    tab = phone.new_page()
    tab.goto(urlsplit(page.url).path)
    cells = tab.locator(".compare__row:not(.compare__row--head)").first.locator(".compare__cell")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert len({round(b["x"]) for b in boxes}) == 1 and len({round(b["y"]) for b in boxes}) == cells.count()  # stacked
    assert tab.locator(".compare__version").first.is_visible()
    tab.screenshot(path=str(artifacts / "compare-phone.png"), full_page=False)
    phone.close()


def test_document_page_links_to_the_compare_view(page):
    page.goto("/doc/nkidp-reader/16")
    page.locator(".versions__compare").click()
    page.wait_for_url(re.compile(r"/compare/nkidp-reader/16$"))
    assert page.locator(".compare__row--head .compare__cell").count() == 4


def test_selected_items_select_reload_export_and_share(page, browser, live_server, artifacts):
    page.goto("/search?q=Stalin&per_page=10")
    buttons = page.locator(".hit .js-select")
    chosen = [buttons.nth(i).get_attribute("data-id") for i in (0, 2)]
    buttons.nth(0).click()
    buttons.nth(2).click()
    assert buttons.nth(0).get_attribute("aria-pressed") == "true"
    assert page.locator(".js-selected-count").inner_text() == "(2)"
    page.goto("/doc/nkidp-reader/47")
    page.locator(".document__select .js-select").click()
    chosen.append("nkidp-reader/47")
    page.reload()
    assert page.locator(".document__select .js-select").get_attribute("aria-pressed") == "true"
    assert page.locator(".js-selected-count").inner_text() == "(3)"

    page.locator(".selected-link").click()
    page.wait_for_url(re.compile(r"/selected\?ids="))
    assert page.locator(".selected__list li").evaluate_all("els => els.map(e => e.dataset.id)") == chosen
    page.screenshot(path=str(artifacts / "selected.png"), full_page=True)
    with page.expect_download() as download_info:
        page.locator(".exports a", has_text="RIS").click()
    records = rispy.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == chosen
    assert next(r for r in records if r["id"] == "nkidp-reader/47")["date"] == "1951/06//"

    share = page.locator(".selected__url").get_attribute("href")
    assert parse_qs(urlsplit(share).query)["ids"] == [",".join(chosen)]
    stranger = browser.new_context(base_url=live_server, java_script_enabled=False)  # another person, no script
    tab = stranger.new_page()
    tab.goto(urlsplit(share).path + "?" + urlsplit(share).query)
    assert tab.locator(".selected__list li").count() == 3
    assert "/selected?ids=" in tab.locator(".exports a", has_text="BibTeX").get_attribute("href")
    stranger.close()

    page.locator(".selected__list .js-select").first.click()  # remove one
    page.wait_for_url(re.compile(r"/selected\?ids="))
    assert page.locator(".selected__list li").count() == 2


def test_advanced_search_composes_the_query_syntax(page, artifacts):
    page.goto("/")
    page.locator(".advanced-link").click()
    page.wait_for_url(re.compile(r"/advanced$"))
    page.fill("#adv-all", "Chinese divisions")
    page.fill("#adv-none", "airfield")
    page.fill("#adv-sender", "Filippov")
    page.select_option("#adv-type", "telegram")
    page.fill("#adv-from", "1950")
    page.fill("#adv-to", "1950-12")
    page.select_option("#adv-sort", "date_asc")
    page.screenshot(path=str(artifacts / "advanced.png"), full_page=True)
    page.locator(".advanced button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert page.locator("#q").input_value() == "+Chinese +divisions -airfield from:Filippov"
    query = parse_qs(urlsplit(page.url).query)
    assert query["type"] == ["telegram"] and query["from"] == ["1950"] and query["sort"] == ["date_asc"]
    assert page.locator(".hit").count() > 0


def test_previous_next_within_the_results_and_back_to_the_whole_search(page):
    page.goto("/search?type=telegram&from=1950-06&to=1950-12&sort=date_asc&per_page=10")
    page.locator(".hit__title a").nth(9).click()
    page.wait_for_url(re.compile(r"hit=10"))
    assert re.match(r"10 of \d+", page.locator(".trail__position").inner_text())
    page.locator(".trail__next").click()
    page.wait_for_url(re.compile(r"hit=11"))
    assert page.locator(".trail__position").inner_text().startswith("11 of")
    page.locator(".trail__back").click()
    page.wait_for_url(re.compile(r"/search\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["type"] == ["telegram"] and query["sort"] == ["date_asc"] and query["page"] == ["2"]
    assert query["from"] == ["1950-06"] and query["per_page"] == ["10"]
