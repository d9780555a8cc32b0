"""Issue 17 item 7 (the star side): guards on steps that cannot be undone, on the pages and in the API."""

import pytest
from django.urls import reverse

from tests.conftest import api_as as api
from tests.conftest import judge_all, met_results
from wuxing.core.models import AuditEvent
from wuxing.creation.models import Target
from wuxing.evaluation import services
from wuxing.evaluation.models import StarDecision, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db



def test_a_claim_shows_its_summary_and_needs_the_confirmation(world, campaign, login):
    c, b = campaign, world.community
    services.save_self_results(world.branch_user, c, b, met_results(c, b, ["zbgy", "pafz"]))
    page = login(world.branch_user)
    html = page.get(reverse("evaluation:branch", args=[c.pk, b.pk])).content.decode()
    assert 'id="claim-summary"' in html and "U-PAFZ-01" in html  # an indicator still without a ledger file
    assert "确认申报" in html
    page.post(reverse("evaluation:claim", args=[c.pk, b.pk]), {"claimed": ["zbgy", "pafz"]})
    r = api(world.branch_user).post("/api/v1/submissions/claim/", {
        "campaign": c.pk, "branch": b.pk, "claimed": ["zbgy"], "confirm": False}, format="json")
    assert r.status_code == 400 and "确认申报" in r.content.decode()
    r = api(world.branch_user).post("/api/v1/submissions/claim/", {
        "campaign": c.pk, "branch": b.pk, "claimed": ["zbgy"]}, format="json")
    assert r.status_code == 400 and "confirm" in r.json()
    assert not Submission.objects.filter(status=SubmissionStatus.OFFICE).exists()
    assert not AuditEvent.objects.filter(action="evaluation.claim.submit").exists()
    page.post(reverse("evaluation:claim", args=[c.pk, b.pk]), {"claimed": ["zbgy", "pafz"], "confirm": "on"})
    assert Submission.objects.get().status == SubmissionStatus.OFFICE


def test_office_pass_needs_every_claimed_indicator_judged(world, campaign):
    c, b = campaign, world.community
    services.save_self_results(world.branch_user, c, b, met_results(c, b))
    sub = services.submit_claim(world.branch_user, c, b, ["zbgy"], confirmed=True)
    services.office_review(world.office_admin, sub, {"U-ZBGY-01": (True, "")})
    r = api(world.office_admin).post(f"/api/v1/submissions/{sub.pk}/office-pass/", {"note": ""}, format="json")
    assert r.status_code == 400 and "未给出初审意见" in r.content.decode()
    assert Submission.objects.get().status == SubmissionStatus.OFFICE
    judge_all(world.office_admin, sub)
    r = api(world.office_admin).post(f"/api/v1/submissions/{sub.pk}/office-pass/", {"note": ""}, format="json")
    assert r.status_code == 200 and r.json()["status"] == SubmissionStatus.DISTRICT


def test_a_star_decision_has_no_default(world, campaign, login):
    from tests.conftest import office_agrees

    c, b = campaign, world.community
    services.save_self_results(world.branch_user, c, b, met_results(c, b))
    sub = office_agrees(world.office_admin, services.submit_claim(world.branch_user, c, b, ["zbgy"], confirmed=True))
    admin = login(world.district_admin)
    html = admin.get(reverse("evaluation:branch", args=[c.pk, b.pk])).content.decode()
    assert '<option value="" selected>（请选择）</option>' in html
    r = admin.post(reverse("evaluation:district_action", args=[c.pk, b.pk, "decide"]), {"star_code": "zbgy"},
                   follow=True)
    assert "请选择审核结论" in r.content.decode()
    r = api(world.district_admin).post(f"/api/v1/submissions/{sub.pk}/decide/", {"star_code": "zbgy"}, format="json")
    assert r.status_code == 400 and "passed" in r.json()
    assert not StarDecision.objects.exists()


def test_an_empty_target_is_refused(world, campaign, login):
    c, b = campaign, world.community
    r = api(world.branch_user).post("/api/v1/targets/", {"campaign": c.pk, "branch": b.pk, "star_codes": [],
                                                         "goal": "争创"}, format="json")
    assert r.status_code == 400 and "请至少选择一颗争创的星" in r.content.decode()
    page = login(world.branch_user).post(reverse("creation:target_edit", args=[c.pk, b.pk]), {"goal": "争创"},
                                         follow=True)
    assert "请至少选择一颗争创的星" in page.content.decode()
    assert not Target.objects.exists()
