"""Dashboards as named datasets. Each dataset is at once a chart (ECharts option data), a table view
and an XLSX export, so the three can never disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wuxing.campaigns.models import Campaign
from wuxing.contest.models import FlagAward
from wuxing.contest.services import next_flag_step
from wuxing.core import policy
from wuxing.core import weeks as deadlines
from wuxing.core.levels import star_level
from wuxing.core.roles import Level
from wuxing.creation.models import PlanTask, TaskStatus
from wuxing.creation.selectors import star_columns
from wuxing.orgs.models import OrgUnit
from wuxing.rollups import metrics, rules
from wuxing.rollups import selectors as rollups
from wuxing.rollups.models import BranchStat
from wuxing.weekly import selectors as weekly

LEVELS = list(range(6))


@dataclass
class Dataset:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: dict = field(default_factory=dict)  # {"type": stacked|bar|line, "categories": [...], "series": [...]}


def _series(name: str, data: list, *, neutral: bool = False) -> dict:
    """One series; `neutral` draws it grey (branches with no star: a fact, not an alarm)."""
    return {"name": name, "data": data, "neutral": neutral}


def _chart(kind: str, categories: list, series: list[dict], x: str, y: str, *, percent: bool = False) -> dict:
    """A chart's spec for charts.js: axis titles with their units; counts tick in whole numbers, percentages
    run 0–100."""
    return {"type": kind, "categories": categories, "series": series, "x_name": str(x), "y_name": str(y),
            "percent": percent, "integer": not percent}


def offices_in(user, campaign: Campaign, q: str = "") -> QuerySet[OrgUnit]:
    """The campaign's active offices the user sees, named like `q` if given, in tree order."""
    offices = OrgUnit.objects.for_user(user).filter(level=Level.OFFICE, is_active=True,
                                                    path__startswith=campaign.unit.path).order_by("path")
    return offices.filter(name__icontains=q) if q else offices


def flag_rows(user, campaign: Campaign, offices: list[OrgUnit], period: str) -> list[tuple]:
    """Per office shown: (office, the flag rule's result from its rollup counts, its branches' rows by level, the
    flags conferred in `period`, the next step a district admin may take)."""
    totals = rollups.unit_totals(campaign, offices)
    branches = branch_levels(user, campaign, offices)
    conferred: dict[int, list[FlagAward]] = {}
    for a in FlagAward.objects.for_user(user).filter(campaign=campaign, period=period, office__in=offices) \
            .select_related("conferred_by", "revoked_by").order_by("conferred_at"):
        conferred.setdefault(a.office_id, []).append(a)
    rows = []
    for o in offices:
        result = rollups.flag(campaign, totals[o.pk])
        awards = conferred.get(o.pk, [])
        rows.append((o, result, branches.get(o.pk, []), awards, next_flag_step(awards, result.won)))
    return rows


class BranchLevel(NamedTuple):
    name: str
    level: int


def branch_levels(user, campaign: Campaign, offices: list[OrgUnit]) -> dict[int, list[BranchLevel]]:
    """office id -> its branches' names and levels from the rollups (level first), for the offices shown only:
    plain rows, not 400 pairs of model objects."""
    out: dict[int, list[BranchLevel]] = {}
    for office_id, name, level in BranchStat.objects.for_user(user).filter(
            campaign=campaign, office__in=offices).order_by("-level", "path").values_list(
            "office_id", "branch__name", "level"):
        out.setdefault(office_id, []).append(BranchLevel(name, level))
    return out


def _stars_dataset(columns: list[tuple[int, str]], totals: rollups.Totals) -> Dataset:
    """Branches going for and holding each star (by column: urban and rural names share one)."""
    targeted = [totals.targeted[i] for i, _n in columns]
    held = [totals.held[i] for i, _n in columns]
    return Dataset("stars", _("各星达标情况"), [_("星"), _("争创支部数"), _("已达标支部数")],
                   [[n, t, h] for (_i, n), t, h in zip(columns, targeted, held)],
                   _chart("bar", [n for _i, n in columns],
                          [_series(_("争创支部数"), targeted), _series(_("已达标支部数"), held)], _("星"), _("支部数（个）")))


