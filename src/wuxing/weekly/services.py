"""Weekly reports: write, submit, return, accept; reminders. Checked, atomic and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import Campaign
from wuxing.core import events, policy, versions
from wuxing.core import weeks as deadlines
from wuxing.core.audit import record
from wuxing.core.files import store_checked
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.creation.models import PlanTask, TaskProgress, TaskStatus
from wuxing.creation.services import status_for
from wuxing.messaging import people
from wuxing.messaging.services import Told, tell
from wuxing.orgs import services as orgs
from wuxing.orgs.models import OrgUnit
from wuxing.weekly import rollup
from wuxing.weekly.models import Attachment, ReminderLog, ReportStatus, WeeklyReport, WorkItem

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


REPORT_ACTIONS = {"may_edit": "branch.declare", "may_submit": "branch.declare", "may_return": "branch.review",
                  "may_accept": "branch.review"}


def report_flags(actor, report: WeeklyReport) -> dict[str, bool]:
    return flags_of(policy.may(actor, "branch.declare", report.branch), policy.may(actor, "branch.review", report.branch),
                    report.status, report.pk is not None)


def flags_of(own: bool, office: bool, status: str, saved: bool) -> dict[str, bool]:
    """The transitions open to someone who speaks for the branch (`own`) or reviews it (`office`), in `status`."""
    return {
        "may_edit": own and status in EDITABLE,
        "may_submit": own and status in EDITABLE and saved,
        "may_return": office and status == ReportStatus.SUBMITTED,
        "may_accept": office and status == ReportStatus.SUBMITTED,
    }


def check_week(campaign: Campaign, iso_year: int, iso_week: int, today: dt.date | None = None) -> dt.date:
    """The Monday of a reportable week: inside the campaign's weekly range and already begun."""
    try:
        monday = deadlines.week_start(iso_year, iso_week)
    except ValueError:
        raise ValidationError(_("{y} 年没有第 {w} 周。").format(y=iso_year, w=iso_week)) from None
    today = today or timezone.localdate()
    if monday > today:
        raise ValidationError(_("这一周还没有开始，不能填报。"))
    if monday + dt.timedelta(days=6) < campaign.weekly_start:
        raise ValidationError(_("这一周早于本年度周动态的起始日期。"))
    return monday


def get_report(campaign: Campaign, branch: OrgUnit, iso_year: int, iso_week: int) -> WeeklyReport:
    """The stored report, or an unsaved blank one with its due time."""
    report = WeeklyReport.objects.filter(branch=branch, iso_year=iso_year, iso_week=iso_week).first()
    if report is None:
        report = WeeklyReport(campaign=campaign, branch=branch, iso_year=iso_year, iso_week=iso_week,
                              week_start=deadlines.week_start(iso_year, iso_week),
                              due_at=campaign.weekly_due(iso_year, iso_week))
    return report


@dataclass
class ItemInput:
    text: str
    task: PlanTask | None = None
    indicator_codes: tuple[str, ...] = ()
    task_done: bool = False


