"""Excel export of an office's targets and plans (one row per task), and import from the same sheet.

The export is the layout an office prints; its columns are also the import template, so an export
re-imports as is. Import matches tasks by (branch, star, task title): a match is updated, anything
else created; every bad row is reported and nothing is written unless all rows are good.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import Campaign
from wuxing.core import events
from wuxing.core.audit import record
from wuxing.core.importing import Column, ImportReport, date_cell, read_sheet, text_cell
from wuxing.creation.models import PlanTask, Target, TaskStatus
from wuxing.creation.services import may_edit_plan, status_for
from wuxing.orgs.models import OrgUnit, User

COLUMNS = [
    Column("office", "办事处（乡镇）", False, (), "明湖办事处", "仅供阅读，导入时不使用"),
    Column("branch", "支部编码", True, ("单位编码",), "JK0101", "社区或村的单位编码"),
    Column("branch_name", "支部名称", False, (), "明湖社区", "仅供阅读"),
    Column("target", "争创星级", False, (), "3", "仅供阅读"),
    Column("star", "星", True, (), "平安法治星", "星的名称或编码"),
    Column("title", "任务", True, (), "完善网格员配备", "同一支部同一颗星下任务名称相同即视为同一任务（更新）"),
    Column("measures", "推进措施", False, (), "", ""),
    Column("indicators", "对应指标", False, ("指标编码",), "R-PAFZ-02", "指标编码，多个用顿号或逗号分隔"),
    Column("responsible", "责任人", True, (), "张三", "姓名；有账号时可写“姓名（用户名）”"),
    Column("due", "时间节点", True, (), "2026-06-30", "日期"),
    Column("status", "状态", False, (), "未开始", "未开始/进行中/已完成/已逾期；留空按日期自动判断",
           choices=("未开始", "进行中", "已完成", "已逾期")),
    Column("tags", "重点工作", False, (), "", "本年度的重点工作标签，多个用顿号分隔"),
]
STATUS_WORDS = {str(label): value for value, label in TaskStatus.choices} | {v: v for v in TaskStatus.values}
_SPLIT = re.compile(r"[、,，;；\s]+")
_USER_IN_NAME = re.compile(r"^(?P<name>.+?)[（(](?P<username>[\w.@+-]+)[）)]$")


def export_job(user, params: dict):
    """The plans of one unit's branches (`unit`), or of every branch `user` sees, as an export (wuxing.core.services,
    "creation.plans"): read with `user`'s scope, for the page and the background job alike."""
    from wuxing.campaigns.selectors import visible_campaign
    from wuxing.core.services import ExportGone, Sheet
    from wuxing.creation.selectors import visible_branches

    campaign = visible_campaign(user, params.get("campaign"))
    unit = None
    if campaign is not None and params.get("unit") is not None:
        unit = OrgUnit.objects.for_user(user).filter(pk=params["unit"]).first()
        if unit is None:
            campaign = None
    if campaign is None:
        raise ExportGone(_("要导出的创建规划已不存在，或您已无权查看。"))
    branches = visible_branches(user, campaign, unit)
    return Sheet([c.header for c in COLUMNS], export_rows(campaign, branches), _("创建规划"),
                 size=PlanTask.objects.filter(campaign=campaign, branch__in=branches.values("pk")))


def export_rows(campaign: Campaign, branches) -> Iterator[list]:
    """The plan rows of `branches` (a queryset: it stays a subquery), yielded as read: a province's half a
    million tasks stream into the workbook in chunks instead of being held as objects."""
    branch_ids = branches.values("pk") if hasattr(branches, "values") else [b.pk for b in branches]
    targets = dict(Target.objects.filter(campaign=campaign, branch__in=branch_ids).values_list("branch_id", "level"))
    star_names = {}
    for kind in ("urban", "rural"):
        for s in campaign.standard_for_kind(kind).stars.all():
            star_names[(kind, s.code)] = s.name
    status = dict(TaskStatus.choices)
    tasks = PlanTask.objects.filter(campaign=campaign, branch__in=branch_ids).order_by(
        "branch__path", "star_code", "due_date", "pk").values_list(
        "branch__parent__name", "branch_id", "branch__code", "branch__name", "branch__kind", "star_code", "title",
        "measures", "indicator_codes", "responsible_name", "responsible_user__username", "due_date", "status", "tags")
    for (office, branch_id, code, name, kind, star, title, measures, indicators, responsible, username, due,
         state, tags) in tasks.iterator(chunk_size=2000):
        kind = "urban" if kind == "urban" else "rural"
        yield [office or "", code, name, targets.get(branch_id, ""), star_names.get((kind, star), star), title,
               measures, "、".join(indicators), f"{responsible}（{username}）" if username else responsible, due,
               status.get(state, state), "、".join(tags)]


