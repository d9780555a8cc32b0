"""Regression tests for the findings of issue 16: each one failed on the commit before its fix.

Named after the finding they prove gone; the effect of every refused write is checked (nothing changed,
nothing audited), not only the status code.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, SYSTEM
from wuxing.core.models import AuditEvent
from wuxing.core.roles import Role
from wuxing.orgs import services as org
from wuxing.orgs.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def _audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- finding 1: account takeover ----------------------------------------------------------------------------

@pytest.fixture
def district_admin_also_leader(world):
    """The district admin also holds 包联领导 in the east office, inside the office admin's subtree."""
    org.grant_role(SYSTEM, world.district_admin, Role.LEADER, world.east)
    return world.district_admin


def test_office_admin_cannot_open_a_user_holding_a_grant_above_its_office(world, login, district_admin_also_leader):
    client = login(world.office_admin)
    assert client.get(reverse("orgs:user_detail", args=[district_admin_also_leader.pk])).status_code == 404


def test_office_admin_cannot_reset_the_password_of_a_district_admin(world, login, district_admin_also_leader):
    client = login(world.office_admin)
    before = User.objects.get(pk=district_admin_also_leader.pk).password
    r = client.post(reverse("orgs:password_reset", args=[district_admin_also_leader.pk]),
                    {"password": "Takeover@2026x", "password2": "Takeover@2026x"})
    assert r.status_code == 404
    after = User.objects.get(pk=district_admin_also_leader.pk)
    assert after.password == before and not after.check_password("Takeover@2026x")
    assert _audited("orgs.user.reset_password") == 0


def test_office_admin_cannot_deactivate_a_district_admin(world, login, district_admin_also_leader):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:user_detail", args=[district_admin_also_leader.pk]),
                    {"real_name": "改名", "mobile": "", "is_active": ""})
    assert r.status_code == 404
    after = User.objects.get(pk=district_admin_also_leader.pk)
    assert after.is_active and after.real_name == "区管理员"
    assert _audited("orgs.user.update") == 0


def test_office_admin_user_export_leaves_out_people_with_grants_above(world, login, district_admin_also_leader):
    client = login(world.office_admin)
    body = client.get(reverse("orgs:user_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "district_admin" not in body and "区级管理员" not in body
    assert "branch_user" in body  # people wholly inside the office stay manageable


def test_office_admin_cannot_manage_a_superuser_or_a_person_without_grants(world):
    from wuxing.core import policy

    assert not policy.may_manage_user(world.office_admin, world.superuser)
    assert not policy.may_manage_user(world.district_admin, world.outsider)
    assert policy.may_manage_user(world.district_admin, world.office_admin)


# --- finding 3: self-grant ------------------------------------------------------------------------------------

def test_office_admin_cannot_grant_itself_a_branch_role(world, login):
    client = login(world.office_admin)
    n = RoleAssignment.objects.count()
    client.post(reverse("orgs:role_grant", args=[world.office_admin.pk]),
                {"role": Role.SECRETARY, "unit": world.community.pk})
    assert RoleAssignment.objects.count() == n
    assert not RoleAssignment.objects.filter(user=world.office_admin, role=Role.SECRETARY).exists()
    assert _audited("orgs.role.grant") == 0


def test_office_admin_cannot_add_a_role_to_someone_it_does_not_manage(world):
    from django.core.exceptions import PermissionDenied

    org.grant_role(SYSTEM, world.district_admin, Role.LEADER, world.east)
    with pytest.raises(PermissionDenied):
        org.grant_role(world.office_admin, world.district_admin, Role.SECRETARY, world.community)
    assert not RoleAssignment.objects.filter(user=world.district_admin, role=Role.SECRETARY).exists()


def test_district_admin_may_appoint_a_colleague_but_office_admin_no_district_role(world):
    from django.core.exceptions import PermissionDenied

    colleague = org.create_user(SYSTEM, username="colleague", real_name="同事", mobile="", password=PASSWORD,
                                role=Role.OFFICE_ADMIN, unit=world.east)
    org.grant_role(world.district_admin, colleague, Role.DISTRICT_ADMIN, world.district)
    assert RoleAssignment.objects.filter(user=colleague, role=Role.DISTRICT_ADMIN).exists()
    fresh = org.create_user(SYSTEM, username="fresh", real_name="新人", mobile="", password=PASSWORD,
                            role=Role.LEADER, unit=world.east)
    with pytest.raises(PermissionDenied):
        org.grant_role(world.office_admin, fresh, Role.DISTRICT_ADMIN, world.district)


# --- finding 3: self-approval and admins writing the branch's declaration -------------------------------

def _claim_as(actor, campaign, branch):
    from tests.conftest import met_results
    from wuxing.evaluation import services as ev

    ev.save_self_results(actor, campaign, branch, met_results(campaign, branch))
    return ev.submit_claim(actor, campaign, branch, ["zbgy"])


def test_office_admin_holding_a_branch_role_cannot_pass_its_own_claim(world, campaign, login):
    from wuxing.evaluation.models import Submission, SubmissionStatus

    org.grant_role(SYSTEM, world.office_admin, Role.SECRETARY, world.community)  # as a superior might have
    sub = _claim_as(world.office_admin, campaign, world.community)
    assert sub.status == SubmissionStatus.OFFICE
    client = login(world.office_admin)
    client.post(reverse("evaluation:office_action", args=[campaign.pk, world.community.pk, "pass"]), {"note": "好"})
    api = _api(world.office_admin)
    r = api.post(f"/api/v1/submissions/{sub.pk}/office-pass/", {"note": "好"}, format="json")
    assert r.status_code in (400, 404)
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.OFFICE
    assert _audited("evaluation.office.pass") == 0
    # Another office admin of the same office still may.
    colleague = org.create_user(SYSTEM, username="colleague", real_name="同事", mobile="", password=PASSWORD,
                                role=Role.OFFICE_ADMIN, unit=world.east)
    from wuxing.evaluation import services as ev

    ev.office_pass(colleague, Submission.objects.get(pk=sub.pk))
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.DISTRICT


def _api(user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("who", ["office_admin", "district_admin"])
def test_admins_cannot_write_a_branch_self_assessment_through_the_api(world, campaign, who):
    from tests.conftest import met_results
    from wuxing.evaluation.models import IndicatorResult

    r = _api(getattr(world, who)).post("/api/v1/submissions/self-results/", {
        "campaign": campaign.pk, "branch": world.community.pk,
        "results": met_results(campaign, world.community)}, format="json")
    assert r.status_code in (403, 404)
    assert not IndicatorResult.objects.exists()
    assert _audited("evaluation.self.save") == 0
