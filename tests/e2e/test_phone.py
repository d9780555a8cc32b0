"""Phones (issue 20 §5), at 390 px: the menu is a drawer with every item, taps are at least 44 px, a wide
table keeps its first column in place while it scrolls, and the public notice shows every column."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS, sign_in

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone390(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    page = context.new_page()
    yield page
    context.close()


def _look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"check-{name}.png"), full_page=True)


def test_the_menu_opens_as_a_drawer_with_every_item_and_taps_are_44px(phone390):
    sign_in(phone390, "demo_district")
    links = phone390.locator("nav.nav a")
    count = links.count()
    assert count >= 9
    expect(links.first).to_be_hidden()  # closed: the bar holds the brand, 菜单 and the account
    phone390.click("text=菜单")
    for i in range(count):
        link = links.nth(i)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390, (link.inner_text(), box)
    _look(phone390, "phone-menu")
    phone390.click("nav.nav >> text=评星标准")
    expect(phone390.locator("h1")).to_contain_text("评星标准")
    # Buttons, fields and selects of a form page are finger-sized.
    phone390.goto("/orgs/users/")
    small = phone390.evaluate("""() => [...document.querySelectorAll(
        'main button, main .button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
        .filter(([_h, height]) => height < 44)""")
    assert not small, small
    assert phone390.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_wide_table_keeps_its_first_column_while_it_scrolls(phone390):
    sign_in(phone390, "demo_district")
    phone390.goto("/orgs/users/")
    wrap = phone390.locator(".table-wrap").first
    first = wrap.locator("tbody tr").first.locator("td").first
    before = first.bounding_box()
    wide = phone390.evaluate("e => e.scrollWidth > e.clientWidth", wrap.element_handle())
    assert wide, "the user list should be wider than a phone"
    phone390.evaluate("e => { e.scrollLeft = 200; }", wrap.element_handle())
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) < 1  # sticky
    last = wrap.locator("tbody tr").first.locator("td").last
    assert last.bounding_box()["x"] < 390  # the rest came into view
    _look(phone390, "phone-wide-table")


def test_the_public_notice_shows_every_column_at_390px(phone390):
    phone390.goto("/public/notices/")
    phone390.locator("main a", has_text="第二批").first.click()
    rows = phone390.locator("#public-list tbody tr")
    expect(rows.first).to_be_visible()
    assert phone390.evaluate("document.documentElement.scrollWidth") <= 390
    cells = rows.first.locator("td")
    assert cells.count() == 5
    for i in range(5):
        box = cells.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
    labels = phone390.evaluate("""() => [...document.querySelectorAll('#public-list tbody tr:first-child td')]
        .map(td => getComputedStyle(td, '::before').content)""")
    assert labels == ['"序号："', '"支部："', '"所属办事处："', '"拟命名星级："', '"星："']
    expect(phone390.locator(".share-card img")).to_be_visible()
    expect(phone390.locator("article")).to_contain_text("监督电话")
    _look(phone390, "phone-public-notice")


def test_the_dashboard_charts_fit_a_phone(phone390):
    sign_in(phone390, "demo_district")
    phone390.goto("/contest/")
    phone390.locator("main a").filter(has_text="看板").first.click() if phone390.locator("[data-chart]").count() == 0 else None
    charts = phone390.locator("[data-chart]")
    expect(charts.first).to_have_attribute("data-drawn", "true", timeout=15000)
    assert phone390.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone390.locator("main")).to_contain_text("要求不低于")  # the flag rule beside its figure
    _look(phone390, "phone-dashboard")