@transaction.atomic
def save_report(actor, campaign: Campaign, branch: OrgUnit, iso_year: int, iso_week: int, *, summary: str = "",
                problems: str = "", next_plan: str = "", highlights: str = "", items: list[ItemInput] | None = None,
                version: int | None = None, submit: bool = False) -> WeeklyReport:
    """Create or update the branch's report of a week while it is a draft or returned; with `submit`, submit it
    in the same transaction (saved and submitted, or neither)."""
    if branch.level not in BRANCH_LEVELS:
        raise ValidationError(_("只有社区和村报送周工作动态。"))
    check_week(campaign, iso_year, iso_week)
    report = WeeklyReport.objects.select_for_update().filter(branch=branch, iso_year=iso_year, iso_week=iso_week).first()
    if report is None:
        report = get_report(campaign, branch, iso_year, iso_week)
    if not policy.may(actor, "branch.declare", branch):
        raise PermissionDenied(_("只有本支部的书记或填报员可以填写周工作动态。"))
    if report.status not in EDITABLE:
        raise ValidationError(_("该周动态已提交或已采纳，不能再修改。"))
    if version is not None and report.pk and report.version != version:
        raise ValidationError(_("该周动态已被他人修改，请刷新页面后再保存。"))
    items = items or []
    for item in items:
        if item.task is not None and (item.task.branch_id != branch.pk or item.task.campaign_id != campaign.pk):
            raise ValidationError(_("只能关联本支部本年度的创建任务。"))
    if not (summary.strip() or items):
        raise ValidationError({"summary": _("请填写本周工作。")})
    report.summary, report.problems = summary.strip(), problems.strip()
    report.next_plan, report.highlights = next_plan.strip(), highlights.strip()
    report.author = actor if getattr(actor, "is_authenticated", False) else None
    report.version = (report.version or 0) + 1 if report.pk else 1
    report.save()
    report.items.filter(applied=False).delete()
    start = report.items.count()
    WorkItem.objects.bulk_create([
        WorkItem(report=report, order=start + i, text=item.text.strip()[:500], task=item.task,
                 indicator_codes=list(item.indicator_codes) or (item.task.indicator_codes if item.task else []),
                 task_done=item.task_done)
        for i, item in enumerate(items) if item.text.strip()
    ])
    record(actor, "weekly.report.save", report, {"week": f"{iso_year}-W{iso_week:02d}"}, unit_path=branch.path)
    if submit:
        report = _transition(actor, report, "may_submit", ReportStatus.SUBMITTED)
    else:
        versions.touch(branch.pk)  # the branch's weekly history shows the draft (_transition moves it on submit)
    return report


def _apply_items(actor, report: WeeklyReport) -> bool:
    """Write each linked item into its task's progress once; a 'done' item completes the task. A fixed
    number of queries whatever the number of items; the branch's rollups are refreshed once (True)."""
    items = list(report.items.filter(applied=False, task__isnull=False).select_related("task"))
    if not items:
        return False
    today, now = timezone.localdate(), timezone.now()
    on = min(today, report.week_start + dt.timedelta(days=6))
    author = actor if getattr(actor, "is_authenticated", False) else None
    TaskProgress.objects.bulk_create([TaskProgress(task_id=item.task_id, on=on, author=author,
                                                   note=_("（周动态）{text}").format(text=item.text)) for item in items])
    tasks: dict[int, PlanTask] = {}
    for item in items:
        task = tasks.setdefault(item.task_id, item.task)
        if item.task_done and task.status != TaskStatus.DONE:
            task.status, task.completed_at = TaskStatus.DONE, now
        elif task.status != TaskStatus.DONE:
            task.status = status_for(task, today, True)
        task.updated_at = now
    # One branch_changed event below stands for every task written here.
    PlanTask.objects.bulk_update(list(tasks.values()), ["status", "completed_at", "updated_at"])
    WorkItem.objects.filter(pk__in=[item.pk for item in items]).update(applied=True)
    events.branch_changed(report.campaign_id, report.branch_id, campaign=report.campaign, unit=report.branch)
    return True


def _transition(actor, report: WeeklyReport, flag: str, to: str, note: str = "") -> WeeklyReport:
    report = WeeklyReport.objects.select_for_update(of=("self",)).select_related(
        "branch__parent", "campaign__unit", "campaign__urban_standard", "campaign__rural_standard").get(pk=report.pk)
    if not report_flags(actor, report)[flag]:
        raise policy.refuse(actor, REPORT_ACTIONS[flag], report.branch,
                            _("当前状态（{s}）下不能执行此操作。").format(s=report.get_status_display()))
    old = report.status
    now = timezone.now()
    report.status = to
    first = to == ReportStatus.SUBMITTED and report.submitted_at is None
    if to == ReportStatus.SUBMITTED:
        report.submitted_at = report.submitted_at or now
    else:
        report.office_note, report.decided_at = note.strip(), now
        report.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    report.save()
    # Linked items refresh the branch's rollup row after the report is saved, so that row already counts
    # this week; the first submission then only adds the week to the ancestors.
    refreshed = to == ReportStatus.SUBMITTED and _apply_items(actor, report)
    if first:
        events.report_submitted(report, branch_row=not refreshed)
    if not refreshed:  # else the branch_changed of that refresh moved the branch's version already
        versions.touch(report.branch_id)  # its weekly history shows every change of state
    record(actor, f"weekly.report.{flag.removeprefix('may_')}", report,
           {"from": old, "to": to, "note": note.strip()}, unit_path=report.branch.path)
    return report


