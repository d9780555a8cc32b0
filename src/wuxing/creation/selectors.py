"""Reads of annual creation. Every query starts from for_user(); aggregates are computed per page
from a handful of queries (no N+1), independent of the number of branches shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from wuxing.campaigns.models import Campaign
from wuxing.core.roles import BRANCH_LEVELS, Kind
from wuxing.creation import gaps as gap_engine
from wuxing.creation.models import PlanTask, Target, TaskStatus
from wuxing.evaluation.models import Evidence
from wuxing.evaluation.selectors import current_levels, latest_results
from wuxing.orgs.models import Assignment, OrgUnit


def visible_branches(user, campaign: Campaign, within: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    branches = OrgUnit.objects.for_user(user).filter(level__in=BRANCH_LEVELS, is_active=True,
                                                     path__startswith=(within or campaign.unit).path)
    return branches.select_related("parent").order_by("path")


def gap_analysis(campaign: Campaign, branch: OrgUnit, target: Target | None,
                 tasks: list[PlanTask] | None = None) -> list[gap_engine.StarGap]:
    """`tasks`: the branch's plan tasks of this campaign when the caller has them already (one query less)."""
    standard = campaign.standard_for(branch)
    results = latest_results(campaign, [branch.pk]).get(branch.pk, {})
    evidence = set(Evidence.objects.filter(campaign=campaign, branch=branch).values_list("indicator_code", flat=True))
    if tasks is None:
        codes_of = PlanTask.objects.filter(campaign=campaign, branch=branch).values_list("indicator_codes", flat=True)
    else:
        codes_of = [t.indicator_codes for t in tasks]
    planned = {code for codes in codes_of for code in codes}
    stars = target.star_codes if target is not None else []
    return gap_engine.analyse(standard.spec(), stars, results, evidence, planned)


def branch_tasks(campaign: Campaign, branch: OrgUnit) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(campaign=campaign, branch=branch).select_related("responsible_user").annotate(
        n_progress=Count("progress")).order_by("star_code", "due_date", "pk")


def star_columns(campaign: Campaign) -> list[tuple[int, str]]:
    """Matrix columns by star position; urban and rural names share a column where they differ."""
    urban = list(campaign.standard_for_kind(Kind.URBAN).stars.all())
    rural = list(campaign.standard_for_kind(Kind.RURAL).stars.all())
    columns = []
    for i in range(max(len(urban), len(rural))):
        names = []
        for stars in (rural, urban):
            if i < len(stars) and stars[i].name not in names:
                names.append(stars[i].name)
        columns.append((i, " / ".join(names)))
    return columns


@dataclass
class MatrixRow:
    unit: OrgUnit
    target: Target | None
    level_now: int
    cells: list[str]  # per column: hit (target met), todo (target not met), extra (met, not targeted), ""
    overdue: int = 0
    tasks: int = 0


def office_matrix(user, campaign: Campaign, office: OrgUnit) -> tuple[list[tuple[int, str]], list[MatrixRow]]:
    """Branches × stars: what each branch goes for against what it meets now."""
    branches = list(visible_branches(user, campaign, office))
    ids = [b.pk for b in branches]
    targets = {t.branch_id: t for t in Target.objects.filter(campaign=campaign, branch_id__in=ids)}
    levels = current_levels(campaign, branches)
    task_counts = {row["branch_id"]: row for row in PlanTask.objects.filter(campaign=campaign, branch_id__in=ids)
                   .values("branch_id").annotate(n=Count("id"), overdue=Count("id", filter=Q(status=TaskStatus.OVERDUE)))}
    columns = star_columns(campaign)
    rows = []
    for b in branches:
        standard = campaign.standard_for(b)
        codes = [s.code for s in standard.stars.all()]
        target = targets.get(b.pk)
        wanted = set(target.star_codes) if target else set()
        held = set(levels[b.pk].stars)
        cells = []
        for i, _name in columns:
            code = codes[i] if i < len(codes) else None
            if code is None:
                cells.append("")
            elif code in wanted:
                cells.append("hit" if code in held else "todo")
            else:
                cells.append("extra" if code in held else "")
        counts = task_counts.get(b.pk, {})
        rows.append(MatrixRow(b, target, levels[b.pk].level, cells, counts.get("overdue", 0), counts.get("n", 0)))
    return columns, rows


@dataclass
class LeaderBranch:
    unit: OrgUnit
    target: Target | None
    overdue: list[PlanTask]
    open_gaps: int


def leader_view(user, campaign: Campaign) -> list[LeaderBranch]:
    """For a 包联领导: each assigned branch's target, overdue tasks and open gaps, on one page."""
    units = [a.unit for a in Assignment.objects.for_user(user).filter(leader=user).select_related("unit")
             .order_by("unit__path")]
    ids = [u.pk for u in units]
    targets = {t.branch_id: t for t in Target.objects.filter(campaign=campaign, branch_id__in=ids)}
    overdue = defaultdict(list)
    for task in PlanTask.objects.filter(campaign=campaign, branch_id__in=ids, status=TaskStatus.OVERDUE):
        overdue[task.branch_id].append(task)
    out = []
    for u in units:
        target = targets.get(u.pk)
        gaps = gap_analysis(campaign, u, target)
        out.append(LeaderBranch(u, target, overdue[u.pk], sum(len(g.gaps) for g in gaps)))
    return out


def comments(user, campaign: Campaign, branch: OrgUnit) -> list:
    """批注 on the branch's work, newest first."""
    from wuxing.creation.models import Comment

    return list(Comment.objects.for_user(user).filter(campaign=campaign, branch=branch).select_related("author")[:50])
