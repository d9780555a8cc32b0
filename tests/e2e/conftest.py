"""Browser tests: Playwright for Python driving Debian's Chromium, never a downloaded browser."""

from __future__ import annotations

import os
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("WUXING_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


_DEMO_SNAPSHOT: dict[str, Path] = {}


@pytest.fixture
def demo(transactional_db, tmp_path_factory):
    """The demo district. Loading it takes seconds, so on SQLite the first load is kept as a snapshot
    (SQLite's online backup) and each later test copies the snapshot back in; the cache, which holds
    the rollups' version stamp and cached pages, starts empty every time."""
    import shutil
    import sqlite3

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    from wuxing.seed.demo import load_demo

    cache.clear()
    if connection.vendor != "sqlite":
        load_demo()
        return
    connection.ensure_connection()
    snapshot = _DEMO_SNAPSHOT.get("path")
    if snapshot is None:
        load_demo()
        snapshot = tmp_path_factory.getbasetemp() / "demo.sqlite3"
        with sqlite3.connect(snapshot) as target:
            connection.connection.backup(target)
        _DEMO_SNAPSHOT["path"] = snapshot
        # The demo's stored files (scanned dossiers) go with the snapshot into each later test's media folder.
        _DEMO_SNAPSHOT["media"] = tmp_path_factory.getbasetemp() / "demo-media"
        shutil.copytree(settings.MEDIA_ROOT, _DEMO_SNAPSHOT["media"], dirs_exist_ok=True)
    else:
        shutil.copytree(_DEMO_SNAPSHOT["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
        source = sqlite3.connect(snapshot)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    external = []

    def guard(route):
        # Any request leaving the live server is a bug: no CDN, no web fonts.
        external.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(live_server.url), guard)
    yield page
    context.close()
    assert not external, f"page tried to load from outside: {external}"


@pytest.fixture
def phone(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def sign_in(page, username, password="Wuxing@2026"):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def plan_three_stars(page):
    """demo_branch, signed in, on its workspace: aims for three stars and plans one task for 支部过硬星."""
    page.click("text=明湖社区 创建工作台")
    page.click("text=研判并设定目标")
    for code in ("zbgy", "pafz", "wmxf"):
        page.check(f"input[name=star_codes][value={code}]")
    page.fill("#id_weaknesses", "网格员力量不足")
    page.click("main button.primary")
    expect(page.locator("#target")).to_contain_text("争创三星级")
    page.click("text=新增任务")
    page.fill("#id_title", "网格党支部全覆盖")
    page.select_option("#id_star_code", "zbgy")
    page.select_option("#id_indicator_codes", ["U-ZBGY-04"])
    page.fill("#id_responsible_name", "张丽华")
    page.fill("#id_due_date", "2026-12-31")
    page.click("main button.primary")
    expect(page.locator("#plan")).to_contain_text("网格党支部全覆盖")
    expect(page.locator("#gaps")).to_contain_text("已列任务")


SHOTS = Path(os.environ.get("WUXING_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))
VIEWPORTS = {"desktop": {"viewport": {"width": 1280, "height": 900}},
             "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}}


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots():
    """The guide may only show screens of this run: screenshots of an earlier run are removed first."""
    if SHOTS.exists():
        for old in SHOTS.glob("*.png"):
            old.unlink()


@pytest.fixture(params=list(VIEWPORTS))
def device(request, browser, live_server, demo):
    """A fresh page in each viewport; requests to any other host fail the test."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **VIEWPORTS[request.param])
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.viewport_name = request.param
    yield page
    context.close()
    assert not outside, outside


def shot(page, name: str) -> None:
    """Save a screenshot for the user guide: var/screenshots/<name>-<viewport>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def choose_unit(page, field_id: str, words: str, pick: str | None = None) -> None:
    """Type into a unit chooser (orgs/search.py) and click the result that reads `pick` (or the first one)."""
    page.wait_for_load_state()  # htmx (deferred) listens to the box only once the page has loaded
    page.fill(f"#{field_id}", words)
    results = page.locator(f"#{field_id} ~ .unit-search-results .unit-search-pick")
    target = results.filter(has_text=pick).first if pick else results.first
    target.click()
