"""The search page as a reader uses it (issue 14): Back/Forward, bad dates, long facet lists, the timeline,
keyboard only, a phone, and the small labels; each in headless Chromium against gunicorn."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def quick_timeouts(page):
    page.set_default_timeout(8000)


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def checked(page, name: str, value: str) -> bool:
    return page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


# ---- 1. Back/Forward ---------------------------------------------------------------------------------------------

def test_back_shows_the_urls_filters_and_the_next_click_builds_the_right_search(page):
    page.goto("/search?q=armistice")
    page.locator('input[name="type"][value="telegram"]').check()
    page.wait_for_url(re.compile(r"type=telegram"))
    page.go_back()
    page.wait_for_url(lambda url: "type=" not in url)
    assert not checked(page, "type", "telegram"), "Back shows a filter the URL does not have"
    page.locator('input[name="type"][value="cable"]').check()
    page.wait_for_url(re.compile(r"type=cable"))
    assert params(page.url)["type"] == ["cable"]


def test_back_shows_the_urls_sort_order(page):
    page.goto("/search?q=armistice")
    page.select_option("#sort", "date_desc")
    page.locator("#sort-apply").click()
    page.wait_for_url(re.compile(r"sort=date_desc"))
    page.go_back()
    page.wait_for_url(lambda url: "sort=" not in url)
    assert page.locator("#sort").input_value() == "relevance"
    page.go_forward()
    page.wait_for_url(re.compile(r"sort=date_desc"))
    assert page.locator("#sort").input_value() == "date_desc"


# ---- 2. Dates as people type them ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, canonical", [("June 1950", "1950-06"), ("1950/06", "1950-06"),
                                              ("25 June 1950", "1950-06-25"), ("1950-6-25", "1950-06-25")])
def test_dates_as_people_write_them_are_accepted_and_shown_canonically(page, typed, canonical):
    page.goto("/search?q=Stalin")
    page.fill("#from", typed)
    page.locator("#from").press("Enter")
    page.wait_for_url(re.compile(r"from="))
    assert page.locator("#from").input_value() == canonical
    assert page.locator(".date-error").count() == 0
    assert page.locator(".hit").count() > 0 or page.locator(".empty-state").count() == 1


@pytest.mark.parametrize("date_from, date_to, field", [("1952", "1950", "to"), ("1950-13", "", "from"),
                                                       ("1950-02-30", "", "from")])
def test_a_bad_date_keeps_the_search_and_says_what_is_wrong_beside_the_field(page, date_from, date_to, field):
    page.goto("/search?q=armistice&type=telegram")
    page.fill("#from", date_from)
    page.fill("#to", date_to)
    with page.expect_navigation() as navigation:
        page.locator("fieldset.dates button").click()
    assert navigation.value.status == 400
    assert page.locator("#q").input_value() == "armistice"
    assert checked(page, "type", "telegram")
    assert page.locator("#from").input_value() == date_from
    box = page.locator(f"#{field}")
    assert box.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{field}-error")
    assert message.is_visible() and message.inner_text().strip()
    assert f"{field}-error" in (box.get_attribute("aria-describedby") or "")


# ---- 5. Keyboard -------------------------------------------------------------------------------------------------

def test_skip_to_results_reaches_the_first_result_in_three_key_presses(page):
    page.goto("/search?q=Stalin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator(".hit__title a").first.get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first


def test_focus_returns_to_the_facet_control_after_a_toggle(page):
    page.goto("/search?q=armistice")
    box = page.locator('input[name="type"][value="telegram"]')
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"type=telegram"))
    expect(page.locator('input[name="type"][value="telegram"]')).to_be_focused()
    assert page.evaluate("window.scrollY") > 0 or page.evaluate(
        "document.activeElement.getBoundingClientRect().top") < 900


def test_the_sort_menu_does_not_submit_on_an_arrow_key(page):
    page.goto("/search?q=armistice")
    url = page.url
    page.locator("#sort").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(400)
    assert page.url == url, "an arrow key in the sort menu changed the page (WCAG 3.2.2)"
    page.locator("#sort-apply").click()
    page.wait_for_url(re.compile(r"sort="))


# ---- 7. Labels, language names, exports ----------------------------------------------------------------------------

def test_sender_and_date_from_are_named_apart(page):
    page.goto("/search?q=armistice&sender=Joseph+Stalin&from=1950-03")
    assert page.locator('fieldset[data-facet="sender"] legend').inner_text() == "Sender"
    assert page.locator('label[for="from"]').inner_text().startswith("Date from")
    chips = page.locator(".chip").all_inner_texts()
    assert any(c.startswith("Sender: Joseph Stalin") for c in chips)
    assert any(c.startswith("Date from: March 1950") for c in chips)


def test_languages_are_named_not_coded(page):
    page.goto("/search")
    labels = page.locator('fieldset[data-facet="language"] .facet__label').all_inner_texts()
    assert "English" in labels and "en" not in labels
    page.goto("/doc/nkidp-reader/17")
    language = page.locator(".metadata tr", has_text="Language").locator("td").inner_text()
    assert language.startswith("English") and "en" not in language.split()


def test_no_export_links_on_empty_results(page):
    page.goto("/search?q=zzxxqq")
    assert page.locator(".exports a").count() == 0
    page.goto("/search?q=armistice")
    assert page.locator(".exports a").count() >= 4


def test_a_bad_date_in_the_json_api_is_still_a_400_body(page):
    response = page.request.get("/api/search?q=armistice&from=1950-13")
    assert response.status == 400
    assert response.json()["error"]["parameter"] == "from"


def test_how_to_search_names_every_field_the_parser_reads(page):
    from search.query_syntax import FIELD_ALIASES

    page.goto("/search")
    page.locator(".query-help summary").click()
    examples = page.locator(".query-help__body code").all_inner_texts()
    fields = {e.split(":", 1)[0] for e in examples if re.match(r"^\w+:", e)}
    assert set(FIELD_ALIASES) <= fields


# ---- 6. Phone ----------------------------------------------------------------------------------------------------

@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(8000)
    yield tab
    context.close()


def test_phone_filters_button_at_the_top_stays_open_where_the_user_was(phone):
    phone.goto("/search?q=armistice&type=telegram")
    button = phone.get_by_role("button", name=re.compile(r"^Filters \(1\)"))
    assert button.bounding_box()["y"] < 400, "the Filters button is at the top"
    chip = phone.locator(".chip").first
    assert chip.is_visible() and chip.bounding_box()["y"] < 400, "active filters show at the top"
    assert not phone.locator('fieldset[data-facet="place"]').is_visible(), "filters wait behind the button"
    button.tap()
    place = phone.locator('fieldset[data-facet="place"] input[type="checkbox"]').nth(2)
    place.scroll_into_view_if_needed()
    top_before = place.bounding_box()["y"]
    value = place.get_attribute("value")
    place.tap()
    phone.wait_for_url(re.compile(r"place="))
    again = phone.locator(f'fieldset[data-facet="place"] input[value="{value}"]')
    expect(again).to_be_visible()
    expect(again).to_be_focused()
    assert abs(again.bounding_box()["y"] - top_before) < 60, "the page comes back where the user was"
    assert phone.get_by_role("button", name=re.compile(r"^Filters \(2\)")).get_attribute("aria-expanded") == "true"


def test_phone_filters_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search?q=armistice")
    page.get_by_role("link", name=re.compile(r"^Filters")).click()
    box = page.locator('fieldset[data-facet="type"] input[value="telegram"]')
    expect(box).to_be_visible()
    box.check()
    page.locator(".refine__apply").click()
    page.wait_for_url(re.compile(r"type=telegram.*#refine"))
    expect(page.locator('fieldset[data-facet="type"] input[value="telegram"]')).to_be_checked()
    expect(page.locator('fieldset[data-facet="type"]')).to_be_in_viewport()
    context.close()


# ---- axe-core at both sizes ----------------------------------------------------------------------------------------

AXE_PAGES = ["/search?q=Stalin+armistice&type=telegram&from=1950", "/search?q=armistice&from=1950-13",
             "/search?q=zzxxqq", "/doc/nkidp-reader/17?q=Stalin", "/compare/nkidp-reader/17"]


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("url", AXE_PAGES)
def test_axe_finds_no_violations(browser, live_server, url, size):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=live_server, viewport=size)
    tab = context.new_page()
    tab.goto(url)
    if size is PHONE and tab.locator(".filters-toggle--button").count():
        tab.locator(".filters-toggle--button").click()
    violations = Axe().run(tab).response["violations"]
    context.close()
    assert not violations, [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
                            for v in violations]


# ---- 4. Timeline -------------------------------------------------------------------------------------------------

def visible_ticks(page) -> list[dict]:
    return page.locator(".timeline__tick").evaluate_all("""els => els.filter(e => getComputedStyle(e).display !== "none").map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.textContent.trim(), left: r.left, right: r.right, top: r.top,
                size: parseFloat(getComputedStyle(e).fontSize)};
    })""")


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("url", ["/search", "/search?q=armistice&from=1950&to=1950",
                                 "/search?from=1950-06&to=1950-06", "/search?q=Stalin&from=1950-01&to=1953-12"])
def test_timeline_labels_are_legible_and_never_overlap(browser, live_server, url, size):
    context = browser.new_context(base_url=live_server, viewport=size)
    tab = context.new_page()
    tab.goto(url)
    ticks = visible_ticks(tab)
    context.close()
    assert len(ticks) >= 2, "every level of the timeline is labelled"
    assert all(t["size"] >= 11 for t in ticks), ticks
    rows: dict[float, list[dict]] = {}
    for tick in ticks:
        rows.setdefault(round(tick["top"]), []).append(tick)
    for row in rows.values():
        row.sort(key=lambda t: t["left"])
        for a, b in zip(row, row[1:]):
            assert a["right"] <= b["left"], f"{a['text']!r} overlaps {b['text']!r} at {size['width']}px"


def test_month_labels_day_level_and_zoom_out_to_the_year_then_all_years(page):
    page.goto("/search?from=1950&to=1950")
    ticks = [t["text"] for t in visible_ticks(page)]
    assert "Jun" in ticks and "Dec" in ticks, ticks
    page.locator('a.timeline__link[aria-label^="June 1950"]').click()
    page.wait_for_url(re.compile(r"from=1950-06&to=1950-06"))
    assert page.locator(".results__description").inner_text().strip().endswith("in June 1950")
    assert page.locator(".chip").count() == 1 and "June 1950" in page.locator(".chip").inner_text()
    days = page.locator("a.timeline__link")
    assert days.count() >= 2 and re.match(r"^\d{1,2} June 1950: ", days.first.get_attribute("aria-label"))
    days.first.click()
    page.wait_for_url(re.compile(r"from=1950-06-\d\d&to=1950-06-\d\d"))
    page.get_by_role("link", name="Zoom out to 1950").click()
    page.wait_for_url(re.compile(r"from=1950&to=1950$"))
    page.get_by_role("link", name="Zoom out to all years").click()
    page.wait_for_url(lambda url: "from=" not in url)


def test_gaps_between_years_are_marked(page):
    page.goto("/search")
    gaps = page.locator(".timeline__gap")
    assert gaps.count() >= 1
    label = gaps.first.get_attribute("aria-label")
    assert re.match(r"^No documents from \d{4} to \d{4}$", label), label


# ---- 3. Long facet lists find names -------------------------------------------------------------------------------

@pytest.mark.parametrize("facet, typed, wanted", [
    ("place", "Peking", "Beijing"), ("place", "Inchon", "Incheon"), ("place", "Gaeseong", "Kaesong"),
    ("person", "Chou", "Zhou Enlai"), ("person", "Mao Tse", "Mao Zedong"), ("person", "Шты", "Terentii Shtykov"),
    ("person", "김", "Kim Il Sung"), ("person", "Zhou", "Zhou Enlai"),
])
def test_the_find_box_of_a_long_facet_finds_names_in_any_spelling(page, facet, typed, wanted):
    page.goto("/search")
    group = page.locator(f'fieldset[data-facet="{facet}"]')
    group.locator(".facet__find input[type=search]").fill(typed)
    found = group.locator(".facet__found .facet__label")
    expect(found.filter(has_text=re.compile(f"^{re.escape(wanted)}$"))).to_have_count(1)
    assert not group.locator(".facet__values--top").is_visible(), "the first values hide while a filter is typed"
    group.locator(f'.facet__found input[value="{wanted}"]').click()
    page.wait_for_url(re.compile(f"{facet}="))
    assert params(page.url)[facet] == [wanted]


def test_the_facet_api_looks_names_up_in_the_authority(page):
    places = page.request.get("/api/facet/place?facet_q=Peking").json()["values"]
    assert "Beijing" in [v["value"] for v in places]
    people = page.request.get("/api/facet/person?facet_q=彭德怀").json()["values"]
    assert [v["value"] for v in people] == ["Peng Dehuai"]


def test_the_facet_window_sorts_pages_and_finds_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search?q=Stalin")
    page.locator('fieldset[data-facet="person"] a.facet__all').click()
    page.wait_for_url(re.compile(r"/search/facet/person\?q=Stalin"))
    by_count = [int(c.replace(",", "")) for c in page.locator(".facet-window .facet__count").all_inner_texts()]
    assert len(by_count) == 20 and by_count == sorted(by_count, reverse=True)
    page.get_by_role("link", name="A–Z").click()
    names = page.locator(".facet-window .facet__label").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    page.get_by_role("link", name="Next").click()
    more = page.locator(".facet-window .facet__label").all_inner_texts()
    assert more and more[0].casefold() >= names[-1].casefold()
    page.fill("#facet-window-q", "Chou")
    page.locator("#facet-window-q").press("Enter")
    page.wait_for_url(re.compile(r"facet_q=Chou"))
    assert page.locator(".facet-window .facet__label").all_inner_texts() == ["Zhou Enlai"]
    page.locator(".facet-window a", has_text="Zhou Enlai").click()
    page.wait_for_url(re.compile(r"/search\?q=Stalin&person=Zhou"))
    assert params(page.url)["person"] == ["Zhou Enlai"]
    context.close()


def test_the_year_facet_is_in_year_order(page):
    page.goto("/search")
    years = page.locator('fieldset[data-facet="year"] input[name="year"]').evaluate_all("els => els.map(e => e.value)")
    assert len(years) >= 5 and years == sorted(years)


# ---- exclusions, corrections and names (issue 12) on the same page -------------------------------------------------

def heading_count(page) -> int:
    return int(re.match(r"([\d,]+) documents?", page.locator("#results-heading").inner_text()).group(1)
               .replace(",", ""))


def test_excluding_a_facet_value_shows_a_chip_and_keeps_its_count(page):
    page.goto("/search?q=armistice")
    everything = heading_count(page)
    telegram = page.locator('fieldset[data-facet="type"] .facet__value', has=page.locator("text=telegram")).first
    telegrams = int(telegram.locator(".facet__count").inner_text())
    page.get_by_role("link", name="Exclude telegram").click()
    expect(page).to_have_url(re.compile(r"type=-telegram"))
    assert heading_count(page) == everything - telegrams
    expect(page.locator(".chip", has_text="Type: not telegram")).to_be_visible()
    excluded = page.locator(".facet__value--excluded")
    expect(excluded.locator("s.facet__label")).to_have_text("telegram")
    expect(excluded.locator(".facet__count")).to_have_text(str(telegrams))  # disjunctive: what leaving it out left
    expect(page.locator(".results__description")).to_contain_text("not of type telegram")
    page.locator(".chip", has_text="Type: not telegram").click()
    assert "type" not in params(page.url) and heading_count(page) == everything


def test_a_corrected_search_says_so_and_searches_as_typed_on_request(page):
    page.goto("/search?q=armstice+talks+Kaesung")
    expect(page.locator(".correction")).to_contain_text("Showing results for armistice talks Kaesong")
    corrected = heading_count(page)
    page.locator("a.search-instead").click()
    expect(page.locator(".as-typed")).to_contain_text("Searched exactly as typed")
    assert params(page.url)["typos"] == ["off"] and heading_count(page) < corrected
    page.get_by_role("link", name="Forgive typos").click()
    assert "typos" not in params(page.url) and heading_count(page) == corrected


def test_a_chosen_name_suggestion_searches_that_person(page):
    page.goto("/search")
    page.locator("#q").press_sequentially("armistice Mao Tse", delay=30)
    option = page.locator("#name-suggestions option").first
    option.wait_for(state="attached")
    assert option.get_attribute("value") == "armistice Mao Zedong"  # the typed words replaced, never quoted
    assert option.get_attribute("label").startswith("armistice Mao Tse")  # so the browser keeps listing it
    page.locator("#q").fill(option.get_attribute("value"))
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"q=armistice\+Mao\+Zedong"))
    chosen = heading_count(page)
    page.goto("/search?q=armistice+毛泽东")
    assert heading_count(page) == chosen > 0
