"""State changes of annual creation: campaigns, targets and their review, plan tasks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import Campaign
from wuxing.core import events, policy, versions
from wuxing.core.audit import record
from wuxing.core.roles import BRANCH_LEVELS, Kind, Level
from wuxing.creation.models import Comment, PlanTask, Target, TargetStatus, TaskProgress, TaskStatus
from wuxing.messaging import people
from wuxing.messaging.services import tell
from wuxing.orgs.models import OrgUnit


def _deny(message: str | None = None):
    raise PermissionDenied(message or _("您没有权限执行此操作。"))


def may_edit_plan(actor, branch: OrgUnit) -> bool:
    """The branch's people write its plan; the office above may help fill it in."""
    return policy.may(actor, "branch.work", branch)


# --- campaign ------------------------------------------------------------------------------------------

CAMPAIGN_FIELDS = ["year", "name", "urban_standard", "rural_standard", "plan_due", "assessment_opens",
                   "assessment_closes", "office_review_due", "district_review_due", "notice_working_days",
                   "flag_min_level", "flag_min_share", "flag_allow_zero", "flag_period", "pairing_mentor_level",
                   "key_work_tags", "is_active", "weekly_from", "weekly_due_weekday", "weekly_due_time"]


def _check_campaign(campaign: Campaign) -> None:
    errors = {}
    if campaign.urban_standard.applies_to != "urban":
        errors["urban_standard"] = _("请选择适用于城市社区的标准。")
    if campaign.rural_standard.applies_to != "rural":
        errors["rural_standard"] = _("请选择适用于农村的标准。")
    if campaign.assessment_opens > campaign.assessment_closes:
        errors["assessment_closes"] = _("自评截止日期不能早于开始日期。")
    if campaign.office_review_due < campaign.assessment_closes:
        errors["office_review_due"] = _("初审截止不能早于自评截止。")
    if campaign.district_review_due < campaign.office_review_due:
        errors["district_review_due"] = _("审核截止不能早于初审截止。")
    if not (0 < campaign.flag_min_share <= 1):
        errors["flag_min_share"] = _("比例应在 0 到 1 之间，例如 0.8 表示 80%。")
    if campaign.flag_min_level > 5:
        errors["flag_min_level"] = _("星级线应在 0 到 5 之间。")
    if not 1 <= campaign.pairing_mentor_level <= 5:
        errors["pairing_mentor_level"] = _("帮带支部星级线应在 1 到 5 之间。")
    if errors:
        raise ValidationError(errors)


# Changing these re-rates every branch (standards) or re-judges every report (deadline).
RECOUNT_FIELDS = {"urban_standard", "rural_standard", "weekly_from", "weekly_due_weekday", "weekly_due_time"}


@transaction.atomic
def create_campaign(actor, unit: OrgUnit, **fields) -> Campaign:
    """A district admin opens a campaign year for their district."""
    if unit.level not in (Level.DISTRICT, Level.CITY, Level.PROVINCE):
        raise ValidationError(_("创建年度只能设在区县（或以上）单位。"))
    if not policy.may(actor, "campaign.manage", unit):
        _deny()
    if Campaign.objects.filter(unit=unit, year=fields["year"]).exists():
        raise ValidationError({"year": _("{year} 年度已存在。").format(year=fields["year"])})
    campaign = Campaign(unit=unit, **fields)
    _check_campaign(campaign)
    campaign.save()
    events.campaign_changed(campaign)  # every branch counted from the start: the weekly matrices expect them all
    record(actor, "creation.campaign.create", campaign, {"year": campaign.year}, unit_path=unit.path)
    return campaign


STANDARD_FIELDS = {"urban_standard": Kind.URBAN, "rural_standard": Kind.RURAL}


def _of_kind(qs, kind: str):
    """Rows of branches rated by the `kind` standard: communities by the urban one, the rest by the rural."""
    return qs.filter(branch__kind=Kind.URBAN) if kind == Kind.URBAN else qs.exclude(branch__kind=Kind.URBAN)