def district_dashboard(user, campaign: Campaign, root: OrgUnit | None = None) -> tuple[list[Dataset], dict]:
    """The dashboard of an area (province, city, county or district): its cities, counties or offices side by
    side, all read from the live per-unit and per-unit-week rollups."""
    root = root or campaign.unit
    groups, totals, whole = rollups.area_totals(user, campaign, root)
    sees_root = policy.may(user, "star.view", root)
    names = [g.name for g in groups]
    rows = [totals[g.pk] for g in groups]
    columns = star_columns(campaign)
    group_label = _("单位") if any(g.level != Level.OFFICE for g in groups) else _("办事处")
    data = []

    data.append(Dataset("levels", _("各{unit}星级分布").format(unit=group_label),
                        [group_label] + [star_level(lv) for lv in LEVELS] + [_("合计")],
                        [[n] + t.levels + [t.n_branches] for n, t in zip(names, rows)],
                        _chart("stacked", names, [_series(star_level(lv), [t.levels[lv] for t in rows], neutral=lv == 0) for lv in LEVELS],
                               group_label, _("支部数（个）"))))

    data.append(_stars_dataset(columns, whole))

    with_target = [t.with_target for t in rows]
    met = [t.met_target for t in rows]
    data.append(Dataset("targets", _("目标与实现"), [group_label, _("已定目标支部数"), _("达到目标支部数")],
                        [[n, t, m] for n, t, m in zip(names, with_target, met)],
                        _chart("bar", names, [_series(_("已定目标"), with_target), _series(_("达到目标"), met)],
                               group_label, _("支部数（个）"))))

    pct = [round(100 * t.done / t.tasks, 1) if t.tasks else 0.0 for t in rows]
    data.append(Dataset("progress", _("创建任务进度"), [group_label, _("任务数"), _("已完成"), _("已逾期"), _("完成率%")],
                        [[n, t.tasks, t.done, t.overdue, p] for n, t, p in zip(names, rows, pct)],
                        _chart("bar", names, [_series(_("完成率%"), pct)], group_label, _("完成率（%）"), percent=True)))

    weeks = weekly.report_weeks(campaign, last=12)
    rates = weekly.unit_rates(campaign, groups, weeks, totals=totals)
    labels = [deadlines.label(y, w) for y, w in weeks]
    data.append(Dataset("weekly", _("周动态按时报送率"), [group_label] + labels,
                        [[r.office.name] + [x.on_time_rate for x in r.weeks] for r in rates],
                        _chart("line", [deadlines.label(y, w, with_year=False) for y, w in weeks],
                               [_series(r.office.name, [x.on_time_rate for x in r.weeks]) for r in rates],
                               _("周次"), _("按时报送率（%）"), percent=True)))
    # Late reports count here: an office whose branches all report, some late, is not shown as silent.
    data.append(Dataset("weekly_reported", _("周动态报送率（含迟报）"), [group_label] + labels,
                        [[r.office.name] + [x.report_rate for x in r.weeks] for r in rates],
                        _chart("line", [deadlines.label(y, w, with_year=False) for y, w in weeks],
                               [_series(r.office.name, [x.report_rate for x in r.weeks]) for r in rates],
                               _("周次"), _("报送率（%）"), percent=True)))

    years = []
    for c in Campaign.objects.filter(unit=campaign.unit).select_related("unit").order_by("year"):
        if c.pk == campaign.pk:
            levels = whole.levels
        else:
            past = rollups.unit_totals(c, [root] if sees_root else groups)
            levels = (past[root.pk] if sees_root else sum(past.values(), rollups.Totals())).levels
        years.append([str(c.year)] + levels)
    data.append(Dataset("years", _("历年星级分布"), [_("年度")] + [star_level(lv) for lv in LEVELS], years,
                        _chart("stacked", [y[0] for y in years],
                               [_series(star_level(lv), [y[1 + lv] for y in years], neutral=lv == 0) for lv in LEVELS],
                               _("年度"), _("支部数（个）"))))
    offices = [g for g in groups if g.level == Level.OFFICE]
    summary = {"branches": whole.n_branches, "named": whole.named, "avg_level": whole.avg_level,
               "flags": {o.pk: rollups.flag(campaign, totals[o.pk]) for o in offices}, "offices": offices,
               "root": root, "groups": groups, "trail": _trail(user, campaign, root)}
    return data, summary


