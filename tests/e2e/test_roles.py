"""Each role's main journey, on a desktop and on a phone, with screenshots for the user guide."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{width}px wide"


def test_branch_secretary(device):
    sign_in(device, "demo_branch")
    assert device.locator(".topbar").bounding_box()["height"] <= 120  # the menu is one row, not a column
    shot(device, "branch-home")
    device.goto("/creation/")
    device.click("text=明湖社区 创建工作台")
    expect(device.locator("#gaps")).to_be_visible()
    shot(device, "branch-workspace")
    device.goto("/weekly/")
    expect(device.locator("#weekly-history")).to_be_visible()
    shot(device, "branch-weekly")
    device.goto("/evaluation/")
    expect(device.locator("#engine")).to_be_visible()
    shot(device, "branch-evaluation")
    if device.viewport_name == "phone":
        no_sideways_scroll(device)


def test_office_admin_returns_a_weekly_report_and_exports_the_roll_up(device):
    sign_in(device, "demo_office")
    device.goto("/weekly/")
    expect(device.locator("#weekly-matrix")).to_be_visible()
    shot(device, "office-weekly-matrix")
    device.locator("#weekly-matrix thead a").last.click()
    expect(device.locator("h1")).to_contain_text("工作动态汇总")
    with device.expect_download() as download:
        device.click("text=导出 Word")
    assert download.value.suggested_filename.endswith(".docx")
    shot(device, "office-weekly-rollup")
    device.goto("/evaluation/")
    expect(device.locator("#queue")).to_be_visible()
    shot(device, "office-evaluation-queue")


def test_star_reviewer_decides_only_their_own_star(device):
    sign_in(device, "demo_reviewer")
    device.goto("/evaluation/")
    device.click("text=待区级审核")
    device.locator("#queue tbody a").first.click()
    section = device.locator("#district-review")
    expect(section).to_be_visible()
    # Whatever the branch claimed, only the reviewer's own star (平安法治星) can be decided here.
    assert section.locator("input[name=star_code]:not([value=pafz])").count() == 0
    shot(device, "reviewer-district-review")


def test_district_admin_dashboard_and_public_notice(device):
    sign_in(device, "demo_district")
    device.goto("/contest/")
    expect(device.locator("[data-chart=generic]").first).to_have_attribute("data-drawn", "true")
    shot(device, "district-dashboard")
    device.goto("/evaluation/")
    device.click("text=公示与命名")
    expect(device.locator("h1")).to_contain_text("公示与命名")
    shot(device, "district-notices")


def test_leader_sees_assigned_branches(device):
    sign_in(device, "demo_leader")
    device.goto("/creation/")
    device.click("text=我包联的支部")
    expect(device.locator("main")).to_contain_text("明湖社区")
    expect(device.locator("main")).not_to_contain_text("杨庄村")
    shot(device, "leader-view")


def test_case_file_organiser_sees_the_draw_and_the_reviewer_scores(device):
    sign_in(device, "demo_casefile")
    device.goto("/casefiles/")
    device.click("text=2026年度行政许可案卷评查")
    expect(device.locator("#draw")).to_contain_text("20261126")
    shot(device, "casefile-campaign")
    device.context.clear_cookies()
    sign_in(device, "demo_auditor")
    device.goto("/casefiles/")
    device.click("text=2026年度行政许可案卷评查")
    mine = device.locator("text=分配给我的案卷").locator("..").locator("a").first
    mine.click()
    expect(device.locator("h1")).to_contain_text("评查表")
    shot(device, "casefile-sheet")


def test_a_reviewed_unit_sees_only_its_own_files(device):
    sign_in(device, "demo_unit")
    device.goto("/casefiles/files/")
    rows = device.locator("#case-files tbody tr")
    expect(rows.first).to_contain_text("区市场监督管理局")
    assert all("区市场监督管理局" in t for t in rows.all_inner_texts())
    shot(device, "unit-files")


def test_the_public_reads_the_notice_and_objects(device):
    device.goto("/public/notices/")
    device.locator("a", has_text="第二批").click()
    expect(device.locator("#public-list")).to_be_visible()
    shot(device, "public-notice")
    device.fill("#id_name", "李女士")
    device.fill("#id_contact", "13900002222")
    device.fill("#id_content", "反映该社区网格员入户走访不到位。")
    device.click("#objection button.primary")
    expect(device.locator("h1")).to_contain_text("异议已收到")
    assert re.search(r"/public/notices/\d+/", device.url)