@transaction.atomic
def submit_report(actor, report: WeeklyReport) -> WeeklyReport:
    return _transition(actor, report, "may_submit", ReportStatus.SUBMITTED)


@transaction.atomic
def return_report(actor, report: WeeklyReport, note: str) -> WeeklyReport:
    if not policy.may(actor, REPORT_ACTIONS["may_return"], report.branch):
        raise PermissionDenied(_("您没有权限执行此操作。"))  # out of role: refused before the note is looked at
    if not note.strip():
        raise ValidationError({"note": _("退回时必须填写意见。")})
    report = _transition(actor, report, "may_return", ReportStatus.RETURNED, note)
    tell(people.union(people.branch_people(report.branch), without=actor),
         _("{week}动态被退回，请修改后重新报送").format(week=deadlines.label(report.iso_year, report.iso_week)), note, _report_url(report),
         unit=report.branch)
    return report


@transaction.atomic
def accept_report(actor, report: WeeklyReport, note: str = "") -> WeeklyReport:
    report = _transition(actor, report, "may_accept", ReportStatus.ACCEPTED, note)
    tell(people.union(people.branch_people(report.branch), without=actor),
         _("{week}动态已采用").format(week=deadlines.label(report.iso_year, report.iso_week)), note, _report_url(report), unit=report.branch)
    return report


def _report_url(report: WeeklyReport) -> str:
    return reverse("weekly:report", args=[report.campaign_id, report.branch_id, report.iso_year, report.iso_week])


