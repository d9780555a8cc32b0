"""Per-branch metrics of a campaign, in a fixed handful of queries: what rankings, flags and the
dashboards are computed from.

A branch's current level is `evaluation.selectors.current_levels`, the one rule every page uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from wuxing.core.roles import Kind
from wuxing.creation.models import PlanTask, Target, TaskStatus
from wuxing.evaluation.selectors import current_levels
from wuxing.orgs.models import OrgUnit


@dataclass
class BranchMetric:
    branch: OrgUnit
    office: OrgUnit | None
    level: int
    stars: tuple[str, ...]
    named: bool  # the level comes from an award (命名) rather than an assessment
    target_level: int
    tasks: int
    done: int
    overdue: int
    positions: tuple[int, ...] = field(default=())  # star positions (0–4) held, for urban/rural columns
    target_codes: tuple[str, ...] = field(default=())  # the stars the branch goes for

    @property
    def progress(self) -> float:
        return round(100 * self.done / self.tasks, 1) if self.tasks else 0.0

    @property
    def met_target(self) -> bool:
        return self.target_level > 0 and self.level >= self.target_level


def branch_metrics(user, campaign, within: OrgUnit | None = None) -> list[BranchMetric]:
    """Metrics of the branches `user` may see (under `within`, default the whole campaign area), read
    from the live per-branch rollup (one query)."""
    from wuxing.rollups.models import BranchStat

    stats = BranchStat.objects.for_user(user).filter(
        campaign=campaign, path__startswith=(within or campaign.unit).path).select_related("branch", "office")
    return [BranchMetric(s.branch, s.office, s.level, tuple(s.star_codes), s.named, s.target_level, s.tasks, s.done,
                         s.overdue, tuple(s.positions)) for s in stats.order_by("path")]


def metrics_for(campaign, branches: list[OrgUnit]) -> list[BranchMetric]:
    """Metrics computed from the raw tables, for branches the caller has already authorised (a pairing it
    may view) and for the rollups themselves (wuxing.rollups.services)."""
    ids = [b.pk for b in branches]
    levels = current_levels(campaign, branches)
    targets = {b: (level, tuple(codes)) for b, level, codes in Target.objects.filter(
        campaign=campaign, branch_id__in=ids).values_list("branch_id", "level", "star_codes")}
    tasks = {row["branch_id"]: row for row in PlanTask.objects.filter(campaign=campaign, branch_id__in=ids).values(
        "branch_id").annotate(n=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
                              overdue=Count("id", filter=Q(status=TaskStatus.OVERDUE)))}
    orders = {kind: [s.code for s in campaign.standard_for_kind(kind).stars.all()] for kind in (Kind.URBAN, Kind.RURAL)}
    out = []
    for b in branches:
        order = orders[Kind.URBAN if b.kind == Kind.URBAN else Kind.RURAL]
        level, stars, named = levels[b.pk].level, levels[b.pk].stars, levels[b.pk].named
        t = tasks.get(b.pk, {})
        target_level, target_codes = targets.get(b.pk, (0, ()))
        out.append(BranchMetric(b, b.parent, level, stars, named, target_level, t.get("n", 0), t.get("done", 0),
                                t.get("overdue", 0), tuple(order.index(c) for c in stars if c in order), target_codes))
    return out


def by_office(metrics: list[BranchMetric]) -> dict[int, list[BranchMetric]]:
    groups: dict[int, list[BranchMetric]] = defaultdict(list)
    for m in metrics:
        groups[m.office.pk if m.office else 0].append(m)
    return groups