def standard_in_use(campaign: Campaign, kind: str) -> bool:
    """Whether any target, task, assessment, submission or award of the campaign refers to its `kind`
    standard: from then on the standard is locked and only the re-rating step moves it."""
    from wuxing.evaluation.models import Assessment, Award, Submission

    return any(_of_kind(model.objects.filter(campaign=campaign), kind).exists()
               for model in (Target, PlanTask, Assessment, Submission, Award))


@transaction.atomic
def update_campaign(actor, campaign: Campaign, **fields) -> Campaign:
    if not policy.may(actor, "campaign.manage", campaign.unit):
        _deny()
    locked = {k: _("本年度已有目标、任务、评估、申报或命名使用当前标准，不能直接更换；请使用“更换标准版本”，"
                   "预览各支部星级变化后确认。")
              for k, kind in STANDARD_FIELDS.items()
              if k in fields and getattr(campaign, f"{k}_id") != getattr(fields[k], "pk", fields[k])
              and standard_in_use(campaign, kind)}
    if locked:
        raise ValidationError(locked)
    recount = any(getattr(campaign, k) != v for k, v in fields.items() if k in RECOUNT_FIELDS)
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_campaign(campaign)
    campaign.save()
    if recount:
        campaign.__dict__.pop("_standards", None)
        events.campaign_changed(campaign)
    else:
        versions.touch_all()  # its name, dates and rules: what every process keeps of the campaign is stale
    record(actor, "creation.campaign.update", campaign, {k: str(v) for k, v in fields.items()},
           unit_path=campaign.unit.path)
    return campaign


# --- re-rating: moving a used campaign to another standard version --------------------------------------

@dataclass(frozen=True)
class RerateRow:
    branch: OrgUnit
    before: int
    after: int
    before_stars: tuple[str, ...]
    after_stars: tuple[str, ...]


@dataclass(frozen=True)
class Rerating:
    kind: str
    standard: object
    changes: list[RerateRow]  # branches whose level would change, in tree order
    unchanged: int  # branches re-rated to the same level
    kept: int  # branches in review's last step, in notice or named: their decided stars are not touched
    token: str  # what the confirmation must echo: the preview seen is the preview applied


def rerate_preview(actor, campaign: Campaign, kind: str, standard) -> Rerating:
    """What moving the `kind` standard to `standard` would do: every branch whose level would change under
    the new version (its latest results, vetoes in force). Batches past the district review (proposed, in
    notice, named) keep their decided stars and are only counted."""
    from wuxing.evaluation.models import Award, Submission, SubmissionStatus
    from wuxing.evaluation.selectors import current_levels, latest_results
    from wuxing.evaluation.services import vetoes_in_force
    from wuxing.standards.engine import evaluate

    if not policy.may(actor, "campaign.manage", campaign.unit):
        _deny()
    if kind not in STANDARD_FIELDS.values():
        raise ValidationError({"kind": _("请选择城市社区标准或农村标准。")})
    current = campaign.urban_standard if kind == Kind.URBAN else campaign.rural_standard
    if standard.applies_to != kind:
        raise ValidationError({"standard": _("所选标准不适用于该类支部。")})
    if standard.pk == current.pk:
        raise ValidationError({"standard": _("所选版本就是当前使用的标准。")})
    area = OrgUnit.objects.filter(path__startswith=campaign.unit.path, level__in=BRANCH_LEVELS, is_active=True)
    area = area.filter(kind=Kind.URBAN) if kind == Kind.URBAN else area.exclude(kind=Kind.URBAN)
    branches = list(area.order_by("path"))
    decided = set(Submission.objects.filter(campaign=campaign, status__in=(
        SubmissionStatus.PROPOSED, SubmissionStatus.NOTICE, SubmissionStatus.AWARDED)).values_list("branch_id", flat=True))
    decided |= set(Award.objects.filter(campaign=campaign).values_list("branch_id", flat=True))
    open_ = [b for b in branches if b.pk not in decided]
    now = current_levels(campaign, open_)
    results = latest_results(campaign, [b.pk for b in open_])
    vetoes = vetoes_in_force(campaign)
    spec = standard.spec()
    changes, unchanged = [], 0
    for b in open_:
        ev = evaluate(spec, results.get(b.pk, {}), vetoes.get(b.pk, frozenset()))
        if ev.level != now[b.pk].level:
            changes.append(RerateRow(b, now[b.pk].level, ev.level, now[b.pk].stars, tuple(ev.held)))
        else:
            unchanged += 1
    digest = hashlib.sha256(json.dumps([campaign.pk, kind, standard.pk, current.pk,
                                        [[r.branch.pk, r.before, r.after] for r in changes]]).encode()).hexdigest()
    return Rerating(kind, standard, changes, unchanged, len(branches) - len(open_), digest[:16])