def _trail(user, campaign: Campaign, root: OrgUnit) -> list[OrgUnit]:
    """The areas from the campaign's unit down to `root` that the user may open (the breadcrumb)."""
    ids = [int(seg) for seg in root.path.split("/") if seg][campaign.unit.depth:]
    by_id = {u.pk: u for u in OrgUnit.objects.for_user(user).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def office_dashboard(user, campaign: Campaign, office: OrgUnit) -> tuple[list[Dataset], dict]:
    rows = metrics.branch_metrics(user, campaign, office)
    t = rollups.unit_totals(campaign, [office])[office.pk]
    names = [m.branch.name for m in rows]
    columns = star_columns(campaign)
    counts = Counter(m.level for m in rows)
    data = [
        Dataset("levels", _("星级分布"), [_("星级"), _("支部数")], [[star_level(lv), counts.get(lv, 0)] for lv in LEVELS],
                _chart("bar", [star_level(lv) for lv in LEVELS], [_series(_("支部数"), [counts.get(lv, 0) for lv in LEVELS])],
                       _("星级"), _("支部数（个）"))),
    ]
    data.append(_stars_dataset(columns, t))
    data.append(Dataset("targets", _("各支部目标与现有星级"), [_("支部"), _("目标星级"), _("现有星级"), _("是否命名")],
                        [[m.branch.name, m.target_level, m.level, _("是") if m.named else _("否")] for m in rows],
                        _chart("bar", names, [_series(_("目标星级"), [m.target_level for m in rows]),
                                              _series(_("现有星级"), [m.level for m in rows])],
                               _("支部"), _("星级（颗星）"))))
    data.append(Dataset("progress", _("创建任务进度"), [_("支部"), _("任务数"), _("已完成"), _("已逾期"), _("完成率%")],
                        [[m.branch.name, m.tasks, m.done, m.overdue, m.progress] for m in rows],
                        _chart("bar", names, [_series(_("完成率%"), [m.progress for m in rows])], _("支部"),
                               _("完成率（%）"), percent=True)))
    weeks = weekly.report_weeks(campaign, last=12)
    rate = weekly.unit_rates(campaign, [office], weeks, totals={office.pk: t})[0]
    labels = [deadlines.label(y, w) for y, w in weeks]
    data.append(Dataset("weekly", _("周动态按时报送率"), [_("周"), _("应报"), _("按时"), _("迟报"), _("未报"), _("按时率%")],
                        [[lab, x.expected, x.on_time, x.late, x.missing, x.on_time_rate]
                         for lab, x in zip(labels, rate.weeks)],
                        _chart("line", [deadlines.label(y, w, with_year=False) for y, w in weeks],
                               [_series(office.name, [x.on_time_rate for x in rate.weeks])], _("周次"),
                               _("按时报送率（%）"), percent=True)))
    flag = rules.flag([m.level for m in rows], campaign.flag_min_level, float(campaign.flag_min_share),
                      campaign.flag_allow_zero)
    return data, {"flag": flag, "branches": len(rows), "named": sum(m.named for m in rows)}


def branch_dashboard(user, campaign: Campaign, branch: OrgUnit) -> tuple[list[Dataset], dict]:
    m = metrics.branch_metrics(user, campaign, branch)
    m = next((x for x in m if x.branch.pk == branch.pk), None)
    standard = campaign.standard_for(branch)
    stars = [[s.name, _("有") if m and s.code in m.stars else _("无")] for s in standard.stars.all()]
    status = Counter(PlanTask.objects.filter(campaign=campaign, branch=branch).values_list("status", flat=True))
    labels = [str(label) for _v, label in TaskStatus.choices]
    weeks = weekly.report_weeks(campaign, last=12)
    states = weekly.statuses(campaign, [branch.pk], weeks)
    data = [
        Dataset("stars", _("星的情况"), [_("星"), _("是否具备")], stars),
        Dataset("tasks", _("创建任务状态"), [_("状态"), _("任务数")],
                [[label, status.get(value, 0)] for value, label in TaskStatus.choices],
                _chart("bar", labels, [_series(_("任务数"), [status.get(v, 0) for v, _l in TaskStatus.choices])],
                       _("状态"), _("任务数（个）"))),
        Dataset("weekly", _("周动态报送"), [_("周"), _("情况")],
                [[deadlines.label(y, w), deadlines.status_word(states[(branch.pk, (y, w))])] for y, w in weeks]),
    ]
    return data, {"metric": m}


def dataset(datasets: list[Dataset], key: str) -> Dataset | None:
    return next((d for d in datasets if d.key == key), None)


def chart_payload(datasets: list[Dataset]) -> dict:
    return {d.key: d.chart for d in datasets if d.chart}


# --- the creation matrix of an area, from the rollups ----------------------------------------------------------

@dataclass
class MatrixRow:
    """One unit of the matrix: its branches, targets and, per star column, branches going for it and holding it."""

    unit: OrgUnit
    totals: rollups.Totals

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        """Per column: (targeted, held now, held as % of targeted, capped at 100) for the heat map."""
        return [(t, h, min(100, round(100 * h / t)) if t else (100 if h else 0))
                for t, h in zip(self.totals.targeted, self.totals.held)]


def area_matrix(user, campaign: Campaign, root: OrgUnit) -> tuple[list[tuple[int, str]], list[MatrixRow], MatrixRow]:
    """Units × stars under `root` (its cities, counties or offices the user sees), one row each plus the whole
    area, read from the per-unit rollups: a few queries whatever the number of branches below."""
    groups, totals, whole = rollups.area_totals(user, campaign, root)
    return star_columns(campaign), [MatrixRow(g, totals[g.pk]) for g in groups], MatrixRow(root, whole)


def matrix_export(columns, rows: list[MatrixRow], whole: MatrixRow) -> tuple[list[str], list[list]]:
    """The matrix as an export's headers and rows, the whole area last."""
    headers = [_("单位"), _("支部数"), _("已定目标"), *[name for _i, name in columns], _("目标星数"), _("现有星数")]
    return headers, list(_matrix_rows(columns, rows, whole))


def _matrix_rows(columns, rows: list[MatrixRow], whole: MatrixRow):
    for r in [*rows, whole]:
        t = r.totals
        yield [r.unit.name, t.n_branches, t.with_target] + [f"{a} → {b}" for a, b, _p in r.cells[:len(columns)]] + [
            t.target_sum, t.level_sum]
