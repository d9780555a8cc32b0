"""Official documents from the pages that issue them, in the browser: the office numbers a past week's
roll-up and prints it as PDF; the organiser prints the circular; each page says the number it took."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS, sign_in
from wuxing.core import pdf

pytestmark = pytest.mark.e2e
needs_pdf = pytest.mark.skipif(not pdf.soffice() or not shutil.which("pdftoppm"),
                               reason="LibreOffice and poppler are installed by .ci/run")


@needs_pdf
def test_the_office_numbers_the_roll_up_and_prints_it(page):
    sign_in(page, "demo_office")
    page.goto("/weekly/")
    page.locator("#weekly-matrix thead a").first.click()  # the oldest week shown: its deadline has passed
    expect(page.locator("h1")).to_contain_text("工作动态汇总")
    page.click("button:has-text('编号印发')")  # without the tick: refused, nothing numbered
    expect(page.locator(".messages")).to_contain_text("请先勾选“确认编号”")
    page.check("input[name=confirmed]")
    page.click("button:has-text('编号印发')")
    expect(page.locator(".messages")).to_contain_text("已编号印发：明湖工〔")
    expect(page.locator("main")).to_contain_text("已编号印发，文号 明湖工〔")
    with page.expect_download() as download:
        page.click("text=PDF打印版")
    data = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename.endswith(".pdf") and data.startswith(b"%PDF")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "check-rollup.pdf").write_bytes(data)
    page.screenshot(path=str(SHOTS / "check-rollup-page.png"), full_page=True)


@needs_pdf
def test_the_organiser_prints_the_circular(page):
    sign_in(page, "demo_casefile")
    page.goto("/casefiles/")
    page.click("text=2026年度行政许可案卷评查")
    with page.expect_download() as download:
        page.click("text=通报（PDF打印版）")
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    (SHOTS / "check-circular.pdf").write_bytes(data)
