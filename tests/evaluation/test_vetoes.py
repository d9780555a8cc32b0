"""Issue 17 item 1: a veto (一票否决) event in force means its star cannot be held — in the engine, the
claim, the district decision, the award, the rankings, the dashboard and the API, at once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import api_as as api
from tests.conftest import at, met_results, office_agrees, proposed
from wuxing.core.models import AuditEvent, Notification
from wuxing.evaluation import services
from wuxing.evaluation.models import StarRemoval, Submission, SubmissionStatus, VetoEvent, VetoStatus

pytestmark = pytest.mark.django_db
STARS = ["zbgy", "pafz", "wmxf"]




def named(world, campaign, branch, stars=STARS):
    """A branch named with `stars` through the whole chain (services), the notice closed in October."""
    proposed(world, campaign, branch, stars)
    with at(2026, 10, 13, 9):
        notice = services.publish_notice(world.district_admin, campaign, "", dt.date(2026, 10, 13))
    with at(2026, 10, 20, 9):
        return services.close_notice(world.district_admin, notice)[0]


def east_levels(client, campaign) -> list[int]:
    """The dashboard's level distribution of 东城办事处 (branches with 0…5 stars)."""
    body = client.get("/api/v1/dashboard/", {"campaign": campaign.pk}).json()
    rows = next(d for d in body["datasets"] if d["key"] == "levels")["rows"]
    return next(r for r in rows if r[0] == "东城办事处")[1:7]


def ranking_row(client, campaign, branch):
    body = client.get("/api/v1/rankings/", {"campaign": campaign.pk, "page_size": 1000}).json()
    return next(r for r in body["branches"] if r["id"] == branch.pk)


