"""Issue 19 in the browser: each role's to-do is its home page (desktop and phone), a step tells the branch
(the bell's unread count, marked read on open), the leader's 批注 reaches the branch, and an office admin
sets up its group robot and sees the test message arrive at a robot-shaped server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose_unit, shot, sign_in
from tests.e2e.test_roles import no_sideways_scroll, unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Words a page may show in Latin letters (formats and the names of outside services).
ALLOWED = {"Excel", "Word", "PDF", "Webhook", "API", "key"}


def no_english(page):
    text = page.locator("main").inner_text()
    words = {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED}
    assert not words, f"{page.url} shows {sorted(words)}"


@pytest.mark.parametrize("username, expected, name", [
    ("demo_branch", "周动态", "branch"),
    ("demo_office", "待确认的争创目标", "office"),
    ("demo_reviewer", "待我审核的平安法治星", "reviewer"),
    ("demo_district", "公示期满待命名的批次", "district"),
    ("demo_leader", "我包联的支部", "leader"),
    ("demo_casefile", "待仲裁的案卷", "casefile"),
    ("demo_auditor", "待我评查的案卷", "auditor"),
    ("demo_unit", "待报送整改情况的整改通知", "unit"),
])
def test_each_role_opens_on_its_to_do(device, username, expected, name):
    sign_in(device, username)
    expect(device.locator("main")).to_contain_text(expected)
    expect(device.locator("section.todo").first).to_be_visible()
    no_english(device)
    no_sideways_scroll(device)
    shot(device, f"todo-{name}")
    # Every to-do link opens (no 404 for the person it is shown to).
    for href in {a.get_attribute("href") for a in device.locator("section.todo a").all()}:
        response = device.request.get(href)
        assert response.status == 200, f"{username}: {href} answered {response.status}"


def test_a_returned_report_reaches_the_branch_bell_and_is_read_on_open(device):
    from wuxing.weekly import services
    from wuxing.weekly.models import ReportStatus, WeeklyReport

    report = WeeklyReport.objects.filter(branch=unit("JK0101"), status=ReportStatus.SUBMITTED).order_by("-pk").first()
    if report is None:
        report = WeeklyReport.objects.filter(branch=unit("JK0101")).order_by("-pk").first()
        WeeklyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
        report.refresh_from_db()
    from wuxing.orgs.models import User

    services.return_report(User.objects.get(username="demo_office"), report, "请补充入户走访照片")
    sign_in(device, "demo_branch")
    bell = device.locator(".bell .count")
    expect(bell).to_be_visible()
    before = int(bell.inner_text())
    device.click(".bell")
    expect(device.locator("main")).to_contain_text("周动态被退回")
    shot(device, "notifications")
    device.locator("main a", has_text="周动态被退回").first.click()
    expect(device.locator("main")).to_contain_text("请补充入户走访照片")
    after = device.locator(".bell .count")
    if before == 1:
        expect(after).to_have_count(0)
    else:
        expect(after).to_have_text(str(before - 1))


def test_the_leader_comments_and_the_branch_reads_it(device):
    sign_in(device, "demo_leader")
    device.locator("section.todo a.button", has_text="批注").first.click()
    device.fill("#id_text", "请在月底前完成党群服务中心改造。")
    device.click("#comments button.primary")
    expect(device.locator(".messages")).to_contain_text("批注已发送")
    expect(device.locator("#comments")).to_contain_text("请在月底前完成党群服务中心改造。")
    no_sideways_scroll(device)
    shot(device, "leader-comment")
    device.context.clear_cookies()
    sign_in(device, "demo_branch")
    device.click(".bell")
    expect(device.locator("main")).to_contain_text("孙卫东对明湖社区的创建工作作了批注")


def test_the_office_admin_sets_up_its_robot_and_the_test_message_arrives(device, settings):
    from wuxing.messaging.models import Channel
    from wuxing.messaging.sending import drain
    from wuxing.messaging.sink import Sink

    with Sink() as sink:
        sign_in(device, "demo_office")
        device.click("text=单位推送渠道")
        choose_unit(device, "id_unit", "明湖社区")
        device.fill("#id_name", "明湖社区两委群")
        device.fill("#id_address", sink.webhook("mh-community"))
        device.click("main form button.primary")
        expect(device.locator(".messages")).to_contain_text("推送渠道已添加")
        row = device.locator("tr", has_text="明湖社区两委群")
        expect(row).to_contain_text("key=****")
        row.locator("button", has_text="发送测试消息").click()
        expect(device.locator(".messages")).to_contain_text("测试消息已排队")
        no_sideways_scroll(device)
        shot(device, "office-channels")
        assert drain().sent >= 1
        assert any("测试消息：明湖社区两委群" in t for t in sink.texts("mh-community"))
        # Removing it asks for a confirmation first.
        row.locator("button", has_text="删除").click()
        expect(device.locator(".messages")).to_contain_text("请先勾选“确认删除”")
        device.locator("tr", has_text="明湖社区两委群").locator("input[name=confirmed]").check()
        device.locator("tr", has_text="明湖社区两委群").locator("button", has_text="删除").click()
        expect(device.locator(".messages")).to_contain_text("推送渠道已删除")
    assert not Channel.objects.filter(name="明湖社区两委群").exists()


def test_the_district_admin_narrows_the_calendar_and_the_queue_by_typing_an_office(device):
    """Issue 21 §1 in the browser: the calendar's unit and the 评星 queue's office are chosen by typing (a province
    has thousands of offices), on desktop and phone, and the choice stays on the page after filtering."""
    sign_in(device, "demo_district")
    for url, form, field, name in (("/activities/calendar/", "main form.filters", "unit", "district-activity-calendar"),
                                   ("/evaluation/", "#queue-filters", "office", "district-evaluation-queue-office")):
        device.goto(url)
        expect(device.locator(f"{form} select[name={field}]")).to_have_count(0)
        choose_unit(device, f"id_{field}", "明湖", "明湖办事处")
        device.click(f"{form} button[type=submit]")
        expect(device.locator(f"{form} .unit-search-chosen")).to_contain_text("明湖办事处")
        assert f"{field}=" in device.url
        no_english(device)
        no_sideways_scroll(device)
        shot(device, name)
