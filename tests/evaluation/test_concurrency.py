"""Two people acting on the same branch's claim at the same moment, in real concurrent transactions.

Each step of the review chain locks the submission row, so of two conflicting actions exactly one
takes effect and the other is refused with a message; actions that do not conflict (two reviewers
deciding different stars) both land. Afterwards the submission, its decisions and the audit trail
agree, and the audit chain still verifies. Needs PostgreSQL: on SQLite (one writer) it is skipped.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from tests.conftest import (
    PASSWORD,
    SYSTEM,
    at_once,
    judge_all,
    make_campaign,
    make_world,
    met_results,
    office_agrees,
)
from wuxing.core import audit
from wuxing.core.models import AuditEvent
from wuxing.core.roles import Role
from wuxing.evaluation import services
from wuxing.evaluation.models import StarDecision, Submission
from wuxing.evaluation.models import SubmissionStatus as S
from wuxing.orgs import services as orgs

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")]
CLAIM = ["zbgy", "pafz"]


@pytest.fixture
def colleague(claimed):
    """A second admin of the claiming branch's office (东城办事处): two people, one queue."""
    world, _sub = claimed
    return orgs.create_user(SYSTEM, username="office_admin2", real_name="东城管理员二", mobile="13900000002",
                            password=PASSWORD, role=Role.OFFICE_ADMIN, unit=world.east)


@pytest.fixture
def claimed():
    """A community whose claim of two stars waits at the office; returns (world, submission)."""
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        world = make_world()
        campaign = make_campaign(world)
        services.save_self_results(world.branch_user, campaign, world.community,
                                   met_results(campaign, world.community, CLAIM))
        sub = services.submit_claim(world.branch_user, campaign, world.community, CLAIM, confirmed=True)
        yield world, sub


def events(sub, prefix):
    return list(AuditEvent.objects.filter(object_type="evaluation.submission", object_id=str(sub.pk),
                                          action__startswith=prefix).values_list("action", flat=True))


def test_pass_and_return_at_once_one_wins_and_the_other_is_told(claimed, colleague):
    world, sub = claimed
    judge_all(world.office_admin, sub)  # passing needs every indicator judged (one office.review event)
    stale = Submission.objects.get(pk=sub.pk)  # both pages were loaded while the claim was at the office
    outcomes = at_once(lambda: services.office_pass(world.office_admin, stale, "同意上报"),
                       lambda: services.office_return(colleague, stale, "请补充台账"))

    won = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(refused) == 1, outcomes
    assert "当前状态" in refused[0].messages[0]
    sub.refresh_from_db()
    assert sub.status == won[0].status and sub.status in (S.DISTRICT, S.RETURNED)
    winner = "evaluation.office.pass" if sub.status == S.DISTRICT else "evaluation.office.return"
    assert sorted(events(sub, "evaluation.office.")) == sorted(["evaluation.office.review", winner])
    assert audit.verify().ok


def test_two_offices_saving_one_review_from_the_same_version_keep_one(claimed, colleague):
    world, sub = claimed
    code = sub.campaign.standard_for(sub.branch).stars.get(code="zbgy").indicators.first().code
    seen = services.office_review(world.office_admin, sub, {code: (True, "")}).version  # both pages show this
    outcomes = at_once(
        lambda: services.office_review(world.office_admin, sub, {code: (True, "")}, version=seen),
        lambda: services.office_review(colleague, sub, {code: (False, "会议记录不全")}, version=seen))
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "已被他人修改" in refused[0].messages[0], outcomes
    saved = next(o for o in outcomes if not isinstance(o, Exception))
    saved.refresh_from_db()
    agreed = outcomes[0] is saved  # the first action agrees, the second does not
    assert saved.version == seen + 1 and saved.results.get(indicator_code=code).agree is agreed
    assert len(events(sub, "evaluation.office.review")) == 2  # the first save and the winner
    assert audit.verify().ok


def test_two_reviewers_deciding_different_stars_at_once_both_land(claimed):
    world, sub = claimed
    office_agrees(world.office_admin, sub)
    reviewer = world.star_reviewer  # owns 平安法治星 (pafz)
    outcomes = at_once(
        lambda: services.district_decide(world.district_admin, sub, "zbgy", True, "材料齐全"),
        lambda: services.district_decide(reviewer, sub, "pafz", False, "辖区发生刑事案件"))
    assert all(isinstance(o, StarDecision) for o in outcomes), outcomes
    assert dict(StarDecision.objects.filter(submission=sub).values_list("star_code", "passed")) == {
        "zbgy": True, "pafz": False}
    final = services.district_finalize(world.district_admin, Submission.objects.get(pk=sub.pk))
    assert final.status == S.PROPOSED and final.proposed_level == 1
    assert audit.verify().ok
