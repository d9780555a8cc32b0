"""Each role's main journey, on a desktop and on a phone, with screenshots for the user guide.

The journeys do the work (fill, save, submit, decide, publish) through the pages, starting from the demo
district. Where a role needs a case the demo does not leave in its queue (a claim waiting for the
office or for the 平安法治星 reviewer, a notice whose period has ended), it is set up through the same
services the pages call, before the person signs in.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import SYSTEM, met_results, office_agrees
from tests.e2e.conftest import plan_three_stars, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"


def no_sideways_scroll(page):
    if page.viewport_name == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 1, f"{page.url} is {width}px wide"


def campaign():
    from wuxing.campaigns.models import Campaign

    return Campaign.objects.get()


def unit(code):
    from wuxing.orgs.models import OrgUnit

    return OrgUnit.objects.get(code=code)


def claim(code, stars, *, to_district=False):
    """The branch meets every indicator of `stars` in its self-assessment and claims them."""
    from wuxing.evaluation import services

    c, branch = campaign(), unit(code)
    services.save_self_results(SYSTEM, c, branch, met_results(c, branch, stars))
    sub = services.submit_claim(SYSTEM, c, branch, list(stars), confirmed=True)
    return office_agrees(SYSTEM, sub, "经初审，同意上报。") if to_district else sub


def test_branch_secretary_target_plan_weekly_report_evidence_and_self_assessment(device):
    sign_in(device, "demo_branch")
    assert device.locator(".topbar").bounding_box()["height"] <= 120  # the menu is one row, not a column
    shot(device, "branch-home")

    # Target and plan (研判定星, 创建计划).
    device.goto("/creation/")
    plan_three_stars(device)
    no_sideways_scroll(device)
    shot(device, "branch-workspace")

    # This week's work dynamics.
    device.goto("/weekly/")
    device.locator("#weekly-history tbody tr").first.locator("a").click()
    device.fill("#id_summary", "组织党员开展主题党日活动")
    device.fill("#id_form-0-text", "入户走访困难群众 12 户")
    device.click("button[name=submit]")
    expect(device.locator(".messages")).to_contain_text("已提交")
    device.goto("/weekly/")
    expect(device.locator("#weekly-history tbody tr").first).to_contain_text("已提交")
    no_sideways_scroll(device)
    shot(device, "branch-weekly")

    # Evidence for an indicator, then the self-assessment with the level computed live, then the claim.
    device.goto("/evaluation/")
    device.click("text=台账资料")
    device.select_option("#id_indicator_code", "U-WMXF-01")
    device.set_input_files("#id_file", files=[{"name": "文明实践活动.png", "mimeType": "image/png", "buffer": PNG}])
    device.fill("#id_description", "新时代文明实践站活动照片")
    device.click("#evidence-form button.primary")
    expect(device.locator(".messages")).to_contain_text("已上传")
    expect(device.locator("main")).to_contain_text("文明实践活动.png")
    shot(device, "branch-evidence")

    device.goto("/evaluation/")
    engine = device.locator("#engine")
    for select in device.locator("select[name^='v_U-WMXF']").all():
        select.select_option("1")
    device.fill("input[name='v_U-WMXF-05']", "95")
    device.locator("input[name='v_U-WMXF-05']").dispatch_event("change")
    expect(engine).to_contain_text("★ 文明幸福星")
    device.click("#self button.primary")
    expect(device.locator(".messages")).to_contain_text("自评已保存")
    no_sideways_scroll(device)
    shot(device, "branch-evaluation")
    # The claim shows its summary and needs the explicit confirmation.
    expect(device.locator("#claim-summary")).to_contain_text("文明幸福星")
    device.check("#claim input[name=confirm]")
    device.click("#claim button.primary")
    expect(device.locator(".messages")).to_contain_text("已申报")
    expect(device.locator("#sub-status")).to_have_text("待办事处初审")


def test_office_admin_reviews_returns_with_a_note_and_exports_the_roll_up(device):
    from wuxing.weekly.models import ReportStatus, WeeklyReport

    c, office = campaign(), unit("JK01")
    waiting = (WeeklyReport.objects.filter(campaign=c, status=ReportStatus.SUBMITTED, branch__path__startswith=office.path)
               .select_related("branch").order_by("-iso_year", "-iso_week").first())
    claim("JK0101", ["wmxf"])
    sign_in(device, "demo_office")

    # Weekly: the matrix, a week's roll-up exported, a report returned with a note.
    device.goto("/weekly/")
    expect(device.locator("#weekly-matrix")).to_be_visible()
    shot(device, "office-weekly-matrix")
    device.locator("#weekly-matrix thead a").last.click()
    expect(device.locator("h1")).to_contain_text("工作动态汇总")
    with device.expect_download() as download:
        device.click("text=导出 Word")
    assert download.value.suggested_filename.endswith(".docx")
    with device.expect_download() as download:
        device.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(device, "office-weekly-rollup")
    device.goto(reverse("weekly:rollup", args=[c.pk, office.pk, waiting.iso_year, waiting.iso_week]))
    device.locator(f"a[href='{reverse('weekly:report', args=[c.pk, waiting.branch_id, waiting.iso_year, waiting.iso_week])}']").click()
    device.fill("#id_note", "请补充本周入户走访的具体户数和照片。")
    device.click("button:has-text('退回')")
    expect(device.locator(".messages")).to_contain_text("操作成功")
    expect(device.locator("main")).to_contain_text("已退回")
    expect(device.locator("main")).to_contain_text("请补充本周入户走访的具体户数和照片。")
    no_sideways_scroll(device)
    shot(device, "office-weekly-return")
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.RETURNED

    # Star claims: the queue, an indicator judged, the claim returned with a note.
    device.goto("/evaluation/")
    expect(device.locator("#queue")).to_be_visible()
    shot(device, "office-evaluation-queue")
    device.click("nav.tabs a[href='?status=office']")
    device.locator("#queue a", has_text="明湖社区").click()
    device.select_option("select[name='a_U-WMXF-01']", "0")
    device.fill("input[name='on_U-WMXF-01']", "活动照片与会议记录日期不符")
    device.click("#office-review button")
    expect(device.locator(".messages")).to_contain_text("初审意见已保存")
    device.fill("#office-decide textarea[name=note]", "请补充 U-WMXF-01 的活动记录后重新申报。")
    device.click("#office-decide button:has-text('退回支部修改')")
    expect(device.locator(".messages")).to_contain_text("已退回支部修改")
    expect(device.locator("#sub-status")).to_have_text("退回修改")
    expect(device.locator("#sub-note")).to_contain_text("请补充 U-WMXF-01 的活动记录后重新申报。")
    no_sideways_scroll(device)
    shot(device, "office-evaluation-review")


def test_star_reviewer_decides_only_their_own_star(device):
    claim("JK0101", ["zbgy", "pafz", "wmxf"], to_district=True)
    sign_in(device, "demo_reviewer")
    device.goto("/evaluation/")
    device.click("nav.tabs a[href='?status=district']")
    device.locator("#queue a", has_text="明湖社区").click()
    section = device.locator("#district-review")
    expect(section).to_be_visible()
    # Three stars were passed by the office; only the reviewer's own (平安法治星) can be decided here.
    forms = section.locator("form:has(input[name=star_code])")
    expect(forms).to_have_count(1)
    assert forms.locator("input[name=star_code]").get_attribute("value") == "pafz"
    forms.locator("select[name=passed]").select_option("1")
    forms.locator("input[name=note]").fill("辖区全年无刑事案件，平安建设台账齐全。")
    forms.locator("button").click()
    expect(device.locator(".messages")).to_contain_text("审核意见已保存")
    expect(device.locator("#district-review")).to_contain_text("已通过")
    no_sideways_scroll(device)
    shot(device, "reviewer-district-review")


def test_district_admin_campaign_final_review_notice_naming_and_dashboard(device):
    from wuxing.evaluation import services
    from wuxing.evaluation.models import Submission, SubmissionStatus

    c = campaign()
    # A batch whose notice period ended: named by the district admin below.
    then = timezone.localdate() - dt.timedelta(days=30)
    ended = services.publish_notice(SYSTEM, c, "拟命名名单公示（第三批）", then, today=then)
    named = [s.branch.name for s in Submission.objects.filter(notice=ended).select_related("branch")]
    waiting = Submission.objects.filter(campaign=c, status=SubmissionStatus.DISTRICT).select_related("branch").first()
    sign_in(device, "demo_district")

    device.goto("/contest/")
    expect(device.locator("[data-chart=generic]").first).to_have_attribute("data-drawn", "true")
    no_sideways_scroll(device)
    shot(device, "district-dashboard")

    device.goto("/creation/")
    device.locator("main a", has_text=c.name).first.click()
    expect(device.locator("h1")).to_contain_text(c.name)
    shot(device, "district-campaign")

    # Final review: every star the office passed, then 完成审核.
    device.goto(reverse("evaluation:branch", args=[c.pk, waiting.branch_id]))
    decide = device.locator("#district-review form:has(input[name=star_code])")
    for i in range(decide.count()):
        form = device.locator("#district-review form:has(input[name=star_code])").nth(i)
        form.locator("select[name=passed]").select_option("1")  # no default: the reviewer decides
        form.locator("button").click()
        expect(device.locator(".messages")).to_contain_text("审核意见已保存")
    device.click("#district-review button.primary")
    expect(device.locator(".messages")).to_contain_text("审核完成")
    expect(device.locator("#sub-status")).to_have_text("审核完成待公示")
    shot(device, "district-final-review")

    # Public notice of what is now proposed; then naming the batch whose period has ended.
    device.goto("/evaluation/")
    device.click("text=公示与命名")
    expect(device.locator("h1")).to_contain_text("公示与命名")
    device.fill("#id_title", "拟命名名单公示（第四批）")
    device.fill("#id_starts_on", timezone.localdate().isoformat())
    device.click("main button.primary:has-text('发布公示')")
    expect(device.locator(".messages")).to_contain_text("已发布公示")
    expect(device.locator("h1")).to_contain_text("第四批")
    device.go_back()
    device.reload()
    no_sideways_scroll(device)
    shot(device, "district-notices")
    device.locator("main a", has_text="第三批").first.click()
    device.click("text=公示结束，确认命名")
    expect(device.locator(".messages")).to_contain_text(f"已命名 {len(named)} 个支部")
    device.goto("/evaluation/")
    device.click("text=命名名单")
    for name in named:
        expect(device.locator("main")).to_contain_text(name)
    shot(device, "district-naming")


def test_leader_sees_assigned_branches(device):
    sign_in(device, "demo_leader")
    device.goto("/creation/")
    device.click("text=我包联的支部")
    expect(device.locator("main")).to_contain_text("明湖社区")
    expect(device.locator("main")).not_to_contain_text("杨庄村")
    no_sideways_scroll(device)
    shot(device, "leader-view")


def test_case_file_organiser_sees_the_draw_and_the_reviewer_scores(device):
    from wuxing.casefiles.models import SampledFile

    todo = (SampledFile.objects.filter(reviewer__username="demo_auditor")
            .exclude(sheets__status="submitted").order_by("order").first())
    sign_in(device, "demo_casefile")
    device.goto("/casefiles/")
    device.click("text=2026年度行政许可案卷评查")
    expect(device.locator("#draw")).to_contain_text("20261126")
    shot(device, "casefile-campaign")
    device.context.clear_cookies()
    sign_in(device, "demo_auditor")
    device.goto("/casefiles/")
    device.click("text=2026年度行政许可案卷评查")
    device.locator("text=分配给我的案卷").locator("..").locator(f"a[href='{reverse('casefiles:sheet', args=[todo.pk])}']").click()
    expect(device.locator("h1")).to_contain_text("评查表")
    first = device.locator("input[name^=n_]:not([disabled])").first
    first.fill("1")
    device.fill(f"input[name='t_{first.get_attribute('name')[2:]}']", "申请材料缺少法定代表人签字页")
    device.locator("main button:has-text('保存')").first.click()
    expect(device.locator(".messages")).to_contain_text("已保存")
    shot(device, "casefile-sheet")
    device.click("main button:has-text('提交评查表')")
    expect(device.locator(".messages")).to_contain_text("评查表已提交")
    no_sideways_scroll(device)


def test_a_reviewed_unit_sees_only_its_own_files(device):
    sign_in(device, "demo_unit")
    device.goto("/casefiles/files/")
    rows = device.locator("#case-files tbody tr")
    expect(rows.first).to_contain_text("区市场监督管理局")
    assert all("区市场监督管理局" in t for t in rows.all_inner_texts())
    no_sideways_scroll(device)
    shot(device, "unit-files")


def test_the_public_reads_the_notice_and_objects(device):
    device.goto("/public/notices/")
    device.locator("a", has_text="第二批").click()
    expect(device.locator("#public-list")).to_be_visible()
    no_sideways_scroll(device)
    shot(device, "public-notice")
    device.fill("#id_name", "李女士")
    device.fill("#id_contact", "13900002222")
    expect(device.locator("#objection img.captcha")).to_be_visible()  # drawn by the app itself
    device.fill("#id_captcha_1", "PASSED")  # the captcha's test mode under pytest
    device.fill("#id_content", "反映该社区网格员入户走访不到位。")
    device.click("#objection button.primary")
    expect(device.locator("h1")).to_contain_text("异议已收到")
    assert re.search(r"/public/notices/\d+/", device.url)