@transaction.atomic
def rerate_apply(actor, campaign: Campaign, kind: str, standard, token: str) -> Rerating:
    """Move the `kind` standard to `standard`, only with the token of the preview the actor confirmed: if
    anything changed since, the preview must be looked at again. Audited with every change of level."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    preview = rerate_preview(actor, campaign, kind, standard)
    if token != preview.token:
        raise ValidationError({"token": _("预览之后数据已有变化，请重新预览并确认。")})
    field = "urban_standard" if kind == Kind.URBAN else "rural_standard"
    old = getattr(campaign, field)
    setattr(campaign, field, standard)
    _check_campaign(campaign)
    campaign.save(update_fields=[field])
    campaign.__dict__.pop("_standards", None)
    events.campaign_changed(campaign)
    record(actor, "creation.campaign.rerate", campaign, {
        "kind": kind, "from": {"id": old.pk, "code": old.code, "version": old.version},
        "to": {"id": standard.pk, "code": standard.code, "version": standard.version},
        "changes": [[r.branch.pk, r.before, r.after] for r in preview.changes], "unchanged": preview.unchanged,
        "kept": preview.kept}, unit_path=campaign.unit.path)
    return preview


# --- target --------------------------------------------------------------------------------------------

TARGET_ACTIONS = {"may_edit": "branch.declare", "may_submit": "branch.declare", "may_confirm": "branch.review",
                  "may_return": "branch.review"}


def target_flags(actor, target: Target) -> dict[str, bool]:
    """The transitions `actor` may take on `target` now (DHIS2's may* idea), for pages and API."""
    return target_flags_of(policy.may(actor, "branch.declare", target.branch),
                           policy.may(actor, "branch.review", target.branch), target.status, target.pk is not None,
                           target.level)


def target_flags_of(own: bool, office: bool, status: str, saved: bool, level: int) -> dict[str, bool]:
    """The transitions open to someone who speaks for the branch (`own`) or reviews it (`office`), in `status`."""
    editable = status in (TargetStatus.DRAFT, TargetStatus.RETURNED)
    return {
        "may_edit": own and editable,
        "may_submit": own and editable and saved and level > 0,
        "may_confirm": office and status == TargetStatus.SUBMITTED,
        "may_return": office and status == TargetStatus.SUBMITTED,
    }


def get_target(campaign: Campaign, branch: OrgUnit) -> Target:
    """The branch's target, or an unsaved empty one (its campaign and branch the objects given: no reload)."""
    target = Target.objects.filter(campaign=campaign, branch=branch).first() or Target(campaign=campaign, branch=branch)
    target.campaign, target.branch = campaign, branch
    return target


@transaction.atomic
def save_target(actor, campaign: Campaign, branch: OrgUnit, *, star_codes: list[str], strengths: str = "",
                achieved: str = "", weaknesses: str = "", goal: str = "", measures: str = "") -> Target:
    """The branch writes its diagnosis and picks its target stars (while a draft or returned)."""
    if branch.level not in (Level.COMMUNITY, Level.VILLAGE):
        raise ValidationError(_("只有社区和村可以设定争创目标。"))
    target = Target.objects.select_for_update().filter(campaign=campaign, branch=branch).first() or Target(
        campaign=campaign, branch=branch)
    if not target_flags(actor, target)["may_edit"]:
        if target.status in (TargetStatus.SUBMITTED, TargetStatus.CONFIRMED):
            raise ValidationError(_("争创目标已提交或已确认，不能再修改。"))
        _deny()
    valid = [s.code for s in campaign.standard_for(branch).stars.all()]
    unknown = [c for c in star_codes if c not in valid]
    if unknown:
        raise ValidationError({"star_codes": _("未知的星：{codes}").format(codes="、".join(unknown))})
    if not star_codes:
        raise ValidationError({"star_codes": _("请至少选择一颗争创的星：没有星的目标不能保存。")})
    before = {"star_codes": target.star_codes, "level": target.level}
    target.star_codes = [c for c in valid if c in set(star_codes)]  # standard order, no duplicates
    target.level = len(target.star_codes)
    target.strengths, target.achieved, target.weaknesses = strengths.strip(), achieved.strip(), weaknesses.strip()
    target.goal, target.measures = goal.strip(), measures.strip()
    target.save()
    events.branch_changed(target.campaign_id, target.branch_id)
    record(actor, "creation.target.save", target, {"before": before, "star_codes": target.star_codes,
                                                   "level": target.level}, unit_path=branch.path)
    return target


def _transition(actor, target: Target, flag: str, to: str, note: str = "") -> Target:
    target = Target.objects.select_for_update(of=("self",)).select_related("branch").get(pk=target.pk)
    if not target_flags(actor, target)[flag]:
        raise policy.refuse(actor, TARGET_ACTIONS[flag], target.branch,
                            _("当前状态（{status}）下不能执行此操作。").format(status=target.get_status_display()))
    old = target.status
    target.status = to
    now = timezone.now()
    if to == TargetStatus.SUBMITTED:
        target.submitted_at = now
    else:
        target.decided_at, target.office_note = now, note.strip()
        target.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    target.save()
    events.branch_changed(target.campaign_id, target.branch_id)
    record(actor, f"creation.target.{flag.removeprefix('may_')}", target,
           {"from": old, "to": to, "note": note.strip(), "level": target.level}, unit_path=target.branch.path)
    _tell_target(actor, target, to, note.strip())
    return target


def _tell_target(actor, target: Target, to: str, note: str) -> None:
    """Submitted: the office admins must confirm it (the assigned leaders follow). Confirmed or returned:
    the branch's people."""
    branch = target.branch
    url = reverse("creation:branch", args=[target.campaign_id, branch.pk])
    if to == TargetStatus.SUBMITTED:
        tell(people.union(people.office_admins(branch), people.leaders(branch), without=actor),
             _("{branch}提交了争创目标，请确认").format(branch=branch.name), note, url, unit=branch)
    elif to == TargetStatus.CONFIRMED:
        tell(people.union(people.branch_people(branch), without=actor),
             _("{branch}的争创目标已确认").format(branch=branch.name), note, url, unit=branch)
    elif to == TargetStatus.RETURNED:
        tell(people.union(people.branch_people(branch), without=actor),
             _("{branch}的争创目标被退回，请修改后重新提交").format(branch=branch.name), note, url, unit=branch)


@transaction.atomic
def submit_target(actor, target: Target) -> Target:
    return _transition(actor, target, "may_submit", TargetStatus.SUBMITTED)


@transaction.atomic
def confirm_target(actor, target: Target, note: str = "") -> Target:
    return _transition(actor, target, "may_confirm", TargetStatus.CONFIRMED, note)


@transaction.atomic
def return_target(actor, target: Target, note: str) -> Target:
    if not policy.may(actor, TARGET_ACTIONS["may_return"], target.branch):
        _deny()  # out of role: refused before the note is looked at
    if not note.strip():
        raise ValidationError({"note": _("退回时必须填写意见。")})
    return _transition(actor, target, "may_return", TargetStatus.RETURNED, note)


# --- plan tasks ----------------------------------------------------------------------------------------

def status_for(task: PlanTask, today: dt.date, has_progress: bool) -> str:
    """A task's status from its facts: done stays done; past its time node it is overdue."""
    if task.status == TaskStatus.DONE:
        return TaskStatus.DONE
    if task.due_date < today:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if has_progress else TaskStatus.NOT_STARTED


def _check_task(campaign: Campaign, branch: OrgUnit, star_code: str, indicator_codes: list[str],
                tags: list[str]) -> None:
    if not branch.is_branch:
        raise ValidationError({"branch": _("创建任务只能属于社区或村。")})
    standard = campaign.standard_for(branch)
    star = next((s for s in standard.stars.all() if s.code == star_code), None)
    errors = {}
    if star is None:
        errors["star_code"] = _("请选择本支部适用标准中的一颗星。")
    else:
        valid = {i.code for i in star.indicators.all()}
        bad = [c for c in indicator_codes if c not in valid]
        if bad:
            errors["indicator_codes"] = _("指标不属于“{star}”：{codes}").format(star=star.name, codes="、".join(bad))
    bad_tags = [t for t in tags if t not in campaign.key_work_tags]
    if bad_tags:
        errors["tags"] = _("未知的重点工作：{tags}").format(tags="、".join(bad_tags))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_task(actor, campaign: Campaign, branch: OrgUnit, *, title: str, star_code: str, due_date: dt.date,
                responsible_name: str = "", responsible_user=None, measures: str = "",
                indicator_codes: list[str] | None = None, tags: list[str] | None = None) -> PlanTask:
    if not may_edit_plan(actor, branch):
        _deny()
    indicator_codes, tags = list(indicator_codes or []), list(tags or [])
    _check_task(campaign, branch, star_code, indicator_codes, tags)
    if not (responsible_name.strip() or responsible_user):
        raise ValidationError({"responsible_name": _("请填写责任人。")})
    task = PlanTask(campaign=campaign, branch=branch, title=title.strip(), star_code=star_code,
                    due_date=due_date, measures=measures.strip(), indicator_codes=indicator_codes, tags=tags,
                    responsible_user=responsible_user,
                    responsible_name=(responsible_name.strip() or responsible_user.real_name))
    task.status = status_for(task, timezone.localdate(), False)
    task.full_clean(exclude=["campaign", "branch"])
    task.save()
    events.branch_changed(task.campaign_id, task.branch_id)
    record(actor, "creation.task.create", task, {"title": task.title, "star": star_code}, unit_path=branch.path)
    return task


@transaction.atomic
def update_task(actor, task: PlanTask, *, title: str, star_code: str, due_date: dt.date, responsible_name: str,
                responsible_user=None, measures: str = "", indicator_codes: list[str] | None = None,
                tags: list[str] | None = None, done: bool = False) -> PlanTask:
    if not may_edit_plan(actor, task.branch):
        _deny()
    indicator_codes, tags = list(indicator_codes or []), list(tags or [])
    _check_task(task.campaign, task.branch, star_code, indicator_codes, tags)
    if not (responsible_name.strip() or responsible_user):
        raise ValidationError({"responsible_name": _("请填写责任人。")})
    old = task.status
    task.title, task.star_code, task.due_date, task.measures = title.strip(), star_code, due_date, measures.strip()
    task.indicator_codes, task.tags, task.responsible_user = indicator_codes, tags, responsible_user
    task.responsible_name = responsible_name.strip() or responsible_user.real_name
    if done and task.status != TaskStatus.DONE:
        task.status, task.completed_at = TaskStatus.DONE, timezone.now()
    elif not done:
        task.status, task.completed_at = TaskStatus.NOT_STARTED, None
        task.status = status_for(task, timezone.localdate(), task.progress.exists())
    task.full_clean(exclude=["campaign", "branch"])
    task.save()
    events.branch_changed(task.campaign_id, task.branch_id)
    record(actor, "creation.task.update", task, {"from": old, "to": task.status, "title": task.title},
           unit_path=task.branch.path)
    return task


@transaction.atomic
def add_progress(actor, task: PlanTask, note: str, on: dt.date | None = None, done: bool = False) -> TaskProgress:
    """A dated progress note; it moves the task to 进行中, or to 已完成 when `done`."""
    if not may_edit_plan(actor, task.branch):
        _deny()
    if not note.strip():
        raise ValidationError({"note": _("请填写进展情况。")})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("进展日期不能晚于今天。")})
    progress = TaskProgress.objects.create(task=task, on=on, note=note.strip(),
                                           author=actor if getattr(actor, "is_authenticated", False) else None)
    old = task.status
    if done:
        task.status, task.completed_at = TaskStatus.DONE, timezone.now()
    else:
        task.status = status_for(task, today, True)
    task.save(update_fields=["status", "completed_at", "updated_at"])
    events.branch_changed(task.campaign_id, task.branch_id)
    record(actor, "creation.task.progress", task, {"from": old, "to": task.status, "note": note.strip()[:200]},
           unit_path=task.branch.path)
    return progress