def test_a_three_zero_veto_takes_the_star_from_award_rankings_dashboard_and_api_at_once(world, campaign, login):
    c, b = campaign, world.community
    award = named(world, c, b)
    admin = api(world.district_admin)
    assert ranking_row(admin, c, b)["level"] == 3 and "pafz" in ranking_row(admin, c, b)["stars"]
    before_audit = AuditEvent.objects.count()
    assert east_levels(admin, c)[3] == 1 and east_levels(admin, c)[2] == 0

    with at(2026, 11, 5, 9):
        r = admin.post("/api/v1/veto-events/", {
            "campaign": c.pk, "branch": b.pk, "veto_code": "U-V-PAFZ-3", "occurred_on": "2026-11-03",
            "description": "辖区发生一起入室盗窃刑事案件", "evidence": "经开公刑立字〔2026〕118号"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == VetoStatus.IN_FORCE and r.json()["star_code"] == "pafz"

    # The award: the star struck at once, as a veto removal linked to the event.
    award.refresh_from_db()
    assert award.effective_star_codes == ["zbgy", "wmxf"] and award.effective_level == 2 and award.level == 3
    removal = StarRemoval.objects.get(award=award)
    assert removal.category == "veto" and removal.veto_id == r.json()["id"] and removal.star_code == "pafz"
    # Rankings, dashboard and the awards API read the new level with no further step.
    row = ranking_row(admin, c, b)
    assert row["level"] == 2 and "pafz" not in row["stars"]
    assert admin.get(f"/api/v1/awards/{award.pk}/").json()["effective_level"] == 2
    assert east_levels(admin, c)[3] == 0 and east_levels(admin, c)[2] == 1
    # Audited (the event, its approval, the removal) and told to the branch and its office.
    actions = list(AuditEvent.objects.filter(seq__gt=0).order_by("seq").values_list("action", flat=True))[-3:]
    assert actions == ["evaluation.veto.record", "evaluation.star.remove", "evaluation.veto.approve"]
    assert AuditEvent.objects.count() == before_audit + 3
    told = set(Notification.objects.filter(title__contains="一票否决").values_list("user__username", flat=True))
    assert told == {"branch_user", "office_admin"}
    # A hand reinstatement is refused while the veto stands.
    with pytest.raises(ValidationError, match="一票否决"):
        services.reinstate_star(world.district_admin, removal, "想恢复")

    # Revoked (recorded in error): the star comes back, with the reason in the chain.
    r = admin.post(f"/api/v1/veto-events/{r.json()['id']}/revoke/", {"reason": "经复核，案件发生地不在本社区"},
                   format="json")
    assert r.status_code == 200 and r.json()["status"] == VetoStatus.REVOKED
    award.refresh_from_db()
    assert award.effective_level == 3 and ranking_row(admin, c, b)["level"] == 3
    assert AuditEvent.objects.filter(action="evaluation.veto.revoke").count() == 1


def test_claiming_or_passing_a_vetoed_star_is_refused_page_and_api(world, campaign, login):
    c, b = campaign, world.community
    services.save_self_results(world.branch_user, c, b, met_results(c, b))
    with at(2026, 9, 1, 9):
        event = services.record_veto(world.district_admin, c, b, veto_code="U-V-PAFZ-1",
                                     occurred_on=dt.date(2026, 8, 30), description="发生进京上访",
                                     evidence="信访局通报〔2026〕9号")
    assert event.status == VetoStatus.IN_FORCE
    # The engine: the star is unmet, with the veto as its reason, though every indicator is met.
    picture = login(world.branch_user).get(reverse("evaluation:branch", args=[c.pk, b.pk])).content.decode()
    assert "生效的一票否决事件" in picture and "发生越级上访" in picture  # the star's veto conditions are listed
    assert "达标线" in picture  # and each points indicator's pass mark
    # The register is on the page once, in its body (not spilled into the <title>).
    title = picture.split("<title>", 1)[1].split("</title>", 1)[0]
    assert picture.count('id="vetoes"') == 1 and "一票否决" not in title
    # The claim: refused on the page and in the API, nothing saved.
    page = login(world.branch_user)
    page.post(reverse("evaluation:claim", args=[c.pk, b.pk]), {"claimed": ["zbgy", "pafz"], "confirm": "on"})
    assert not Submission.objects.filter(branch=b, status=SubmissionStatus.OFFICE).exists()
    r = api(world.branch_user).post("/api/v1/submissions/claim/", {"campaign": c.pk, "branch": b.pk,
                                                                   "claimed": ["zbgy", "pafz"], "confirm": True}, format="json")
    assert r.status_code == 400 and "一票否决" in r.content.decode()
    # Without the vetoed star the claim goes; a veto that comes later stops the district from passing it.
    services.revoke_veto(world.district_admin, event, "登记有误")
    sub = services.submit_claim(world.branch_user, c, b, ["zbgy", "pafz"], confirmed=True)
    sub = office_agrees(world.office_admin, sub)
    services.record_veto(world.district_admin, c, b, veto_code="U-V-PAFZ-2", occurred_on=dt.date(2026, 9, 1),
                         description="辖区工地发生伤亡事故", evidence="应急局事故报告")
    r = api(world.star_reviewer).post(f"/api/v1/submissions/{sub.pk}/decide/", {"star_code": "pafz", "passed": True},
                                      format="json")
    assert r.status_code == 400 and "一票否决" in r.content.decode()
    assert not sub.decisions.filter(star_code="pafz").exists()


def test_an_office_records_and_the_district_confirms(world, campaign, login):
    c, b = campaign, world.community
    award = named(world, c, b)
    with at(2026, 11, 5, 9):
        office = login(world.office_admin)
        office.post(reverse("evaluation:veto_record", args=[c.pk, b.pk]), {
            "veto_code": "U-V-PAFZ-3", "occurred_on": "2026-11-04", "description": "发生刑事案件",
            "evidence": "派出所通报"})
    event = VetoEvent.objects.get()
    assert event.status == VetoStatus.PENDING and event.recorded_by == world.office_admin
    award.refresh_from_db()
    assert award.effective_level == 3  # not yet in force
    # The office cannot confirm its own record; neither page nor API shows it the step.
    office = login(world.office_admin)
    assert office.post(reverse("evaluation:veto_approve", args=[event.pk])).status_code == 404
    assert api(world.office_admin).post(f"/api/v1/veto-events/{event.pk}/approve/").status_code == 404
    # The branch cannot record against itself.
    assert login(world.branch_user).post(reverse("evaluation:veto_record", args=[c.pk, b.pk]), {
        "veto_code": "U-V-PAFZ-3", "occurred_on": "2026-11-04", "description": "x", "evidence": "y"}).status_code == 404
    assert VetoEvent.objects.count() == 1
    login(world.district_admin).post(reverse("evaluation:veto_approve", args=[event.pk]))
    event.refresh_from_db()
    award.refresh_from_db()
    assert event.status == VetoStatus.IN_FORCE and event.approved_by == world.district_admin
    assert award.effective_level == 2
    listing = login(world.district_admin).get(reverse("evaluation:vetoes", args=[c.pk])).content.decode()
    assert "东城社区" in listing and "发生刑事案件" in listing
    export = login(world.district_admin).get(reverse("evaluation:vetoes", args=[c.pk]), {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("field,value,message", [
    ("veto_code", "U-V-NOPE", "不属于本支部适用的评星标准"),
    ("occurred_on", "2027-01-01", "不能晚于今天"),
    ("description", " ", "情况说明"),
    ("evidence", " ", "佐证材料"),
])
def test_a_bad_veto_record_is_refused_in_chinese_and_nothing_is_saved(world, campaign, field, value, message):
    body = {"campaign": campaign.pk, "branch": world.community.pk, "veto_code": "U-V-PAFZ-1",
            "occurred_on": "2026-11-01", "description": "发生越级上访", "evidence": "通报", field: value}
    with at(2026, 11, 5, 9):
        r = api(world.district_admin).post("/api/v1/veto-events/", body, format="json")
    assert r.status_code == 400 and message in r.content.decode()
    assert not VetoEvent.objects.exists() and not AuditEvent.objects.filter(action__startswith="evaluation.veto").exists()


def test_recording_a_veto_needs_an_admin_role_over_the_branch(world, campaign):
    with pytest.raises(PermissionDenied):
        services.record_veto(world.branch_user, campaign, world.community, veto_code="U-V-PAFZ-1",
                             occurred_on=dt.date(2026, 1, 1), description="x", evidence="y")
    r = api(world.other_branch_user).post("/api/v1/veto-events/", {
        "campaign": campaign.pk, "branch": world.community.pk, "veto_code": "U-V-PAFZ-1", "occurred_on": "2026-01-01",
        "description": "x", "evidence": "y"}, format="json")
    assert r.status_code == 404
    assert not VetoEvent.objects.exists() and not AuditEvent.objects.filter(action__startswith="evaluation.veto").exists()
