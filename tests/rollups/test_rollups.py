"""The live rollups always equal a from-scratch computation, whatever sequence of writes came before.

Each hypothesis example builds the test district and a campaign, then applies a random sequence of
real writes through the services (targets, plan tasks and their progress, overdue marking,
self-assessments, weekly reports submitted on time or late, awards and star removals, branches
added, moved, deactivated and reactivated), and finally compares every stored rollup row with
`wuxing.rollups.services.compute`, which reads only the raw tables.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.conftest import SYSTEM, make_campaign, make_world
from wuxing.core import events
from wuxing.core import weeks as deadlines
from wuxing.core.roles import Level
from wuxing.creation import services as creation
from wuxing.creation.models import PlanTask
from wuxing.evaluation import services as evaluation
from wuxing.evaluation.models import Award, Submission
from wuxing.orgs import services as orgs
from wuxing.rollups import services as rollups
from wuxing.rollups.models import BranchStat, UnitStat, UnitWeekStat
from wuxing.weekly import services as weekly
from wuxing.weekly.models import WeeklyReport

SH = deadlines.SHANGHAI

OPS = st.sampled_from(["target", "task", "progress", "done", "delete_task", "overdue", "self", "report", "award",
                       "remove_star", "new_branch", "move", "deactivate", "reactivate"])


def _stars(campaign, branch):
    return [s.code for s in campaign.standard_for(branch).stars.all()]


def _indicators(campaign, branch):
    return [i for s in campaign.standard_for(branch).stars.all() for i in s.indicators.all()]


def apply(op: str, data, w, campaign) -> None:
    """One write through the services (or, for awards, the row the naming service creates)."""
    from wuxing.orgs.models import OrgUnit

    branches = list(OrgUnit.objects.filter(level__in=[Level.COMMUNITY, Level.VILLAGE], path__startswith=w.district.path)
                    .order_by("pk"))
    active = [b for b in branches if b.is_active]
    branch = data.draw(st.sampled_from(active or branches), label="branch")
    stars = _stars(campaign, branch)
    if op == "target":
        creation.save_target(SYSTEM, campaign, branch,
                             star_codes=data.draw(st.lists(st.sampled_from(stars), unique=True, min_size=1)))
    elif op == "task":
        creation.create_task(SYSTEM, campaign, branch, title="任务", star_code=data.draw(st.sampled_from(stars)),
                             due_date=dt.date(data.draw(st.sampled_from([2026, 2027])), data.draw(st.integers(1, 12)), 1), responsible_name="张三")
    elif op in ("progress", "done", "delete_task"):
        task = PlanTask.objects.filter(campaign=campaign, branch=branch).order_by("pk").first()
        if task is None:
            return
        if op == "delete_task":
            creation.delete_task(SYSTEM, task)
        else:
            creation.add_progress(SYSTEM, task, "推进中", done=op == "done")
    elif op == "overdue":
        creation.mark_overdue(dt.date(2027, data.draw(st.integers(1, 12)), 15))
    elif op == "self":
        if Submission.objects.filter(campaign=campaign, branch=branch).exclude(status="draft").exists():
            return
        results = {}
        for i in _indicators(campaign, branch):
            if i.kind == "points":
                results[i.code] = data.draw(st.sampled_from([None, 0, float(i.max_points or 0)]))
            else:
                results[i.code] = data.draw(st.sampled_from([None, True, False]))
        evaluation.save_self_results(SYSTEM, campaign, branch, results)
    elif op == "report":
        week = data.draw(st.integers(1, 40), label="week")
        due = campaign.weekly_due(2026, week)
        late = data.draw(st.booleans(), label="late")
        existing = WeeklyReport.objects.filter(branch=branch, iso_year=2026, iso_week=week).first()
        if existing is not None and existing.status not in ("draft", "returned"):
            weekly.return_report(SYSTEM, existing, "请补充")  # sent back: the branch may edit and send again
        report = weekly.save_report(SYSTEM, campaign, branch, 2026, week, summary="本周工作")
        with time_machine.travel(due + dt.timedelta(hours=1 if late else -1), tick=False):
            if report.status in ("draft", "returned"):
                weekly.submit_report(SYSTEM, report)
        if data.draw(st.booleans(), label="return"):
            report.refresh_from_db()
            if report.status == "submitted":
                weekly.return_report(SYSTEM, report, "请补充")
    elif op == "award":
        if Award.objects.filter(campaign=campaign, branch=branch).exists():
            return
        codes = data.draw(st.lists(st.sampled_from(stars), unique=True))
        sub = Submission.objects.filter(campaign=campaign, branch=branch).first() or Submission.objects.create(
            campaign=campaign, branch=branch)
        Award.objects.create(submission=sub, campaign=campaign, branch=branch, star_codes=codes, level=len(codes),
                             effective_star_codes=codes, effective_level=len(codes))
        events.branch_changed(campaign.pk, branch.pk)  # as the naming service announces it
    elif op == "remove_star":
        award = Award.objects.filter(campaign=campaign).order_by("pk").first()
        if award is None or not award.effective_star_codes:
            return
        evaluation.remove_star(SYSTEM, award, star_code=award.effective_star_codes[0], category="other",
                               description="发生刑事案件", occurred_on=dt.date(2026, 6, 1))
    elif op == "new_branch":
        n = OrgUnit.objects.count()
        orgs.create_unit(SYSTEM, parent=data.draw(st.sampled_from([w.east, w.west])), code=f"N{n}", name=f"新村{n}",
                         level=Level.VILLAGE)
    elif op == "move":
        target = w.west if branch.parent_id == w.east.pk else w.east
        orgs.move_subtree(branch, target)
    elif op in ("deactivate", "reactivate"):
        candidates = [b for b in branches if b.is_active == (op == "deactivate")]
        if not candidates:
            return
        b = data.draw(st.sampled_from(candidates))
        orgs.update_unit(SYSTEM, b, name=b.name, kind=b.kind, area_code=b.area_code, is_active=op == "reactivate")


class TestRollupsEqualRecomputation(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), ops=st.lists(OPS, min_size=8, max_size=30))
    def test_after_any_sequence_of_writes(self, data, ops):
        with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
            w = make_world()
            campaign = make_campaign(w)
            for op in ops:
                apply(op, data, w, campaign)
            d = rollups.drift(campaign)
            assert (d.branch_rows, d.unit_rows, d.week_rows) == (0, 0, 0), (ops, d.examples)


@pytest.mark.django_db
def test_rebuild_reports_drift_and_repairs_it(world, campaign):
    stat = BranchStat.objects.get(campaign=campaign, branch=world.community)
    BranchStat.objects.filter(pk=stat.pk).update(level=5)
    UnitStat.objects.filter(campaign=campaign, unit=world.east).update(tasks=99)
    UnitWeekStat.objects.create(campaign=campaign, unit=world.east, iso_year=2026, iso_week=3, on_time=7)
    with pytest.raises(CommandError, match="3 rollup rows differ"):
        call_command("rollups", "check")
    d = rollups.rebuild(campaign)
    assert (d.branch_rows, d.unit_rows, d.week_rows) == (1, 1, 1)
    assert rollups.drift(campaign).total == 0
    call_command("rollups", "check")  # no drift: no error


@pytest.mark.django_db
def test_every_branch_is_counted_from_the_campaign_start(world, campaign):
    district = UnitStat.objects.get(campaign=campaign, unit=world.district)
    assert district.n_branches == 4 and district.l0 == 4
    assert UnitStat.objects.get(campaign=campaign, unit=world.east).n_branches == 2


@pytest.mark.django_db
def test_a_first_submission_counts_once_and_a_resubmission_not_again(world, campaign):
    with time_machine.travel(dt.datetime(2026, 5, 15, 9, tzinfo=SH), tick=False):
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="本周")
        weekly.submit_report(world.branch_user, report)
        weekly.return_report(world.office_admin, report, "请补充")
        weekly.submit_report(world.branch_user, WeeklyReport.objects.get(pk=report.pk))
    rows = {(r.unit_id, r.on_time, r.late) for r in UnitWeekStat.objects.filter(campaign=campaign, iso_week=20)}
    assert rows == {(world.district.pk, 1, 0), (world.east.pk, 1, 0)}
    assert BranchStat.objects.get(campaign=campaign, branch=world.community).on_time == 1


@pytest.mark.django_db
def test_a_cached_dashboard_shows_a_write_as_soon_as_it_commits(world, campaign, login, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from wuxing.creation import services as creation_services

    client = login(world.district_admin)
    url = reverse("contest:district", args=[campaign.pk])

    def progress_table(html: bytes) -> str:
        return html.decode().split('id="ds-progress"')[1].split("</table>")[0]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as built:
        first = client.get(url).content
    with CaptureQueriesContext(connection) as cached:
        assert progress_table(client.get(url).content) == progress_table(first)
    assert len(cached) < len(built) - 3  # the body came from the cache, not from the rollups
    assert "<td>东城办事处</td><td>0</td>" in progress_table(first)
    with django_capture_on_commit_callbacks(execute=True):
        creation_services.create_task(world.district_admin, campaign, world.community, title="推进台账整理",
                                      star_code=campaign.standard_for(world.community).stars.first().code,
                                      due_date=dt.date(2026, 12, 20), responsible_name="张三")
    assert "<td>东城办事处</td><td>1</td>" in progress_table(client.get(url).content)
