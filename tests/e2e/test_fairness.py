"""Issue 17 in the browser, on a desktop and on a phone: the district records a veto that strikes a named star,
rules an objection out (不予受理), confers a flag and moves the standard by re-rating; the case-file organiser
arbitrates two diverging sheets. Set-ups go through the services the pages call."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import SYSTEM
from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_roles import campaign, no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_district_admin_records_a_veto_that_strikes_a_named_star(device):
    from wuxing.evaluation.models import Award

    award = next(a for a in Award.objects.select_related("branch").order_by("pk")
                 if any(v.star_id for s in campaign().standard_for(a.branch).stars.all()
                        if s.code in a.effective_star_codes for v in s.vetoes.all()))
    star = next(s for s in campaign().standard_for(award.branch).stars.all()
                if s.code in award.effective_star_codes and s.vetoes.all())
    before = award.effective_level
    sign_in(device, "demo_district")
    device.goto(reverse("evaluation:branch", args=[award.campaign_id, award.branch_id]) + "#vetoes")
    expect(device.locator("#vetoes")).to_contain_text("没有一票否决事件")
    device.select_option("#veto-form select[name=veto_code]", star.vetoes.all()[0].code)
    device.fill("#veto-form input[name=occurred_on]", timezone.localdate().isoformat())
    device.fill("#veto-form textarea[name=description]", "辖区发生一起刑事案件，经公安机关立案")
    device.fill("#veto-form input[name=evidence]", "经开公刑立字〔2026〕118号")
    device.click("#veto-form button.primary")
    expect(device.locator(".messages")).to_contain_text("否决事件已生效")
    expect(device.locator("#vetoes")).to_contain_text("生效")
    expect(device.locator(".page-head")).to_contain_text(["无星级", "一星级", "二星级", "三星级", "四星级"][before - 1])
    no_sideways_scroll(device)
    shot(device, "district-veto")
    device.goto(reverse("evaluation:award", args=[award.pk]))
    expect(device.locator("main")).to_contain_text("一票否决")


def test_district_admin_rules_an_objection_out_and_confers_a_flag(device):
    from wuxing.creation import services as creation
    from wuxing.evaluation.models import Objection

    objection = Objection.objects.filter(status="open").select_related("notice").first()
    c = campaign()
    # The district's own rule, lenient enough that an office of the demo wins this year.
    creation.update_campaign(SYSTEM, c, flag_min_level=1, flag_allow_zero=True)
    sign_in(device, "demo_district")
    device.goto(reverse("evaluation:notice", args=[objection.notice_id]))
    form = device.locator(f"form[action='{reverse('evaluation:objection_resolve', args=[objection.pk])}']")
    form.locator("select[name$=ruling]").select_option("rejected")
    form.locator("select[name$=rejection]").select_option("empty")
    form.locator("textarea[name$=outcome]").fill("来信未反映具体事实，经电话核实无补充材料")
    form.locator("button").click()
    expect(device.locator(".messages")).to_contain_text("异议已处理")
    expect(device.locator("#objections")).to_contain_text("不予受理")
    shot(device, "district-objection-rejected")

    device.goto(reverse("contest:flags", args=[c.pk]))
    card = device.locator(".flag-card:has(button[value=flag]:not([disabled]))").first
    card.locator("button[value=flag]").click()
    expect(device.locator(".messages")).to_contain_text("已授旗")
    expect(device.locator("main")).to_contain_text("已授旗")
    expect(device.locator("main")).to_contain_text("授予时")
    no_sideways_scroll(device)
    shot(device, "district-flag-conferred")


def test_district_admin_moves_the_standard_by_re_rating(device):
    from wuxing.standards.library import shipped_files
    from wuxing.standards.services import load_standard

    raw = next(p for p in shipped_files() if "urban" in p.name).read_text()
    raw = raw.replace("version: 1\n", "version: 2\n", 1).replace(
        "      - code: U-PAFZ-05\n", "      - code: U-PAFZ-06\n        text: 建成“无诈社区”\n"
        "        evidence: 反诈工作台账\n      - code: U-PAFZ-05\n", 1)
    assert not load_standard(SYSTEM, raw.encode()).errors
    c = campaign()
    sign_in(device, "demo_district")
    device.goto(reverse("creation:campaign", args=[c.pk]))
    device.click("text=更换标准版本")
    expect(device.locator("main")).to_contain_text("已使用，已锁定")
    device.select_option("#id_kind", "urban")
    device.select_option("#id_standard", label=device.locator("#id_standard option", has_text="第 2 版").first
                         .text_content())
    device.click("main button.primary")
    expect(device.locator("#rerate-preview")).to_contain_text("个支部星级变化")
    no_sideways_scroll(device)
    shot(device, "district-rerate-preview")
    device.click("#rerate-preview button.primary")
    expect(device.locator(".messages")).to_contain_text("已更换为")


def test_case_file_organiser_arbitrates_two_diverging_sheets(device):
    from wuxing.casefiles import services
    from wuxing.casefiles.models import SampledFile, ScoreSheet
    from wuxing.orgs.models import User

    sample = SampledFile.objects.filter(sheets__status="submitted").select_related("campaign").order_by("order").first()
    organiser = User.objects.get(username="demo_casefile")
    services.request_second_review(organiser, sample)
    sample.refresh_from_db()
    second = User.objects.get(pk=sample.second_reviewer_id)
    sheet = services.open_sheet(second, sample)
    services.save_findings(second, sheet, [{"item_code": "3.V", "note": "适用已废止条款"}])
    services.submit_sheet(second, ScoreSheet.objects.get(pk=sheet.pk))
    sign_in(device, "demo_casefile")
    device.goto(reverse("casefiles:campaign", args=[sample.campaign_id]))
    box = device.locator("#arbitration")
    expect(box).to_contain_text(sample.file.file_no)
    expect(box).to_contain_text("一方一票否决")
    box.locator("input[name=sheet]").first.check()
    box.locator("input[name=reason]").fill("经组织者复核，所引条款现行有效，采用初评结论")
    box.locator("button.primary").click()
    expect(device.locator(".messages")).to_contain_text("已仲裁")
    expect(device.locator("#sample")).to_contain_text("已仲裁")
    no_sideways_scroll(device)
    shot(device, "casefile-arbitration")
