"""The ledger in the browser: the size limit is checked before anything is sent, several files go up with a
progress bar, and a task's 对应指标 follow the chosen star."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_roles import PNG

pytestmark = pytest.mark.e2e


def test_too_big_is_said_before_sending_and_several_files_go_up_together(page):
    from wuxing.evaluation.models import Evidence

    sign_in(page, "demo_branch")
    page.goto("/evaluation/")
    page.click("text=台账资料")
    page.select_option("#id_indicator_code", "U-WMXF-01")
    big = b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 + 1)
    page.set_input_files("#id_file", files=[{"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": big}])
    expect(page.locator(".upload-error")).to_contain_text("超过单个文件上限 20 MB")
    before = Evidence.objects.count()
    page.click("#evidence-form button.primary")
    expect(page.locator(".upload-error")).to_be_visible()
    assert Evidence.objects.count() == before  # nothing was sent
    page.set_input_files("#id_file", files=[
        {"name": "活动照片一.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "活动照片二.png", "mimeType": "image/png", "buffer": PNG + b"2"}])
    expect(page.locator(".upload-error")).to_be_hidden()
    page.click("#evidence-form button.primary")
    expect(page.locator(".messages")).to_contain_text("已上传 2 个文件")
    expect(page.locator("#evidence-list")).to_contain_text("活动照片二.png")
    assert Evidence.objects.count() == before + 2


def test_a_tasks_indicators_follow_its_star(page):
    sign_in(page, "demo_branch")
    page.click("text=年度创建")
    page.click("text=明湖社区 创建工作台")
    page.click("text=新增任务")
    page.wait_for_load_state()  # forms.js (deferred) has wired the select: choosing before it would race it
    page.select_option("#id_star_code", "pafz")
    visible = page.evaluate("""() => [...document.querySelectorAll('#id_indicator_codes optgroup')]
        .filter(g => !g.hidden).map(g => g.label)""")
    assert visible == ["平安法治星"]
    page.select_option("#id_star_code", "zbgy")
    visible = page.evaluate("""() => [...document.querySelectorAll('#id_indicator_codes optgroup')]
        .filter(g => !g.hidden).map(g => g.label)""")
    assert visible == ["支部过硬星"]
