"""The review chain end to end (issue 6 acceptance), through the pages, plus its permission rules."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import met_results, office_agrees
from wuxing.core.models import AuditEvent
from wuxing.evaluation import services
from wuxing.evaluation.models import Award, Objection, PublicNotice, Submission, SubmissionStatus
from wuxing.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))
CLAIM = ["zbgy", "yjyy", "pafz", "wmxf"]


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SH), tick=False)


def all_met(campaign, branch, stars):
    """Form data for the self-assessment page: every indicator of `stars` met (points at the maximum)."""
    data = {}
    for star in campaign.standard_for(branch).stars.all():
        for ind in star.indicators.all():
            good = star.code in stars
            data[f"v_{ind.code}"] = (str(ind.max_points) if good else "") if ind.kind == "points" else ("1" if good else "0")
    return data


@pytest.fixture
def reviewer(world):
    RoleAssignment.objects.filter(user=world.star_reviewer, role="star_reviewer").update(star_codes=["pafz"])
    return world.star_reviewer


def test_the_whole_chain_from_claim_to_award_and_star_removal(world, campaign, reviewer, login):
    c, b = campaign, world.community
    page = reverse("evaluation:branch", args=[c.pk, b.pk])
    with at(2026, 10, 12, 9):
        branch = login(world.branch_user)
        assert branch.post(reverse("evaluation:self_save", args=[c.pk, b.pk]), all_met(c, b, CLAIM)).status_code == 302
        branch.post(reverse("evaluation:claim", args=[c.pk, b.pk]), {"claimed": CLAIM, "confirm": "on"})
        sub = Submission.objects.get(branch=b)
        assert sub.status == SubmissionStatus.OFFICE and sub.claimed_star_codes == CLAIM

        # The office disagrees with one indicator and returns the claim.
        office = login(world.office_admin)
        office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "review"]),
                    {"a_U-YJYY-02": "0", "on_U-YJYY-02": "垃圾分类台账缺少照片"})
        office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "return"]), {"note": "请补充 U-YJYY-02 佐证"})
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.RETURNED

        # The branch adds the missing evidence and claims again; the office now agrees and passes.
        branch = login(world.branch_user)
        assert "请补充 U-YJYY-02 佐证" in branch.get(page).content.decode()
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        from django.core.files.uploadedfile import SimpleUploadedFile

        r = branch.post(reverse("evaluation:evidence", args=[c.pk, b.pk]), {
            "indicator_code": "U-YJYY-02", "file": SimpleUploadedFile("垃圾分类.png", png), "description": "照片"})
        assert r.status_code == 302
        branch.post(reverse("evaluation:claim", args=[c.pk, b.pk]), {"claimed": CLAIM, "confirm": "on"})
        office = login(world.office_admin)
        office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "review"]), {"a_U-YJYY-02": "1"})
        # Passing needs every indicator of the claimed stars judged: refused with the count left.
        r = office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "pass"]), {"note": "同意上报"},
                        follow=True)
        assert "项指标未给出初审意见" in r.content.decode()
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.OFFICE
        every = {f"a_{i.code}": "1" for s in c.standard_for(b).stars.all() if s.code in CLAIM for i in s.indicators.all()}
        office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "review"]), every)
        office.post(reverse("evaluation:office_action", args=[c.pk, b.pk, "pass"]), {"note": "同意上报"})
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.DISTRICT and sub.office_star_codes == CLAIM

        # District: the 政法委 reviewer decides 平安法治星; the district admin the rest, failing one.
        rev = login(reviewer)
        rev.post(reverse("evaluation:district_action", args=[c.pk, b.pk, "decide"]), {"star_code": "pafz", "passed": "1"})
        admin = login(world.district_admin)
        decide = reverse("evaluation:district_action", args=[c.pk, b.pk, "decide"])
        admin.post(decide, {"star_code": "zbgy", "passed": "1"})
        admin.post(decide, {"star_code": "wmxf", "passed": "1"})
        admin.post(decide, {"star_code": "yjyy", "passed": "0", "note": "老旧小区改造未完成"})
        admin.post(reverse("evaluation:district_action", args=[c.pk, b.pk, "finalize"]))
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.PROPOSED
        assert sub.proposed_star_codes == ["zbgy", "pafz", "wmxf"] and sub.proposed_level == 3

        # Public notice, 5 working days from Tuesday 13 October 2026 (after the National Day holiday).
        admin.post(reverse("evaluation:notices", args=[c.pk]), {"title": "", "starts_on": "2026-10-13"})
        notice = PublicNotice.objects.get()
        assert notice.ends_on == dt.date(2026, 10, 19) and not notice.ends_estimated

    with at(2026, 10, 14, 10):
        admin = login(world.district_admin)
        # Anyone may object, without signing in; contact details are never shown publicly.
        public = Client()
        public_url = reverse("public:public_notice", args=[notice.pk])
        html = public.get(public_url).content.decode()
        assert "东城社区" in html and "三星级" in html and "3 ★" not in html
        r = public.post(public_url, {"submission": sub.pk, "name": "王群众", "contact": "13811112222",
                                     "captcha_0": "test", "captcha_1": "PASSED",
                                     "content": "该社区平安法治工作存在问题"})
        assert "异议已收到" in r.content.decode()
        objection = Objection.objects.get()
        assert "13811112222" not in public.get(public_url).content.decode()
        admin.post(reverse("evaluation:notice_close", args=[notice.pk]))
        assert not Award.objects.exists()  # not during the notice period, not with an open objection
        admin.post(reverse("evaluation:objection_resolve", args=[objection.pk]),
                   {f"o{objection.pk}-ruling": "dismissed", f"o{objection.pk}-outcome": "经核查，反映问题已于年初整改到位"})
        objection.refresh_from_db()
        assert objection.status == "dismissed"

    with at(2026, 10, 20, 9):
        admin = login(world.district_admin)
        admin.post(reverse("evaluation:notice_close", args=[notice.pk]))
        award = Award.objects.get()
        assert award.level == 3 and award.star_codes == ["zbgy", "pafz", "wmxf"]
        cert = admin.get(reverse("evaluation:certificate", args=[award.pk])).content.decode()
        assert "三星级党支部" in cert and "东城社区" in cert and "3 星" not in cert

    with at(2026, 11, 5, 9):
        admin = login(world.district_admin)  # the earlier session has long expired
        r = admin.post(reverse("evaluation:award", args=[award.pk]), {
            "star_code": "pafz", "category": "criminal", "occurred_on": "2026-11-03",
            "description": "辖区发生一起刑事案件"})
        assert r.status_code == 302
        award.refresh_from_db()
        assert award.effective_level == 2 and award.effective_star_codes == ["zbgy", "wmxf"]
        history = admin.get(reverse("evaluation:history", args=[c.pk, b.pk])).content.decode()
        assert "撤销了星" in history and "命名了星级" in history and "evaluation." not in history

    call_command("audit", "verify")  # exits 0: the chain is intact
    victim = AuditEvent.objects.get(action="evaluation.award")
    AuditEvent.objects.filter(pk=victim.pk).update(data={"stars": ["zbgy", "pafz", "wmxf", "gjgx"], "level": 4})
    with pytest.raises(CommandError, match=f"seq={victim.seq}"):
        call_command("audit", "verify")


def _to_district(world, campaign):
    c, b = campaign, world.community
    services.save_self_results(world.branch_user, c, b, met_results(c, b))
    sub = services.submit_claim(world.branch_user, c, b, ["zbgy", "pafz"], confirmed=True)
    return office_agrees(world.office_admin, sub)


def test_a_branch_cannot_review_itself(world, campaign):
    services.save_self_results(world.branch_user, campaign, world.community, {"U-PAFZ-01": True})
    sub = Submission.objects.create(campaign=campaign, branch=world.community, status=SubmissionStatus.OFFICE,
                                    claimed_star_codes=["pafz"])
    # Out of role, not a matter of state: the step does not exist for the branch (404 on pages and API).
    with pytest.raises(PermissionDenied):
        services.office_pass(world.branch_user, sub)
    with pytest.raises(PermissionDenied):
        services.office_review(world.branch_user, sub, {"U-PAFZ-01": (True, "")})
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.OFFICE


def test_an_office_cannot_review_another_offices_branches(world, campaign, login):
    from tests.conftest import SYSTEM
    from wuxing.orgs.services import create_user

    west_admin = create_user(SYSTEM, username="west_admin", real_name="西城", mobile="", password="Office2026pwd",
                             role="office_admin", unit=world.west)
    sub = _to_district(world, campaign)
    sub.status = SubmissionStatus.OFFICE
    sub.save()
    with pytest.raises(PermissionDenied):
        services.office_pass(west_admin, sub)
    r = login(west_admin).post(reverse("evaluation:office_action", args=[campaign.pk, world.community.pk, "pass"]))
    assert r.status_code == 404


def test_a_star_reviewer_decides_only_its_own_stars(world, campaign, reviewer, login):
    sub = _to_district(world, campaign)
    assert sub.office_star_codes == ["zbgy", "pafz"]
    services.district_decide(reviewer, sub, "pafz", True)
    with pytest.raises(PermissionDenied):
        services.district_decide(reviewer, sub, "zbgy", True)
    flags = services.submission_flags(reviewer, sub)
    assert flags["may_district_decide"] and not flags["may_district_finalize"] and not flags["may_district_return"]
    html = login(reviewer).get(reverse("evaluation:branch", args=[campaign.pk, world.community.pk])).content.decode()
    assert 'value="pafz"' in html and 'value="zbgy"' not in html
    api = APIClient()
    api.force_authenticate(reviewer)
    r = api.post(reverse("api:submission-decide", args=[sub.pk]), {"star_code": "zbgy", "passed": True}, format="json")
    assert r.status_code == 404
    r = api.post(reverse("api:submission-finalize", args=[sub.pk]))
    assert r.status_code == 404  # finalising is the district admin's step, not a reviewer's


def test_a_claim_beyond_the_self_assessment_is_refused(world, campaign):
    services.save_self_results(world.branch_user, campaign, world.community, {"U-PAFZ-01": True})
    with pytest.raises(ValidationError, match="平安法治星"):
        services.submit_claim(world.branch_user, campaign, world.community, ["pafz"], confirmed=True)


def test_sending_back_needs_a_note_and_approval_locks(world, campaign):
    sub = _to_district(world, campaign)
    with pytest.raises(ValidationError):
        services.district_return(world.district_admin, sub, "  ")
    with pytest.raises(ValidationError):
        services.save_self_results(world.branch_user, campaign, world.community, {"U-PAFZ-01": False})
    with pytest.raises(ValidationError):
        services.office_pass(world.office_admin, sub)  # the office already acted; it cannot act again


def test_two_reviewers_never_silently_overwrite_each_other(world, campaign):
    sub = _to_district(world, campaign)
    first = services.district_decide(world.district_admin, sub, "zbgy", True, "", None)
    stale = first.version
    services.district_decide(world.district_admin, sub, "zbgy", False, "复核不通过", stale)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.district_decide(world.district_admin, sub, "zbgy", True, "", stale)
    assessment = services.save_self_results(world.village_user, campaign, world.village, {"R-PAFZ-01": True})
    services.save_self_results(world.village_user, campaign, world.village, {"R-PAFZ-02": True}, version=assessment.version)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.save_self_results(world.village_user, campaign, world.village, {"R-PAFZ-03": True},
                                   version=assessment.version)


def test_the_notice_end_counts_official_working_days():
    from wuxing.core.workdays import add_working_days

    # 2026 National Day holiday: 1–7 October off, Saturday 10 October a make-up workday.
    assert add_working_days(dt.date(2026, 9, 30), 5).day == dt.date(2026, 10, 13)
    assert add_working_days(dt.date(2026, 10, 9), 1).day == dt.date(2026, 10, 10)
    late = add_working_days(dt.date(2026, 12, 28), 5)
    assert late.estimated and late.day == dt.date(2027, 1, 4)


def test_objections_are_refused_after_the_notice_period(world, campaign):
    notice = PublicNotice.objects.create(campaign=campaign, title="t", starts_on=dt.date(2026, 1, 5),
                                         ends_on=dt.date(2026, 1, 9), working_days=5)
    with at(2026, 1, 12, 9):
        with pytest.raises(ValidationError, match="公示期已结束"):
            services.raise_objection(notice, name="a", contact="b", content="很长的异议内容")


def test_upheld_objection_strikes_a_star_from_the_proposal(world, campaign):
    sub = _to_district(world, campaign)
    services.district_decide(world.district_admin, sub, "zbgy", True)
    services.district_decide(world.district_admin, sub, "pafz", True)
    services.district_finalize(world.district_admin, sub)
    with at(2026, 10, 13, 9):
        notice = services.publish_notice(world.district_admin, campaign, "", dt.date(2026, 10, 13))
        objection = services.raise_objection(notice, name="甲", contact="139", content="该社区发生过刑事案件",
                                             submission_id=sub.pk)
        services.resolve_objection(world.district_admin, objection, ruling="upheld", outcome="属实",
                                   removed_star_codes=["pafz"])
    sub.refresh_from_db()
    assert sub.proposed_star_codes == ["zbgy"] and sub.proposed_level == 1
    with at(2026, 10, 20, 9):
        award = services.close_notice(world.district_admin, notice)[0]
    assert award.level == 1
    services.remove_star(world.district_admin, award, star_code="zbgy", category="weak", description="列为软弱涣散",
                         occurred_on=dt.date(2026, 10, 20))
    award.refresh_from_db()
    assert award.effective_level == 0
    services.reinstate_star(world.district_admin, award.removals.get(), "整顿验收合格")
    award.refresh_from_db()
    assert award.effective_level == 1


def test_evidence_upload_page_refuses_bad_files_and_stores_nothing(world, campaign, login, settings, tmp_path):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxing.evaluation.models import Evidence

    settings.MEDIA_ROOT, settings.EVIDENCE_MAX_BYTES = tmp_path, 2048
    client = login(world.branch_user)
    url = reverse("evaluation:evidence", args=[campaign.pk, world.community.pk])
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    for name, data, message in [("照片.jpg", b"MZ\x90\x00" + b"\0" * 60, "可执行程序"),
                                ("大文件.pdf", b"%PDF-1.7" + b"0" * 4096, "文件过大"),
                                ("../../etc/x.pdf", b"%PDF-1.7\n", "目录路径")]:
        # Built by hand: Django's test client would itself strip folders from the name.
        body = encode_multipart(BOUNDARY, {"indicator_code": "U-PAFZ-01", "file": SimpleUploadedFile("f.bin", data)})
        body = body.replace(b'filename="f.bin"', f'filename="{name}"'.encode())
        r = client.generic("POST", url, body, content_type=MULTIPART_CONTENT)
        assert r.status_code == 200 and message in r.content.decode(), name
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in Path(tmp_path).rglob("*"))
    api = APIClient()
    api.force_authenticate(world.branch_user)
    r = api.post(reverse("api:evidence-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                                "indicator_code": "U-PAFZ-01",
                                                "file": SimpleUploadedFile("a.docx", b"PK\x03\x04" + b"\0" * 40)},
                 format="multipart")
    assert r.status_code == 400 and not Evidence.objects.exists()


def test_evidence_downloads_respect_scope(world, campaign, login):
    ev = services.add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "台账.pdf", b"%PDF-1.7\n" * 8)
    assert login(world.office_admin).get(reverse("evaluation:evidence_file", args=[ev.pk])).status_code == 200
    assert login(world.other_branch_user).get(reverse("evaluation:evidence_file", args=[ev.pk])).status_code == 404
    r = login(world.branch_user).get(reverse("evaluation:evidence_file", args=[ev.pk]))
    assert r["Content-Disposition"].startswith("inline") and r["Content-Type"] == "application/pdf"


def test_engine_preview_shows_the_level_as_the_branch_fills_in(world, campaign, login):
    data = all_met(campaign, world.community, ["pafz", "wmxf"])
    r = login(world.branch_user).post(reverse("evaluation:self_preview", args=[campaign.pk, world.community.pk]), data,
                                      HTTP_HX_REQUEST="true")
    assert "按当前自评：二星级" in r.content.decode()