@transaction.atomic
def delete_task(actor, task: PlanTask) -> None:
    if not may_edit_plan(actor, task.branch):
        _deny()
    record(actor, "creation.task.delete", task, {"title": task.title}, unit_path=task.branch.path)
    task.delete()
    events.branch_changed(task.campaign_id, task.branch_id)


def mark_overdue(today: dt.date | None = None) -> int:
    """Set 已逾期 on every unfinished task past its time node. Idempotent: a second run changes nothing.

    One UPDATE whose WHERE clause is its own precondition, so concurrent runs cannot double-count.
    """
    today = today or timezone.localdate()
    with transaction.atomic(), events.batched():  # each touched branch once
        due = PlanTask.objects.filter(status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS], due_date__lt=today)
        rows = list(due.select_for_update().values_list("pk", "campaign_id", "branch_id"))
        n = due.filter(pk__in=[pk for pk, _c, _b in rows]).update(status=TaskStatus.OVERDUE, updated_at=timezone.now())
        for _pk, campaign_id, branch_id in rows:
            events.branch_changed(campaign_id, branch_id)
    return n


# --- 批注 ----------------------------------------------------------------------------------------------

@transaction.atomic
def comment(actor, campaign: Campaign, branch: OrgUnit, text: str) -> Comment:
    """批注: an assigned leader (or an administrator above the branch) remarks on its work; the branch's
    people are told."""
    if not policy.may(actor, "branch.comment", branch) or not branch.path.startswith(campaign.unit.path):
        _deny()
    if not text.strip():
        raise ValidationError({"text": _("请填写批注内容。")})
    note = Comment.objects.create(campaign=campaign, branch=branch, text=text.strip()[:2000],
                                  author=actor if getattr(actor, "is_authenticated", False) else None)
    versions.touch(branch.pk)  # the workspace lists the comments
    record(actor, "creation.comment", note, {"text": note.text}, unit_path=branch.path)
    author = getattr(actor, "real_name", "") or getattr(actor, "username", "") or _("系统")
    tell(people.union(people.branch_people(branch), without=actor),
         _("{author}对{branch}的创建工作作了批注").format(author=author, branch=branch.name), note.text,
         reverse("creation:branch", args=[campaign.pk, branch.pk]) + "#comments", unit=branch)
    return note
