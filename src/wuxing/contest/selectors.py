"""Dashboards as named datasets. Each dataset is at once a chart (ECharts option data), a table view
and an XLSX export, so the three can never disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wuxing.contest import metrics, rules
from wuxing.contest.metrics import BranchMetric
from wuxing.creation.models import Campaign, PlanTask, TaskStatus
from wuxing.creation.selectors import star_columns
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.roles import Level
from wuxing.weekly import deadlines
from wuxing.weekly import selectors as weekly

LEVELS = list(range(6))


@dataclass
class Dataset:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: dict = field(default_factory=dict)  # {"type": stacked|bar|line, "categories": [...], "series": [...]}


def _series(name: str, data: list) -> dict:
    return {"name": name, "data": data}


def offices_in(user, campaign: Campaign) -> list[OrgUnit]:
    return list(OrgUnit.objects.for_user(user).filter(level=Level.OFFICE, is_active=True,
                                                      path__startswith=campaign.unit.path).order_by("path"))


def office_flags(campaign: Campaign, offices: list[OrgUnit], grouped: dict[int, list[BranchMetric]]):
    return {o.pk: rules.flag([m.level for m in grouped.get(o.pk, [])], campaign.flag_min_level,
                             float(campaign.flag_min_share), campaign.flag_allow_zero) for o in offices}


def office_ranking(campaign: Campaign, offices: list[OrgUnit], grouped: dict[int, list[BranchMetric]]):
    """办事处排名: flag holders first, then by the share of branches at 3 stars or more, then 4 or more.
    Rows are (office, branch count, % at 3+, % at 4+, flag result)."""
    flags = office_flags(campaign, offices, grouped)
    rows = []
    for o in offices:
        group = grouped.get(o.pk, [])
        n = len(group) or 1
        rows.append((o, len(group), round(100 * sum(m.level >= 3 for m in group) / n, 1),
                     round(100 * sum(m.level >= 4 for m in group) / n, 1), flags[o.pk]))
    rows.sort(key=lambda r: (not r[4].won, -r[2], -r[3], r[0].path))
    return rows


def district_dashboard(user, campaign: Campaign) -> tuple[list[Dataset], dict]:
    rows = metrics.branch_metrics(user, campaign)
    grouped = metrics.by_office(rows)
    offices = offices_in(user, campaign)
    names = [o.name for o in offices]
    columns = star_columns(campaign)
    data = []

    levels = [[sum(1 for m in grouped.get(o.pk, []) if m.level == lv) for lv in LEVELS] for o in offices]
    data.append(Dataset("levels", _("各办事处星级分布"), [_("办事处")] + [f"{lv}星" for lv in LEVELS] + [_("合计")],
                        [[n] + c + [sum(c)] for n, c in zip(names, levels)],
                        {"type": "stacked", "categories": names,
                         "series": [_series(f"{lv}星", [c[lv] for c in levels]) for lv in LEVELS]}))

    held = [sum(1 for m in rows if i in m.positions) for i, _n in columns]
    targeted = _targeted_by_position(campaign, rows, len(columns))
    data.append(Dataset("stars", _("各星达标情况"), [_("星"), _("争创支部数"), _("已达标支部数")],
                        [[n, t, h] for (_i, n), t, h in zip(columns, targeted, held)],
                        {"type": "bar", "categories": [n for _i, n in columns],
                         "series": [_series(_("争创支部数"), targeted), _series(_("已达标支部数"), held)]}))

    with_target = [sum(1 for m in grouped.get(o.pk, []) if m.target_level) for o in offices]
    met = [sum(1 for m in grouped.get(o.pk, []) if m.met_target) for o in offices]
    data.append(Dataset("targets", _("目标与实现"), [_("办事处"), _("已定目标支部数"), _("达到目标支部数")],
                        [[n, t, m] for n, t, m in zip(names, with_target, met)],
                        {"type": "bar", "categories": names,
                         "series": [_series(_("已定目标"), with_target), _series(_("达到目标"), met)]}))

    tasks = [sum(m.tasks for m in grouped.get(o.pk, [])) for o in offices]
    done = [sum(m.done for m in grouped.get(o.pk, [])) for o in offices]
    overdue = [sum(m.overdue for m in grouped.get(o.pk, [])) for o in offices]
    pct = [round(100 * d / t, 1) if t else 0.0 for d, t in zip(done, tasks)]
    data.append(Dataset("progress", _("创建任务进度"), [_("办事处"), _("任务数"), _("已完成"), _("已逾期"), _("完成率%")],
                        [[n, t, d, o, p] for n, t, d, o, p in zip(names, tasks, done, overdue, pct)],
                        {"type": "bar", "categories": names, "series": [_series(_("完成率%"), pct)]}))

    weeks = weekly.report_weeks(campaign, last=12)
    rates = weekly.district_rates(user, campaign, weeks)
    labels = [f"{y}-W{w:02d}" for y, w in weeks]
    data.append(Dataset("weekly", _("周动态按时报送率"), [_("办事处")] + labels,
                        [[r.office.name] + [x.on_time_rate for x in r.weeks] for r in rates],
                        {"type": "line", "categories": labels,
                         "series": [_series(r.office.name, [x.on_time_rate for x in r.weeks]) for r in rates]}))

    years = []
    for c in Campaign.objects.filter(unit=campaign.unit).order_by("year"):
        year_rows = rows if c.pk == campaign.pk else metrics.branch_metrics(user, c)
        counts = Counter(m.level for m in year_rows)
        years.append([str(c.year)] + [counts.get(lv, 0) for lv in LEVELS])
    data.append(Dataset("years", _("历年星级分布"), [_("年度")] + [f"{lv}星" for lv in LEVELS], years,
                        {"type": "stacked", "categories": [y[0] for y in years],
                         "series": [_series(f"{lv}星", [y[1 + lv] for y in years]) for lv in LEVELS]}))
    summary = {"branches": len(rows), "named": sum(m.named for m in rows),
               "avg_level": round(sum(m.level for m in rows) / len(rows), 2) if rows else 0,
               "flags": office_flags(campaign, offices, grouped), "offices": offices}
    return data, summary


def _targeted_by_position(campaign: Campaign, rows: list[BranchMetric], n: int) -> list[int]:
    from wuxing.creation.models import Target

    orders = {kind: [s.code for s in campaign.standard_for_kind(kind).stars.all()] for kind in ("urban", "rural")}
    kinds = {m.branch.pk: ("urban" if m.branch.kind == "urban" else "rural") for m in rows}
    counts = [0] * n
    for branch_id, codes in Target.objects.filter(campaign=campaign, branch_id__in=kinds).values_list("branch_id",
                                                                                                      "star_codes"):
        order = orders[kinds[branch_id]]
        for code in codes:
            if code in order and order.index(code) < n:
                counts[order.index(code)] += 1
    return counts


def office_dashboard(user, campaign: Campaign, office: OrgUnit) -> tuple[list[Dataset], dict]:
    rows = metrics.branch_metrics(user, campaign, office)
    names = [m.branch.name for m in rows]
    columns = star_columns(campaign)
    counts = Counter(m.level for m in rows)
    data = [
        Dataset("levels", _("星级分布"), [_("星级"), _("支部数")], [[f"{lv}星", counts.get(lv, 0)] for lv in LEVELS],
                {"type": "bar", "categories": [f"{lv}星" for lv in LEVELS],
                 "series": [_series(_("支部数"), [counts.get(lv, 0) for lv in LEVELS])]}),
    ]
    held = [sum(1 for m in rows if i in m.positions) for i, _n in columns]
    targeted = _targeted_by_position(campaign, rows, len(columns))
    data.append(Dataset("stars", _("各星达标情况"), [_("星"), _("争创支部数"), _("已达标支部数")],
                        [[n, t, h] for (_i, n), t, h in zip(columns, targeted, held)],
                        {"type": "bar", "categories": [n for _i, n in columns],
                         "series": [_series(_("争创支部数"), targeted), _series(_("已达标支部数"), held)]}))
    data.append(Dataset("targets", _("各支部目标与现有星级"), [_("支部"), _("目标星级"), _("现有星级"), _("是否命名")],
                        [[m.branch.name, m.target_level, m.level, _("是") if m.named else _("否")] for m in rows],
                        {"type": "bar", "categories": names, "series": [
                            _series(_("目标星级"), [m.target_level for m in rows]),
                            _series(_("现有星级"), [m.level for m in rows])]}))
    data.append(Dataset("progress", _("创建任务进度"), [_("支部"), _("任务数"), _("已完成"), _("已逾期"), _("完成率%")],
                        [[m.branch.name, m.tasks, m.done, m.overdue, m.progress] for m in rows],
                        {"type": "bar", "categories": names, "series": [_series(_("完成率%"), [m.progress for m in rows])]}))
    weeks = weekly.report_weeks(campaign, last=12)
    rate = next((r for r in weekly.district_rates(user, campaign, weeks) if r.office.pk == office.pk), None)
    labels = [f"{y}-W{w:02d}" for y, w in weeks]
    values = [x.on_time_rate for x in rate.weeks] if rate else []
    data.append(Dataset("weekly", _("周动态按时报送率"), [_("周"), _("应报"), _("按时"), _("迟报"), _("未报"), _("按时率%")],
                        [[lab, x.expected, x.on_time, x.late, x.missing, x.on_time_rate]
                         for lab, x in zip(labels, rate.weeks if rate else [])],
                        {"type": "line", "categories": labels, "series": [_series(office.name, values)]}))
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
    text = {deadlines.ON_TIME: _("按时"), deadlines.LATE: _("迟报"), deadlines.MISSING: _("未报"),
            deadlines.PENDING: _("未到截止")}
    data = [
        Dataset("stars", _("星的情况"), [_("星"), _("是否具备")], stars),
        Dataset("tasks", _("创建任务状态"), [_("状态"), _("任务数")],
                [[label, status.get(value, 0)] for value, label in TaskStatus.choices],
                {"type": "bar", "categories": labels, "series": [_series(_("任务数"), [status.get(v, 0) for v, _l in TaskStatus.choices])]}),
        Dataset("weekly", _("周动态报送"), [_("周"), _("情况")],
                [[f"{y}-W{w:02d}", text[states[(branch.pk, (y, w))]]] for y, w in weeks]),
    ]
    return data, {"metric": m}


def dataset(datasets: list[Dataset], key: str) -> Dataset | None:
    return next((d for d in datasets if d.key == key), None)


def chart_payload(datasets: list[Dataset]) -> dict:
    return {d.key: d.chart for d in datasets if d.chart}
