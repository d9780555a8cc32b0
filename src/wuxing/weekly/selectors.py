"""Reads of weekly dynamics: compliance per branch and week, office and district roll-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import report_weeks  # noqa: F401 (weekly pages read it from here)
from wuxing.core import weeks as deadlines
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.orgs.models import OrgUnit
from wuxing.weekly.models import WeeklyReport, WorkItem


def statuses(campaign: Campaign, branch_ids: list[int], weeks: list[tuple[int, int]],
             now: dt.datetime | None = None) -> dict[tuple[int, tuple[int, int]], str]:
    """(branch id, week) -> on_time / late / missing / pending, from one query."""
    now = now or timezone.now()
    if not weeks:
        return {}
    by_year: dict[int, list[int]] = {}
    for y, w in weeks:
        by_year.setdefault(y, []).append(w)
    only = Q()
    for y, numbers in by_year.items():  # only the span of weeks shown: 12 of a year's 52 on the office matrix
        only |= Q(iso_year=y, iso_week__range=(min(numbers), max(numbers)))
    rows = WeeklyReport.objects.filter(only, branch_id__in=branch_ids).values_list(
        "branch_id", "iso_year", "iso_week", "submitted_at")
    submitted = {(b, (y, w)): at for b, y, w, at in rows}
    due = {week: campaign.weekly_due(*week) for week in weeks}
    return {(b, week): deadlines.status(submitted.get((b, week)), due[week], now)
            for b in branch_ids for week in weeks}


def branches_in(user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user).filter(level__in=BRANCH_LEVELS, is_active=True,
                                                 path__startswith=unit.path).order_by("path")


@dataclass
class WeekRate:
    week: tuple[int, int]
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def report_rate(self) -> float | None:
        return round(100 * self.reported / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class OfficeRates:
    office: OrgUnit
    weeks: list[WeekRate] = field(default_factory=list)


def unit_rates(campaign: Campaign, units: list[OrgUnit], weeks: list[tuple[int, int]], now: dt.datetime | None = None,
               totals: dict | None = None) -> list[OfficeRates]:
    """Per unit (office, county, city…) per week, from the live per-unit-week rollup: two queries at most."""
    from wuxing.rollups import selectors as rollups

    now = now or timezone.now()
    totals = totals if totals is not None else rollups.unit_totals(campaign, units)
    counts = rollups.week_counts(campaign, [u.pk for u in units], weeks)
    return [OfficeRates(u, [_week_rate(campaign, week, totals[u.pk].n_branches, *counts.get((u.pk, *week), (0, 0)), now)
                            for week in weeks]) for u in units]


def _week_rate(campaign: Campaign, week: tuple[int, int], n_branches: int, on_time: int, late: int,
               now: dt.datetime) -> WeekRate:
    """One unit's week: once the due time has passed every branch is expected; before, only those reported
    (the same rule as deadlines.status, applied to counts)."""
    expected = n_branches if now > campaign.weekly_due(*week) else on_time + late
    return WeekRate(week, expected=expected, on_time=on_time, late=late, missing=expected - on_time - late)


def rollup(user, campaign: Campaign, office: OrgUnit, week: tuple[int, int], now: dt.datetime | None = None):
    """All branches of an office for one week: (branch, report or None, status), missing first."""
    branches = list(branches_in(user, office))
    reports = {r.branch_id: r for r in WeeklyReport.objects.filter(
        branch__in=branches, iso_year=week[0], iso_week=week[1]).prefetch_related(
        Prefetch("items", queryset=WorkItem.objects.select_related("task")), "attachments")}
    status_of = statuses(campaign, [b.pk for b in branches], [week], now)
    rows = [(b, reports.get(b.pk), status_of[(b.pk, week)]) for b in branches]
    order = {deadlines.MISSING: 0, deadlines.PENDING: 1, deadlines.LATE: 2, deadlines.ON_TIME: 3}
    return sorted(rows, key=lambda row: (order[row[2]], row[0].path))