def import_plans(actor, campaign: Campaign, fileobj: IO[bytes], *, dry_run: bool = True, filename: str = "") -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    rows = read_sheet(fileobj, COLUMNS, report)
    if report.errors:
        return report
    report.total = len(rows)
    codes = {text_cell(r.values.get("branch")) for r in rows if not isinstance(r.values.get("branch"), (dt.date,))}
    branches = {u.code: u for u in OrgUnit.objects.for_user(actor).filter(code__in=codes, path__startswith=campaign.unit.path)}
    usernames = set()
    for r in rows:
        m = _USER_IN_NAME.match(str(r.values.get("responsible") or "").strip())
        if m:
            usernames.add(m["username"])
    users = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    existing = {(t.branch_id, t.star_code, t.title): t for t in PlanTask.objects.filter(
        campaign=campaign, branch__in=branches.values())}
    parsed = []
    seen = {}
    today = timezone.localdate()
    for r in rows:
        n = r.number
        try:
            code = text_cell(r.values.get("branch"))
            star_text = text_cell(r.values.get("star"))
            title = text_cell(r.values.get("title"))
            measures = text_cell(r.values.get("measures"))
            indicators = [c for c in _SPLIT.split(text_cell(r.values.get("indicators"))) if c]
            responsible = text_cell(r.values.get("responsible"))
            status_text = text_cell(r.values.get("status"))
            tags = [t for t in _SPLIT.split(text_cell(r.values.get("tags"))) if t]
        except ValueError as exc:
            report.add(n, "", str(exc))
            continue
        branch = branches.get(code)
        if not code:
            report.add(n, "支部编码", _("不能为空。"))
            continue
        if branch is None or not branch.is_branch:
            report.add(n, "支部编码", _("“{code}”不是您管理范围内的社区或村。").format(code=code))
            continue
        if not may_edit_plan(actor, branch):
            report.add(n, "支部编码", _("您无权修改“{name}”的创建规划。").format(name=branch.name))
            continue
        standard = campaign.standard_for(branch)
        star = next((s for s in standard.stars.all() if star_text in (s.name, s.code)), None)
        if star is None:
            report.add(n, "星", _("“{star}”不是{name}适用标准中的星。").format(star=star_text, name=branch.name))
            continue
        valid = {i.code for i in star.indicators.all()}
        bad = [c for c in indicators if c not in valid]
        if bad:
            report.add(n, "对应指标", _("不属于“{star}”的指标：{codes}").format(star=star.name, codes="、".join(bad)))
        if not title:
            report.add(n, "任务", _("不能为空。"))
        elif len(title) > 200:
            report.add(n, "任务", _("超过 200 字。"))
        if not responsible:
            report.add(n, "责任人", _("不能为空。"))
        user = None
        m = _USER_IN_NAME.match(responsible)
        if m:
            user = users.get(m["username"])
            if user is None:
                report.add(n, "责任人", _("用户名“{u}”不存在或已停用。").format(u=m["username"]))
            responsible = m["name"]
        if len(responsible) > 50:
            report.add(n, "责任人", _("超过 50 字。"))
        try:
            due = date_cell(r.values.get("due"))
            if due is None:
                report.add(n, "时间节点", _("不能为空。"))
        except ValueError as exc:
            report.add(n, "时间节点", str(exc))
            due = None
        status = STATUS_WORDS.get(status_text) if status_text else None
        if status_text and status is None:
            report.add(n, "状态", _("无法识别的状态“{s}”。").format(s=status_text))
        bad_tags = [t for t in tags if t not in campaign.key_work_tags]
        if bad_tags:
            report.add(n, "重点工作", _("不是本年度的重点工作标签：{t}").format(t="、".join(bad_tags)))
        key = (branch.pk, star.code, title)
        if key in seen:
            report.add(n, "任务", _("与第 {row} 行是同一任务。").format(row=seen[key]))
        seen[key] = n
        parsed.append((key, branch, star.code, title, measures, indicators, responsible, user, due, status, tags))
    report.errors.sort()
    for key, *_rest in parsed:
        if key in existing:
            report.updated += 1
        else:
            report.created += 1
    if report.errors or dry_run:
        return report
    with transaction.atomic(), events.batched():  # each branch's rollups once, after all its rows
        for key, branch, star_code, title, measures, indicators, responsible, user, due, status, tags in parsed:
            task = existing.get(key) or PlanTask(campaign=campaign, branch=branch, star_code=star_code, title=title)
            task.measures, task.indicator_codes, task.tags = measures, indicators, tags
            task.responsible_name, task.responsible_user, task.due_date = responsible, user, due
            if status is not None:
                task.status = status
                if status == TaskStatus.DONE and task.completed_at is None:
                    task.completed_at = timezone.now()
            else:
                task.status = status_for(task, today, bool(task.pk and task.progress.exists()))
            task.save()
            events.branch_changed(task.campaign_id, task.branch_id)
        record(actor, "creation.plan.import", campaign, {"file": filename[:200], "created": report.created,
                                                         "updated": report.updated}, unit_path=campaign.unit.path)
    return report