@transaction.atomic
def add_attachment(actor, report: WeeklyReport, name: str, data: bytes) -> Attachment:
    if not report_flags(actor, report)["may_edit"]:
        raise PermissionDenied(_("只能给本支部未提交的周动态上传附件。"))
    att = Attachment(report=report, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    store_checked(att, name, data, then=lambda a: record(
        actor, "weekly.attachment.add", report, {"name": a.original_name, "sha256": a.sha256}, unit_path=report.branch.path))
    return att


def rollup_issuable(campaign: Campaign, week: tuple[int, int], now: dt.datetime | None = None) -> bool:
    """A week's roll-up can be numbered once the week's reports are due (before, it is still changing)."""
    return (now or timezone.now()) >= campaign.weekly_due(*week)


@transaction.atomic
def issue_rollup(actor, campaign: Campaign, office: OrgUnit, week: tuple[int, int]):
    """编号印发: the office's roll-up of `week` takes the office's next document number (once; printing it
    again keeps the number). Only for a week whose deadline has passed, by who manages the office."""
    if not policy.may(actor, "area.manage", office):
        raise PermissionDenied(_("只有本办事处的管理员可以编号印发周工作动态汇总。"))
    if not rollup_issuable(campaign, week):
        raise ValidationError(_("本周报送尚未截止（{d}），截止后再编号印发。").format(
            d=timezone.localtime(campaign.weekly_due(*week)).strftime("%Y-%m-%d %H:%M")))
    return orgs.take_number(actor, office, rollup.key(campaign, office, week), rollup.title(office, week))


# --- reminders -------------------------------------------------------------------------------------------

@dataclass
class RemindResult:
    branches: int = 0
    without_accounts: int = 0  # branches nobody can be told in; their office (and leaders) hear of them
    offices: int = 0
    told: Told = field(default_factory=Told)

    def __str__(self) -> str:
        return (f"reminded: {self.branches} branches ({self.without_accounts} without accounts, reported to "
                f"their office), {self.offices} offices; {self.told}")


def remind(now: dt.datetime | None = None, soon_hours: int = 24) -> RemindResult:
    """Remind branches whose report of the week now due is due within `soon_hours` or already missing,
    and their offices of the missing ones. A branch without an account is reported to its office's admins
    and its assigned leaders instead. Never twice for the same week and branch (or office)."""
    now = now or timezone.now()
    result = RemindResult()
    today = timezone.localtime(now).date()
    # The week now due is last week (due this Monday) or, late on Sunday, this week (due tomorrow).
    candidates = [deadlines.week_of(today - dt.timedelta(days=7)), deadlines.week_of(today)]
    for campaign in Campaign.objects.filter(is_active=True).select_related("unit"):
        for y, w in candidates:
            due = campaign.weekly_due(y, w)
            if now < due - dt.timedelta(hours=soon_hours):
                continue  # not due soon yet
            if deadlines.week_start(y, w) + dt.timedelta(days=6) < campaign.weekly_start:
                continue  # before the campaign's weekly reporting began
            _remind_week(campaign, y, w, due, now, result)
    return result


def _remind_week(campaign: Campaign, y: int, w: int, due: dt.datetime, now: dt.datetime, result: RemindResult) -> None:
    submitted = set(WeeklyReport.objects.filter(campaign=campaign, iso_year=y, iso_week=w,
                                                submitted_at__isnull=False).values_list("branch_id", flat=True))
    branches = OrgUnit.objects.filter(level__in=BRANCH_LEVELS, is_active=True,
                                      path__startswith=campaign.unit.path).select_related("parent")
    late = now > due
    week = deadlines.label(y, w)
    missing_by_office: dict[int, list[OrgUnit]] = {}
    nobody_by_office: dict[int, list[OrgUnit]] = {}
    for branch in branches:
        if branch.pk in submitted:
            continue
        missing_by_office.setdefault(branch.parent_id, []).append(branch)
        if not _claim("branch", branch, y, w):
            continue
        result.branches += 1
        url = reverse("weekly:report", args=[campaign.pk, branch.pk, y, w])
        if late:
            title = _("{week}工作动态未按时报送，请尽快补报").format(week=week)
        else:
            title = _("请于 {due} 前报送{week}工作动态").format(
                due=timezone.localtime(due).strftime("%m月%d日 %H:%M"), week=week)
        reached = people.branch_people(branch)
        if reached:
            result.told += tell(reached, title, "", url, unit=branch, now=now)
            continue
        # Nobody signs in for this branch: whoever can act for it hears, so the reminder reaches a person.
        result.without_accounts += 1
        nobody_by_office.setdefault(branch.parent_id, []).append(branch)
        result.told += tell(people.leaders(branch), _("{branch}没有账号，收不到提醒：").format(branch=branch.name) + title,
                            _("请督促该支部报送，或请办事处管理员为其开通账号。"), url, unit=branch, now=now)
    for office_id, missing in missing_by_office.items():
        office = missing[0].parent
        nobody = nobody_by_office.get(office_id, [])
        if office is None or not (late or nobody) or not _claim("office" if late else "office_soon", office, y, w):
            continue
        result.offices += 1
        listed = "、".join(b.name + ("（无账号）" if b in nobody else "") for b in (missing if late else nobody))
        if late:
            title = _("{week}：{n} 个支部未报送周工作动态").format(week=week, n=len(missing))
        else:
            title = _("{week}：{n} 个支部没有账号，收不到报送提醒").format(week=week, n=len(nobody))
        body = listed + ("\n" + _("没有账号的支部请尽快开通账号（用户管理 → 新建用户）。") if nobody else "")
        # An office nobody administers yet: the district's admins hear instead, so the reminder reaches a person.
        admins = people.office_admins(office) or people.district_admins(office)
        result.told += tell(admins, title, body,
                            reverse("weekly:rollup", args=[campaign.pk, office.pk, y, w]), unit=office, now=now)


def _claim(kind: str, unit: OrgUnit, y: int, w: int) -> bool:
    """Insert the reminder's log row first; a second run (or a concurrent one) finds it and skips."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, unit=unit, iso_year=y, iso_week=w)
        return True
    except IntegrityError:
        return False


