"""Issue 17 items 4, 6 and 7 (case files): a second review never silently replaces the first (arbitration
beyond the threshold), a total sample allocated exactly by largest remainder, and the guards on issuing
rectifications and on the circular — through the pages and the API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SYSTEM, at
from tests.conftest import api_as as api
from wuxing.casefiles import engines, services
from wuxing.casefiles.models import CaseFile, Matter, Rectification, ReviewCampaign, SampledFile, ScoreSheet
from wuxing.core.models import AuditEvent, Notification
from wuxing.core.roles import Level
from wuxing.orgs import services as org

pytestmark = pytest.mark.django_db



def user(pk):
    from wuxing.orgs.models import User

    return User.objects.get(pk=pk)


def reviewed(review, veto_file=None):
    """Draw, assign and submit every sheet; the sheet of `veto_file` (a sample) finds 3.V (适用法律错误)."""
    services.draw_sample(review.organiser, review.campaign, 5)
    services.assign_reviewers(review.organiser, review.campaign)
    samples = list(SampledFile.objects.filter(campaign=review.campaign).order_by("order"))
    for s in samples:
        reviewer = user(s.reviewer_id)
        sheet = services.open_sheet(reviewer, s)
        if veto_file is not None and s.file.unit_id == veto_file.pk and s == [x for x in samples
                                                                            if x.file.unit_id == veto_file.pk][0]:
            services.save_findings(reviewer, sheet, [{"item_code": "3.V", "note": "引用已废止条款"}])
        services.submit_sheet(reviewer, ScoreSheet.objects.get(pk=sheet.pk))
    return next(s for s in samples if s.file.unit_id == (veto_file or review.a1).pk)


def test_two_sheets_0_and_98_go_to_arbitration_and_the_rectification_follows_the_decision(review, login):
    sample = reviewed(review, veto_file=review.a1)
    first = ScoreSheet.objects.get(sample=sample)
    assert first.vetoed and first.score == Decimal("0.0")
    with at(2026, 11, 30, 9):
        services.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    rect = Rectification.objects.get(campaign=review.campaign, unit=review.a1)
    assert "适用法律错误" in rect.problems

    # A second review from another agency finds only one 2-point item: 98 against 0 (and a veto on one side).
    services.request_second_review(review.organiser, sample)
    sample.refresh_from_db()
    second_reviewer = user(sample.second_reviewer_id)
    sheet = services.open_sheet(second_reviewer, sample)
    services.save_findings(second_reviewer, sheet, [{"item_code": "7.2"}])
    second = services.submit_sheet(second_reviewer, ScoreSheet.objects.get(pk=sheet.pk))
    assert second.score == Decimal("98.0") and not second.vetoed
    assert ScoreSheet.objects.filter(sample=sample).count() == 2  # both kept

    # The results show neither until it is decided — page, API and circular alike.
    r = services.results(review.campaign)
    assert dict(r["files"])[sample] is None and not r["finished"]
    assert [(s, reasons) for s, _a, _b, reasons in r["arbitration"]][0][0] == sample
    body = api(review.organiser).get(reverse("api:review-campaign-results", args=[review.campaign.pk])).json()
    row = next(f for f in body["files"] if f["file_no"] == sample.file.file_no)
    assert row["score"] is None and body["arbitration"][0]["file_no"] == sample.file.file_no
    assert "一方一票否决" in "".join(body["arbitration"][0]["reasons"])
    page = login(review.organiser).get(reverse("casefiles:campaign", args=[review.campaign.pk])).content.decode()
    assert 'id="arbitration"' in page and "待仲裁" in page
    docx = login(review.organiser).get(reverse("casefiles:campaign", args=[review.campaign.pk]), {"format": "docx"})
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert paragraphs[0].startswith("（评查尚未完成") and "1 份待仲裁" in paragraphs[0]
    drawn = SampledFile.objects.filter(campaign=review.campaign).count()
    text = "\n".join(paragraphs)
    assert "对2个单位" in text and f"共抽取案卷{drawn}份，已评定{drawn - 1}份" in text

    # Arbitration needs a reason; the organiser decides through the API.
    url = reverse("api:review-campaign-arbitrate", args=[review.campaign.pk])
    r = api(review.organiser).post(url, {"sample": sample.pk, "sheet": second.pk, "reason": ""}, format="json")
    assert r.status_code == 400 and "请写明仲裁理由" in r.content.decode()
    assert api(review.unit_user).post(url, {"sample": sample.pk, "sheet": second.pk, "reason": "x"},
                                      format="json").status_code == 404
    r = api(review.organiser).post(url, {"sample": sample.pk, "sheet": second.pk,
                                         "reason": "经组织者核对，所引条款现行有效，初评认定有误"}, format="json")
    assert r.status_code == 200, r.content
    final = dict(services.results(review.campaign)["files"])[sample]
    assert final.pk == second.pk and final.score == Decimal("98.0")
    # The unit's rectification notice follows the decision and the unit is told.
    rect.refresh_from_db()
    assert "适用法律错误" not in rect.problems
    assert Notification.objects.filter(user=review.unit_user, title__contains="仲裁").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"casefiles.arbitrate", "casefiles.rectification.update"} <= actions
    r = api(review.organiser).post(url, {"sample": sample.pk, "sheet": second.pk, "reason": "再议"}, format="json")
    assert r.status_code == 400 and "已仲裁" in r.content.decode()


def test_sheets_within_the_threshold_need_no_arbitration():
    assert engines.sheets_diverge(Decimal(95), "优秀", False, Decimal(88), "良好", False, Decimal(10)) == [
        "等次不同（优秀 / 良好）"]
    assert engines.sheets_diverge(Decimal(95), "优秀", False, Decimal(92), "优秀", False, Decimal(10)) == []
    assert engines.sheets_diverge(Decimal(80), "良好", False, Decimal(69.5), "良好", False, Decimal(10)) == [
        "分差 10.5 分，超过 10 分"]


@pytest.fixture
def ten_units(review):
    """Ten agencies with 2 to 30 closed files each (130 in all)."""
    sizes = [3, 5, 8, 10, 12, 15, 20, 25, 30, 2]
    units = []
    for i, n in enumerate(sizes):
        unit = org.create_unit(SYSTEM, parent=review.a1.parent, code=f"TX{i}", name=f"区第{i}局", level=Level.AGENCY)
        m = Matter.objects.create(unit=unit, code=f"X{i}", name="许可", category="licence")
        for k in range(n):
            day = dt.date(2026, 3, 2) + dt.timedelta(days=k)
            CaseFile.objects.create(unit=unit, matter=m, file_no=f"X{i}-{k:03d}", applicant="申请人", received=day,
                                    accepted=day, decided=day + dt.timedelta(days=10))
        units.append(unit)
    return units


def test_a_plan_of_25_files_over_10_units_draws_exactly_25_as_allocated_and_redraws_the_same(review, ten_units,
                                                                                           login, capsys):
    client = login(review.organiser)
    r = client.post(reverse("casefiles:campaign_create"), {
        "title": "十个单位评查", "rubric": review.campaign.rubric_id, "units": [u.pk for u in ten_units],
        "closed_from": "2026-01-01", "closed_to": "2026-12-31", "total": "25", "minimum": "1",
        "arbitration_points": "10"})
    assert r.status_code == 302, r.content.decode()[:2000]
    c = ReviewCampaign.objects.get(title="十个单位评查")
    assert c.sample_total == 25 and c.plan == {}
    r = api(review.organiser).post(reverse("api:review-campaign-draw", args=[c.pk]), {"seed": 20261130}, format="json")
    assert r.status_code == 200 and len(r.json()["files"]) == 25
    c.refresh_from_db()
    sizes = {f"TX{i}": n for i, n in enumerate([3, 5, 8, 10, 12, 15, 20, 25, 30, 2])}
    assert c.allocation == engines.allocate(sizes, 25, 1)
    assert sum(c.allocation.values()) == 25 and min(c.allocation.values()) >= 1
    drawn = {}
    for s in SampledFile.objects.filter(campaign=c).select_related("file__unit"):
        drawn[s.file.unit.code] = drawn.get(s.file.unit.code, 0) + 1
    assert drawn == c.allocation  # the draw honours the stored allocation
    assert "最大余数法" in c.algorithm
    # The page shows the allocation; the same seed redraws the identical list.
    page = client.get(reverse("casefiles:campaign", args=[c.pk])).content.decode()
    assert 'id="allocation"' in page and "共抽取 25 份" in page
    call_command("casefiles", "draw", str(c.pk), "--seed", "20261130")
    printed = [tuple(line.split("\t")) for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    stored = [(s.file.unit.code, s.file.file_no) for s in SampledFile.objects.filter(campaign=c).order_by("order")]
    assert printed == stored and len(printed) == 25


def test_a_total_too_small_for_the_minimum_is_refused(review, ten_units):
    with pytest.raises(ValidationError, match="少于 10 个单位各抽 1 份"):
        services.create_campaign(review.organiser, unit=review.a1.parent, title="x", rubric=review.campaign.rubric,
                                 units=ten_units, closed_from=dt.date(2026, 1, 1), closed_to=dt.date(2026, 12, 31),
                                 sample_total=9)


@given(sizes=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12),
       total=st.integers(min_value=1, max_value=200), minimum=st.integers(min_value=0, max_value=3))
def test_allocation_is_exact_bounded_and_proportional(sizes, total, minimum):
    frame = {f"U{i:02d}": n for i, n in enumerate(sizes)}
    try:
        alloc = engines.allocate(frame, total, minimum)
    except engines.AllocationImpossible:
        assert sum(min(n, minimum) for n in sizes) > min(total, sum(sizes))
        return
    files = sum(sizes)
    assert sum(alloc.values()) == min(total, files)
    for unit, n in frame.items():
        assert min(n, minimum) <= alloc[unit] <= n
        if files and alloc[unit] > max(min(n, minimum), 0):
            # Above its minimum, no unit gets more than its quota rounded up.
            assert alloc[unit] <= -(-min(total, files) * n // files)


def test_rectifications_refuse_a_past_deadline_and_name_the_units_left_out(review, login):
    services.draw_sample(review.organiser, review.campaign, 5)
    services.assign_reviewers(review.organiser, review.campaign)
    for s in SampledFile.objects.filter(file__unit=review.a1):  # the other agency's files stay open
        services.submit_sheet(user(s.reviewer_id), services.open_sheet(user(s.reviewer_id), s))
    url = reverse("api:review-campaign-rectify", args=[review.campaign.pk])
    with at(2026, 12, 1, 8):
        r = api(review.organiser).post(url, {"deadline": "2026-11-30", "confirm_open": ["区建设局"]}, format="json")
        assert r.status_code == 400 and "整改期限不能早于今天（2026-12-01）" in r.content.decode()
        r = api(review.organiser).post(url, {"deadline": "2026-12-31"}, format="json")
        assert r.status_code == 400 and "区建设局" in r.content.decode()
        page = login(review.organiser).post(reverse("casefiles:campaign", args=[review.campaign.pk]), {
            "action": "rectify", "deadline": "2026-12-31"}, follow=True).content.decode()
        assert "区建设局" in page and "勾选确认" in page
        assert not Rectification.objects.exists()
        assert not AuditEvent.objects.filter(action="casefiles.rectification.issue").exists()
        r = api(review.organiser).post(url, {"deadline": "2026-12-31", "confirm_open": ["区建设局"]}, format="json")
        assert r.status_code == 200, r.content
    event = AuditEvent.objects.get(action="casefiles.rectification.issue")
    assert event.data["left_out"] == ["区建设局"]
    assert not Rectification.objects.filter(unit=review.a2).exists()


def test_counts_typed_per_unit_on_the_page_are_drawn_as_typed(review, ten_units, login):
    client = login(review.organiser)
    base = {"title": "逐个单位", "rubric": review.campaign.rubric_id, "units": [ten_units[0].pk, ten_units[1].pk],
            "closed_from": "2026-01-01", "closed_to": "2026-12-31", "minimum": "1", "arbitration_points": "10"}
    r = client.post(reverse("casefiles:campaign_create"), {**base, "per_unit": "TX0 2\nTX9 1"})
    assert "TX9 不在被评查单位中" in r.content.decode()
    r = client.post(reverse("casefiles:campaign_create"), {**base, "per_unit": "TX0 2\nTX1 3", "total": "5"})
    assert "只能选一种" in r.content.decode()
    assert not ReviewCampaign.objects.filter(title="逐个单位").exists()
    r = client.post(reverse("casefiles:campaign_create"), {**base, "per_unit": "TX0 2\nTX1 3"})
    assert r.status_code == 302
    c = ReviewCampaign.objects.get(title="逐个单位")
    services.draw_sample(review.organiser, c, 9)
    drawn = sorted(SampledFile.objects.filter(campaign=c).values_list("file__unit__code", flat=True))
    assert drawn == ["TX0", "TX0", "TX1", "TX1", "TX1"]
