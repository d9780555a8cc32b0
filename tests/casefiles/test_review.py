import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from tests.xlsx import xlsx
from wuxing.casefiles import services
from wuxing.casefiles.models import CaseFile, SampledFile, ScoreSheet

pytestmark = pytest.mark.django_db


def test_the_same_campaign_and_seed_give_the_identical_sample_in_a_test_and_through_the_command(review, capsys):
    stored = services.draw_sample(review.organiser, review.campaign, 20261126)
    drawn = [(s.file.unit.code, s.file.file_no) for s in stored]
    assert len(drawn) == 8  # 4 from TA1, ceil(20 × 20%) = 4 from TA2
    call_command("casefiles", "draw", str(review.campaign.pk), "--seed", "20261126")
    printed = [tuple(line.split("\t")) for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    assert printed == drawn
    review.campaign.refresh_from_db()
    assert review.campaign.seed == 20261126 and "HMAC-SHA256" in review.campaign.algorithm
    assert review.campaign.frame["TA1"] == [f"SC-{i:03d}" for i in range(20)]
    assert services.compute_draw(review.campaign, 1) != services.compute_draw(review.campaign, 20261126)


def test_the_draw_ignores_files_outside_the_window_and_other_units(review):
    CaseFile.objects.filter(file_no="SC-000").update(decided=dt.date(2025, 12, 31))
    frame = services.frame_of(review.campaign)
    assert "SC-000" not in frame["TA1"] and set(frame) == {"TA1", "TA2"}


def test_reviewers_never_get_files_of_their_own_unit(review):
    services.draw_sample(review.organiser, review.campaign, 7)
    services.assign_reviewers(review.organiser, review.campaign)
    home = {r.pk: r.role_assignments.first().unit_id for r in review.reviewers}
    for s in SampledFile.objects.select_related("file"):
        assert home[s.reviewer_id] != s.file.unit_id


def test_a_score_sheet_suggests_findings_needs_reasons_to_waive_and_scores(review):
    CaseFile.objects.filter(file_no__startswith="SC").update(published=None)  # T19: no publication
    services.draw_sample(review.organiser, review.campaign, 3)
    services.assign_reviewers(review.organiser, review.campaign)
    sample = SampledFile.objects.filter(file__unit=review.a1).first()
    reviewer = type(review.organiser).objects.get(pk=sample.reviewer_id)
    with pytest.raises(PermissionDenied):
        services.open_sheet(review.organiser, sample)
    sheet = services.open_sheet(reviewer, sample)
    auto = sheet.findings.get()
    assert auto.item_code == "7.2" and "未见公示记录" in auto.computation
    with pytest.raises(ValidationError, match="理由"):
        services.save_findings(reviewer, sheet, [{"item_code": "7.2", "source": "auto", "waived": True}])
    services.save_findings(reviewer, sheet, [{"item_code": "7.2", "source": "auto"},
                                             {"item_code": "3.2", "occurrences": 3, "page_ref": "12", "note": "未引到款项"}])
    sheet = services.submit_sheet(reviewer, ScoreSheet.objects.get(pk=sheet.pk))
    assert sheet.score == Decimal("95.0") and sheet.band == "优秀"  # 100 − 2 (7.2) − 3 (3.2: 3 × 1)
    with pytest.raises(ValidationError):
        services.save_findings(reviewer, sheet, [])


def test_a_veto_item_zeroes_the_file(review):
    CaseFile.objects.filter(file_no__startswith="JS").update(decided=dt.date(2026, 9, 30))  # far beyond 20 days
    services.draw_sample(review.organiser, review.campaign, 3)
    services.assign_reviewers(review.organiser, review.campaign)
    sample = SampledFile.objects.filter(file__unit=review.a2).first()
    reviewer = type(review.organiser).objects.get(pk=sample.reviewer_id)
    sheet = services.submit_sheet(reviewer, services.open_sheet(reviewer, sample))
    assert sheet.vetoed and sheet.score == Decimal("0.0") and sheet.band == "不合格"


def _review_all(review, seed=5):
    services.draw_sample(review.organiser, review.campaign, seed)
    services.assign_reviewers(review.organiser, review.campaign)
    for s in SampledFile.objects.all():
        reviewer = type(review.organiser).objects.get(pk=s.reviewer_id)
        services.submit_sheet(reviewer, services.open_sheet(reviewer, s))


def test_results_circular_rectification_and_follow_up(review, login):
    CaseFile.objects.filter(file_no__startswith="SC").update(published=None)
    _review_all(review)
    r = services.results(review.campaign)
    assert dict((u, v[1]) for u, v in r["units"]) == {"区建设局": "优秀", "区市场监督管理局": "优秀"}
    assert r["problems"]["归档"] == 4
    client = login(review.organiser)
    client.post(reverse("casefiles:campaign", args=[review.campaign.pk]), {"action": "causes", "text": "公示意识不强。"})
    with pytest.raises(PermissionDenied):
        services.set_causes(review.unit_user, review.campaign, "越权")
    data = client.get(reverse("casefiles:campaign", args=[review.campaign.pk]), {"format": "docx"}).content
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "关于测试评查情况的通报" in text and "随机种子 5" in text and "归档" in text and "公示意识不强。" in text
    rects = services.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    assert [x.unit for x in rects] == [review.a1]
    with pytest.raises(PermissionDenied):
        services.respond(review.organiser, rects[0], "已整改")
    with pytest.raises(ValidationError):
        services.follow_up(review.organiser, rects[0], "验收")  # no response yet
    services.respond(review.unit_user, rects[0], "已在门户网站补充公示")
    services.follow_up(review.organiser, rects[0], "经回头看，已全部补正公示")
    rects[0].refresh_from_db()
    assert rects[0].closed_at is not None


def test_a_reviewed_unit_sees_only_its_own_files_and_results(review, login):
    _review_all(review)
    client = login(review.unit_user)
    html = client.get(reverse("casefiles:files")).content.decode()
    assert "SC-001" in html and "JS-001" not in html
    js = CaseFile.objects.get(file_no="JS-001")
    assert client.get(reverse("casefiles:file", args=[js.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(review.unit_user)
    assert {f["unit_name"] for f in api.get(reverse("api:case-file-list")).json()["results"]} == {"区市场监督管理局"}
    body = api.get(reverse("api:review-campaign-results", args=[review.campaign.pk])).json()
    assert {f["unit"] for f in body["files"]} == {"区市场监督管理局"} and [u["unit"] for u in body["units"]] == ["区市场监督管理局"]
    assert api.post(reverse("api:review-campaign-draw", args=[review.campaign.pk]), {"seed": 1}, format="json").status_code == 404


def test_second_review_goes_to_another_units_reviewer_and_decides(review):
    _review_all(review)
    sample = SampledFile.objects.filter(file__unit=review.a1).first()
    services.request_second_review(review.organiser, sample)
    sample.refresh_from_db()
    assert sample.disputed and sample.second_reviewer_id not in (sample.reviewer_id,)
    second = type(review.organiser).objects.get(pk=sample.second_reviewer_id)
    assert second.role_assignments.first().unit_id != review.a1.pk
    sheet = services.open_sheet(second, sample)
    services.save_findings(second, sheet, [{"item_code": "3.1"}])
    services.submit_sheet(second, ScoreSheet.objects.get(pk=sheet.pk))
    final = dict((s.pk, sh) for s, sh in services.results(review.campaign)["files"])[sample.pk]
    assert final.reviewer_id == second.pk and final.score == Decimal("92.0")


def test_file_import_reports_every_bad_row_and_writes_nothing(review):
    from wuxing.casefiles.engines import uscc_check_char

    good_code = "91410100MA40ABCD3" + uscc_check_char("91410100MA40ABCD3")
    header = [c.header for c in services.FILE_COLUMNS]
    base = ["TA1", "SC-1", "NEW-001", "某公司", good_code, "2026-03-02", "", "", "2026-03-02", "", "", "2026-03-16",
            "准予", "2026-03-18", "直接送达", "2026-03-19", "2026-04-10", "申请书、受理通知书"]
    bad_code = list(base)
    bad_code[2], bad_code[4] = "NEW-002", good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    bad_date = list(base)
    bad_date[2], bad_date[11] = "NEW-003", "三月十六"
    bad_matter = list(base)
    bad_matter[2], bad_matter[1] = "NEW-004", "XX-9"
    bad_order = list(base)
    bad_order[2], bad_order[11] = "NEW-005", "2026-02-01"
    dup = list(base)
    report = services.import_files(review.organiser, xlsx([base, bad_code, bad_date, bad_matter, bad_order, dup], header=header),
                                   dry_run=False)
    assert {e.row for e in report.errors} == {3, 4, 5, 6, 7}, [str(e) for e in report.errors]
    assert any("校验位" in e.message for e in report.errors)
    assert not CaseFile.objects.filter(file_no__startswith="NEW").exists()
    ok = services.import_files(review.organiser, xlsx([base], header=header), dry_run=False)
    assert ok.ok and CaseFile.objects.get(file_no="NEW-001").applicant_code == good_code
    other = services.import_files(review.unit_user, xlsx([["TA2", "JS-1", "X-1"] + base[3:]], header=header), dry_run=False)
    assert not other.ok and "无权" in other.errors[0].message


def test_calendar_years_entered_by_an_administrator(review, capsys):
    with pytest.raises(CommandError, match="2031 年"):
        call_command("calendar", "workdays", "2031-01-01", "2031-01-09")
    services.set_calendar_year(review.organiser, 2031, [dt.date(2031, 1, 1), dt.date(2031, 1, 2)], [dt.date(2031, 1, 4)])
    call_command("calendar", "workdays", "2031-01-01", "2031-01-09")
    call_command("calendar", "add", "2026-02-12", "20")
    assert capsys.readouterr().out.split() == ["6", "2026-03-18"]
    with pytest.raises(PermissionDenied):
        services.set_calendar_year(review.unit_user, 2032, [], [])


def test_calendar_page_calculates(review, login):
    html = login(review.organiser).get(reverse("casefiles:calendar"), {"start": "2025-09-26", "end": "2025-10-31"}).content.decode()
    assert "共 21 个工作日" in html


def test_pages_for_the_organiser_and_the_reviewer(review, login):
    services.draw_sample(review.organiser, review.campaign, 11)
    services.assign_reviewers(review.organiser, review.campaign)
    html = login(review.organiser).get(reverse("casefiles:campaign", args=[review.campaign.pk])).content.decode()
    assert "随机种子 <b>11</b>" in html and "以同一种子重新抽取" in html and "wuxing casefiles" not in html
    sample = SampledFile.objects.first()
    reviewer = type(review.organiser).objects.get(pk=sample.reviewer_id)
    client = login(reviewer)
    r = client.post(reverse("casefiles:sheet", args=[sample.pk]), {"version": "1", "n_3.2": "2", "p_3.2": "5", "submit": "1"})
    assert r.status_code == 302
    assert ScoreSheet.objects.get(sample=sample).score == Decimal("98.0")


def test_matters_import_with_row_errors_then_commit(review):
    from wuxing.casefiles.models import Matter

    header = [c.header for c in services.MATTER_COLUMNS]
    good = ["TA1", "SC-9", "药品经营许可", "许可", "20", "10", "本机关负责人", "15", "否", "否", "申请书、许可决定书", ""]
    bad = ["TA1", "SC-8", "x", "审批", "二十", "10", "", "30", "可能", "否", "", ""]
    report = services.import_matters(review.organiser, xlsx([good, bad], header=header), dry_run=False)
    assert {e.row for e in report.errors} == {3} and len(report.errors) == 3  # category, days, yes/no
    assert not Matter.objects.filter(code="SC-9").exists()
    assert services.import_matters(review.organiser, xlsx([good], header=header), dry_run=False).ok
    assert Matter.objects.get(code="SC-9").required_documents == ["申请书", "许可决定书"]
    assert not services.import_matters(review.unit_user, xlsx([good], header=header), dry_run=True).ok


def test_rubric_validation_reports_budgets_and_unknown_checks():
    from wuxing.casefiles import rubric

    text = (rubric.shipped()[0]).read_text(encoding="utf-8")
    broken = text.replace("max: 20\n    items:\n      - {code: \"1.1\"", "max: 25\n    items:\n      - {code: \"1.1\"", 1)
    broken = broken.replace("check: T19", "check: T99")
    doc, errors = rubric.parse(broken)
    messages = [e.message for e in errors]
    assert doc is None
    assert any("与本维度分值 25 不符" in m for m in messages)
    assert any("T99" in m for m in messages)
    assert any("与总分 100 不符" in m for m in messages)


def test_the_reviewer_pool_is_limited_to_reviewers_of_the_campaigns_area(review, world, login):
    from tests.conftest import PASSWORD, SYSTEM
    from wuxing.core.roles import Level, Role
    from wuxing.orgs import services as org

    elsewhere = org.create_unit(SYSTEM, parent=None, code="Z", name="外区", level=Level.DISTRICT)
    stranger = org.create_user(SYSTEM, username="far_rev", real_name="外区评查员", mobile="", password=PASSWORD,
                               role=Role.CASEFILE_REVIEWER, unit=elsewhere)
    offered = set(services.reviewer_candidates(review.campaign).values_list("username", flat=True))
    assert offered == {"rev0", "rev1", "rev2", "casefile_reviewer"}
    with pytest.raises(ValidationError, match="不是本次评查范围内的评查员"):
        services.add_reviewer(review.organiser, review.campaign, stranger)
    client = login(review.organiser)
    page = client.get(reverse("casefiles:campaign", args=[review.campaign.pk])).content.decode()
    assert "外区评查员" not in page and "评查员0" in page
    r = client.post(reverse("casefiles:campaign", args=[review.campaign.pk]), {"action": "pool", "user": stranger.pk},
                    follow=True)
    assert "不是本次评查范围内的评查员" in r.content.decode()
    assert not review.campaign.pool.filter(user=stranger).exists()
