"""Issue 17 item 2: the notice period cannot be shortened, and every objection is ruled on — through the
pages and the API alike."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import api_as as api
from tests.conftest import at
from tests.conftest import proposed as proposed_branch
from wuxing.core.models import AuditEvent
from wuxing.evaluation import services
from wuxing.evaluation.models import Award, Objection, PublicNotice, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db




@pytest.fixture
def proposed(world, campaign):
    """The east community proposed for 支部过硬星 and 平安法治星."""
    return proposed_branch(world, campaign)


def publish(world, campaign, proposed, start="2026-10-13"):
    return api(world.district_admin).post("/api/v1/notices/", {"campaign": campaign.pk, "submissions": [proposed.pk],
                                                               "start": start}, format="json")


def test_a_backdated_notice_is_refused_on_the_page_and_in_the_api(world, campaign, proposed, login):
    # Monday morning in Shanghai (Sunday night UTC): "today" is Monday 12 October.
    with at(2026, 10, 12, 8, 30):
        r = publish(world, campaign, proposed, start="2026-10-11")
        assert r.status_code == 400 and "公示开始日期不能早于今天（2026-10-12）" in r.json()["starts_on"][0]
        page = login(world.district_admin).post(reverse("evaluation:notices", args=[campaign.pk]),
                                                {"title": "", "starts_on": "2026-10-09"})
        assert page.status_code == 200 and "公示开始日期不能早于今天" in page.content.decode()
    assert not PublicNotice.objects.exists()
    proposed.refresh_from_db()
    assert proposed.status == SubmissionStatus.PROPOSED
    assert not AuditEvent.objects.filter(action="evaluation.notice.publish").exists()


def test_the_end_is_computed_and_naming_waits_for_it_and_for_every_objection(world, campaign, proposed):
    with at(2026, 10, 12, 9):
        r = publish(world, campaign, proposed, start="2026-10-13")
    assert r.status_code == 201
    notice = r.json()
    # Five working days from Tuesday 13 October: 13, 14, 15, 16 and Monday 19 October.
    assert notice["ends_on"] == "2026-10-19" and notice["working_days"] == 5 and notice["submissions"] == [proposed.pk]
    with at(2026, 10, 14, 10):
        objection = services.raise_objection(PublicNotice.objects.get(), name="王群众", contact="13811112222",
                                             content="该社区曾发生刑事案件", submission_id=proposed.pk)
    close = f"/api/v1/notices/{notice['id']}/close/"
    with at(2026, 10, 19, 17):  # the last day of the notice
        r = api(world.district_admin).post(close)
        assert r.status_code == 400 and "2026-10-19" in r.content.decode()
    with at(2026, 10, 20, 9):
        r = api(world.district_admin).post(close)
        assert r.status_code == 400 and "1 条异议未处理" in r.content.decode()
        assert not Award.objects.exists()
        # Upheld without naming a star: refused, nothing changes.
        r = api(world.district_admin).post(f"/api/v1/objections/{objection.pk}/resolve/",
                                           {"ruling": "upheld", "outcome": "属实"}, format="json")
        assert r.status_code == 400 and "请选择因此取消的星" in r.content.decode()
        objection.refresh_from_db()
        assert objection.status == "open"
        # 部分成立 with the star it removes.
        r = api(world.district_admin).post(f"/api/v1/objections/{objection.pk}/resolve/", {
            "ruling": "partly", "outcome": "刑事案件属实，其他反映不实", "removed_star_codes": ["pafz"]}, format="json")
        assert r.status_code == 200 and r.json()["status"] == "partly"
        proposed.refresh_from_db()
        assert proposed.proposed_star_codes == ["zbgy"] and proposed.proposed_level == 1
        r = api(world.district_admin).post(close)
        assert r.status_code == 200 and r.json()[0]["level"] == 1
    assert Award.objects.get().star_codes == ["zbgy"]


def test_a_rejected_objection_does_not_hold_up_the_naming(world, campaign, proposed, login):
    with at(2026, 10, 13, 9):
        notice = services.publish_notice(world.district_admin, campaign, "", dt.date(2026, 10, 13))
        spam = [services.raise_objection(notice, name="某", contact="1", content="不同意不同意不同意",
                                         submission_id=proposed.pk) for _ in range(2)]
    with at(2026, 10, 20, 9):
        admin = login(world.district_admin)
        # 不予受理 needs its ground.
        admin.post(reverse("evaluation:objection_resolve", args=[spam[0].pk]), {
            f"o{spam[0].pk}-ruling": "rejected", f"o{spam[0].pk}-outcome": "无具体事实"})
        spam[0].refresh_from_db()
        assert spam[0].status == "open"
        for o in spam:
            admin.post(reverse("evaluation:objection_resolve", args=[o.pk]), {
                f"o{o.pk}-ruling": "rejected", f"o{o.pk}-rejection": "empty", f"o{o.pk}-outcome": "无具体事实和线索"})
        assert set(Objection.objects.values_list("status", "rejection")) == {("rejected", "empty")}
        admin.post(reverse("evaluation:notice_close", args=[notice.pk]))
    assert Award.objects.get().level == 2


def test_a_ruling_is_corrected_with_a_reason_until_the_batch_is_named(world, campaign, proposed):
    with at(2026, 10, 13, 9):
        notice = services.publish_notice(world.district_admin, campaign, "", dt.date(2026, 10, 13))
        objection = services.raise_objection(notice, name="甲", contact="139", content="该社区发生过刑事案件",
                                             submission_id=proposed.pk)
        services.resolve_objection(world.district_admin, objection, ruling="upheld", outcome="属实",
                                   removed_star_codes=["pafz"])
    proposed.refresh_from_db()
    assert proposed.proposed_level == 1
    url = f"/api/v1/objections/{objection.pk}/resolve/"
    with at(2026, 10, 15, 9):
        r = api(world.district_admin).post(url, {"ruling": "dismissed", "outcome": "案件发生在相邻社区"}, format="json")
        assert r.status_code == 400 and "更正处理结果时请写明理由" in r.content.decode()
        r = api(world.district_admin).post(url, {"ruling": "dismissed", "outcome": "案件发生在相邻社区",
                                                 "reason": "公安机关复函：案发地不在本社区"}, format="json")
        assert r.status_code == 200, r.content
    proposed.refresh_from_db()
    objection.refresh_from_db()
    assert proposed.proposed_star_codes == ["zbgy", "pafz"] and proposed.proposed_level == 2
    assert objection.status == "dismissed" and objection.corrections[0]["ruling"] == "upheld"
    assert objection.corrections[0]["reason"] == "公安机关复函：案发地不在本社区"
    correction = AuditEvent.objects.get(action="evaluation.objection.correct")
    assert correction.data["previous"]["removed"] == ["pafz"]
    with at(2026, 10, 20, 9):
        services.close_notice(world.district_admin, notice)
        r = api(world.district_admin).post(url, {"ruling": "upheld", "outcome": "x", "removed_star_codes": ["pafz"],
                                                 "reason": "再议"}, format="json")
    assert r.status_code == 400 and "已命名" in r.content.decode()
    assert Award.objects.get().level == 2


def test_only_the_district_admin_publishes_or_names(world, campaign, proposed):
    with at(2026, 10, 12, 9):
        for user in (world.office_admin, world.star_reviewer, world.branch_user):
            r = api(user).post("/api/v1/notices/", {"campaign": campaign.pk, "submissions": [proposed.pk],
                                                    "start": "2026-10-13"}, format="json")
            assert r.status_code == 404
    assert not PublicNotice.objects.exists()
    assert Submission.objects.get().status == SubmissionStatus.PROPOSED
