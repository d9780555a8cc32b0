"""Evaluation state changes: self-assessment, evidence, and the review chain
自评 → 办事处初审 → 区级审核 → 公示（异议）→ 命名, then 降星/撤星 and reinstatement.

Each transition checks who may take it now (the same `submission_flags` the pages and API show),
runs in one transaction, and writes an event to the hash-chained audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import events, policy
from wuxing.core.audit import record
from wuxing.core.files import store_checked
from wuxing.core.roles import BRANCH_LEVELS, Role
from wuxing.core.workdays import add_working_days
from wuxing.evaluation.models import (
    Assessment,
    AssessmentStatus,
    Award,
    Evidence,
    IndicatorResult,
    Objection,
    ObjectionStatus,
    PublicNotice,
    RemovalCategory,
    Stage,
    StarDecision,
    StarRemoval,
    Submission,
    SubmissionStatus,
)
from wuxing.orgs.models import OrgUnit
from wuxing.standards.engine import evaluate, held_under_rules

S = SubmissionStatus
SELF_EDITABLE = (S.DRAFT, S.RETURNED)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _deny():
    raise PermissionDenied(_("您没有权限执行此操作。"))


def reviewer_stars(actor, branch: OrgUnit) -> set[str] | None:
    """Stars `actor` decides at district level for `branch`: None means every star (district admin).
    Nobody decides for a branch where they hold a branch role."""
    if policy.may(actor, "branch.district_review", branch):
        return None
    from wuxing.orgs.models import RoleAssignment

    if not policy.may(actor, "branch.decide_star", branch) or getattr(actor, "is_superuser", False):
        return set()
    grants = RoleAssignment.objects.filter(user=actor, role=Role.STAR_REVIEWER, unit__is_active=True)
    return {code for g in grants if branch.path.startswith(g.unit.path) for code in g.star_codes}


# --- reading helpers -------------------------------------------------------------------------------------

def get_submission(campaign, branch: OrgUnit) -> Submission:
    return Submission.objects.filter(campaign=campaign, branch=branch).first() or Submission(campaign=campaign, branch=branch)


def stage_results(campaign, branch: OrgUnit, stage: str) -> dict[str, IndicatorResult]:
    return {r.indicator_code: r for r in IndicatorResult.objects.filter(
        assessment__campaign=campaign, assessment__branch=branch, assessment__stage=stage)}


def self_values(campaign, branch) -> dict[str, bool | float | None]:
    return {code: r.value() for code, r in stage_results(campaign, branch, Stage.SELF).items()}


def office_values(campaign, branch) -> dict[str, bool | float | None]:
    """The office's view: the branch's value where the office agrees (or has not judged), unmet where not."""
    values = self_values(campaign, branch)
    for code, r in stage_results(campaign, branch, Stage.OFFICE).items():
        if r.agree is False:
            values[code] = None
    return values


def submission_flags(actor, sub: Submission) -> dict[str, bool]:
    branch = sub.branch
    own = policy.may(actor, "branch.declare", branch)
    office = policy.may(actor, "branch.office_review", branch)
    district = policy.may(actor, "branch.district_review", branch)
    stars = reviewer_stars(actor, branch)
    owns_some = stars is None or bool(stars & set(sub.office_star_codes))
    decided = {d.star_code for d in sub.decisions.all()} if sub.pk else set()  # uses a list's prefetch
    return {
        "may_edit_self": own and sub.status in SELF_EDITABLE,
        "may_submit": own and sub.status in SELF_EDITABLE,
        "may_office_review": office and sub.status == S.OFFICE,
        "may_office_return": office and sub.status == S.OFFICE,
        "may_office_pass": office and sub.status == S.OFFICE,
        "may_district_decide": owns_some and (district or stars is not None) and sub.status == S.DISTRICT,
        "may_district_return": district and sub.status == S.DISTRICT,
        "may_district_finalize": district and sub.status == S.DISTRICT and set(sub.office_star_codes) <= decided,
        "may_publish": district and sub.status == S.PROPOSED,
    }


FLAG_ACTIONS = {
    "may_edit_self": "branch.declare", "may_submit": "branch.declare",
    "may_office_review": "branch.office_review", "may_office_return": "branch.office_review",
    "may_office_pass": "branch.office_review", "may_district_decide": "branch.decide_star",
    "may_district_return": "branch.district_review", "may_district_finalize": "branch.district_review",
    "may_publish": "branch.district_review",
}


def _require(actor, sub: Submission, flag: str) -> None:
    if not submission_flags(actor, sub)[flag]:
        raise policy.refuse(actor, FLAG_ACTIONS[flag], sub.branch,
                            _("当前状态（{s}）下您不能执行此操作。").format(s=sub.get_status_display()))


def _locked(sub: Submission) -> Submission:
    return Submission.objects.select_for_update(of=("self",)).select_related("branch", "campaign").get(pk=sub.pk)


def _check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ValidationError(_("该内容已被他人修改，请刷新页面后再保存。"))


def _event(actor, action: str, sub: Submission, old: str, note: str = "", **data) -> None:
    record(actor, action, sub, {"from": old, "to": sub.status, "note": note, **data}, unit_path=sub.branch.path)


# --- self-assessment and evidence ------------------------------------------------------------------------

@transaction.atomic
def save_self_results(actor, campaign, branch: OrgUnit, results: dict[str, bool | float | None],
                      notes: dict[str, str] | None = None, version: int | None = None) -> Assessment:
    """Record the branch's own results (自评) while the submission is a draft or returned. The
    self-assessment is the branch's own declaration: administrators above never write it."""
    if not policy.may(actor, "branch.declare", branch):
        raise PermissionDenied(_("您没有权限填写该支部的自评。"))
    sub = Submission.objects.select_for_update().filter(campaign=campaign, branch=branch).first()
    if sub is not None and sub.status not in SELF_EDITABLE:
        raise ValidationError(_("自评已申报，审核期间不能修改。"))
    standard = campaign.standard_for(branch)
    codes = {i.code: i for s in standard.stars.all() for i in s.indicators.all()}
    assessment, _created = Assessment.objects.select_for_update().get_or_create(campaign=campaign, branch=branch,
                                                                                stage=Stage.SELF)
    _check_version(assessment, version)
    notes = notes or {}
    for code, value in results.items():
        indicator = codes.get(code)
        if indicator is None:
            raise ValidationError(_("指标“{code}”不属于本支部适用的评星标准。").format(code=code))
        points = met = None
        if indicator.kind == "points" and value is not None and not isinstance(value, bool):
            points = float(value)
            if not 0 <= points <= (indicator.max_points or 0):
                raise ValidationError(_("指标“{code}”的得分应在 0 到 {max:g} 之间。").format(
                    code=code, max=indicator.max_points))
        elif indicator.kind == "pass" and value is not None:
            met = bool(value)
        IndicatorResult.objects.update_or_create(assessment=assessment, indicator_code=code, defaults={
            "met": met, "points": points, "note": str(notes.get(code, "")).strip()[:2000]})
    assessment.version += 1
    assessment.save(update_fields=["version", "updated_at"])
    record(actor, "evaluation.self.save", assessment, {"results": dict(results)}, unit_path=branch.path)
    events.branch_changed(campaign.pk, branch.pk, campaign=campaign, unit=branch)
    return assessment


@transaction.atomic
def add_evidence(actor, campaign, branch: OrgUnit, indicator_code: str, name: str, data: bytes,
                 description: str = "") -> Evidence:
    """Store one ledger file after checking its name, size and real content; nothing is stored on refusal."""
    if not policy.may(actor, "branch.work", branch):
        raise PermissionDenied(_("您没有权限上传该支部的台账资料。"))
    standard = campaign.standard_for(branch)
    if not any(i.code == indicator_code for s in standard.stars.all() for i in s.indicators.all()):
        raise ValidationError(_("指标“{code}”不属于本支部适用的评星标准。").format(code=indicator_code))
    evidence = Evidence(campaign=campaign, branch=branch, indicator_code=indicator_code,
                        description=description.strip()[:300], uploaded_by=_user(actor))
    store_checked(evidence, name, data, then=lambda e: record(
        actor, "evaluation.evidence.add", e,
        {"indicator": indicator_code, "name": e.original_name, "sha256": e.sha256, "size": e.size}, unit_path=branch.path))
    return evidence


@transaction.atomic
def submit_claim(actor, campaign, branch: OrgUnit, claimed: list[str]) -> Submission:
    """申报: claim stars the self-assessment meets; the submission goes to the office."""
    if branch.level not in BRANCH_LEVELS:
        raise ValidationError(_("只有社区和村可以申报。"))
    sub = Submission.objects.select_for_update().filter(campaign=campaign, branch=branch).first()
    if sub is None:
        sub = Submission.objects.create(campaign=campaign, branch=branch)
    _require(actor, sub, "may_submit")
    standard = campaign.standard_for(branch)
    order = [s.code for s in standard.stars.all()]
    if not claimed:
        raise ValidationError({"claimed": _("请选择要申报的星。")})
    unknown = [c for c in claimed if c not in order]
    if unknown:
        raise ValidationError({"claimed": _("未知的星：{c}").format(c="、".join(unknown))})
    ev = evaluate(standard.spec(), self_values(campaign, branch))
    names = {s.code: s.name for s in standard.stars.all()}
    short = [names[c] for c in claimed if not ev.outcome(c).met]
    if short:
        raise ValidationError({"claimed": _("自评尚未达到以下星的标准，不能申报：{stars}").format(stars="、".join(short))})
    old = sub.status
    sub.claimed_star_codes = [c for c in order if c in set(claimed)]
    sub.status, sub.note = S.OFFICE, ""
    sub.submitted_at = timezone.now()
    sub.version += 1
    sub.save()
    Assessment.objects.filter(campaign=campaign, branch=branch, stage=Stage.SELF).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=sub.submitted_at)
    _event(actor, "evaluation.claim.submit", sub, old, claimed=sub.claimed_star_codes)
    return sub


# --- office 初审 ----------------------------------------------------------------------------------------

@transaction.atomic
def office_review(actor, sub: Submission, judgements: dict[str, tuple[bool, str]], version: int | None = None) -> Assessment:
    """Per indicator: does the office agree with the branch's result (and why not)."""
    sub = _locked(sub)
    _require(actor, sub, "may_office_review")
    assessment, _created = Assessment.objects.select_for_update().get_or_create(
        campaign=sub.campaign, branch=sub.branch, stage=Stage.OFFICE)
    _check_version(assessment, version)
    own = self_values(sub.campaign, sub.branch)
    valid = {i.code for s in sub.campaign.standard_for(sub.branch).stars.all() for i in s.indicators.all()}
    for code, (agree, note) in judgements.items():
        if code not in valid:
            raise ValidationError(_("指标“{code}”不属于本支部适用的评星标准。").format(code=code))
        if not agree and not note.strip():
            raise ValidationError({code: _("不同意时请写明理由（指标 {code}）。").format(code=code)})
        value = own.get(code) if agree else None
        IndicatorResult.objects.update_or_create(assessment=assessment, indicator_code=code, defaults={
            "agree": agree, "note": note.strip()[:2000],
            "met": value if isinstance(value, bool) else None,
            "points": value if value is not None and not isinstance(value, bool) else None})
    assessment.version += 1
    assessment.save(update_fields=["version", "updated_at"])
    record(actor, "evaluation.office.review", sub, {"judgements": {k: [a, n] for k, (a, n) in judgements.items()}},
           unit_path=sub.branch.path)
    events.branch_changed(sub.campaign_id, sub.branch_id, campaign=sub.campaign, unit=sub.branch)
    return assessment


def _send_back(actor, sub: Submission, flag: str, to: str, note: str, action: str) -> Submission:
    """Sending back always needs a note, which the level below sees."""
    sub = _locked(sub)
    _require(actor, sub, flag)
    if not note.strip():
        raise ValidationError({"note": _("退回时必须填写意见。")})
    old = sub.status
    sub.status, sub.note = to, note.strip()
    sub.version += 1
    sub.save()
    _event(actor, action, sub, old, note.strip())
    return sub


@transaction.atomic
def office_return(actor, sub: Submission, note: str) -> Submission:
    sub = _send_back(actor, sub, "may_office_return", S.RETURNED, note, "evaluation.office.return")
    Assessment.objects.filter(campaign=sub.campaign, branch=sub.branch, stage=Stage.SELF).update(
        status=AssessmentStatus.RETURNED)
    return sub


@transaction.atomic
def office_pass(actor, sub: Submission, note: str = "") -> Submission:
    """Forward to the district the claimed stars that still stand under the office's judgement."""
    sub = _locked(sub)
    _require(actor, sub, "may_office_pass")
    ev = evaluate(sub.campaign.standard_for(sub.branch).spec(), office_values(sub.campaign, sub.branch))
    old = sub.status
    sub.office_star_codes = [c for c in sub.claimed_star_codes if ev.outcome(c).met]
    sub.status, sub.note = S.DISTRICT, note.strip()
    sub.version += 1
    sub.save()
    Assessment.objects.filter(campaign=sub.campaign, branch=sub.branch, stage=Stage.OFFICE).update(
        status=AssessmentStatus.APPROVED, submitted_at=timezone.now())
    _event(actor, "evaluation.office.pass", sub, old, note.strip(), stars=sub.office_star_codes)
    return sub


# --- district 审核 ---------------------------------------------------------------------------------------

@transaction.atomic
def district_decide(actor, sub: Submission, star_code: str, passed: bool, note: str = "",
                    version: int | None = None) -> StarDecision:
    """One star's decision, by the reviewer who owns that star or by the district admin."""
    sub = _locked(sub)
    _require(actor, sub, "may_district_decide")
    stars = reviewer_stars(actor, sub.branch)
    if star_code not in sub.office_star_codes:
        raise ValidationError(_("该星未经办事处初审通过，不在审核范围内。"))
    if stars is not None and star_code not in stars:
        _deny()
    if not passed and not note.strip():
        raise ValidationError({"note": _("不通过时请写明理由。")})
    decision = StarDecision.objects.select_for_update().filter(submission=sub, star_code=star_code).first()
    if decision is not None:
        _check_version(decision, version)
        decision.passed, decision.note, decision.decided_by = passed, note.strip(), _user(actor)
        decision.version += 1
        decision.save()
    else:
        decision = StarDecision.objects.create(submission=sub, star_code=star_code, passed=passed, note=note.strip(),
                                               decided_by=_user(actor))
    record(actor, "evaluation.district.decide", sub, {"star": star_code, "passed": passed, "note": note.strip()},
           unit_path=sub.branch.path)
    return decision


@transaction.atomic
def district_return(actor, sub: Submission, note: str) -> Submission:
    """Send back to the office (e.g. to check an indicator again)."""
    return _send_back(actor, sub, "may_district_return", S.OFFICE, note, "evaluation.district.return")


def _level(sub: Submission, codes: list[str]) -> tuple[list[str], int]:
    standard = sub.campaign.standard_for(sub.branch)
    order = [s.code for s in standard.stars.all()]
    held = held_under_rules(order, set(codes), standard.prerequisite_star or None, standard.capstone_star or None)
    return [c for c in order if c in set(codes)], len(held)


@transaction.atomic
def district_finalize(actor, sub: Submission) -> Submission:
    sub = _locked(sub)
    _require(actor, sub, "may_district_finalize")
    passed = set(sub.decisions.filter(passed=True).values_list("star_code", flat=True))
    old = sub.status
    sub.proposed_star_codes, sub.proposed_level = _level(sub, list(passed))
    sub.status = S.PROPOSED
    sub.version += 1
    sub.save()
    _event(actor, "evaluation.district.finalize", sub, old, stars=sub.proposed_star_codes, level=sub.proposed_level)
    return sub


# --- 公示, 异议, 命名 -----------------------------------------------------------------------------------

@transaction.atomic
def publish_notice(actor, campaign, title: str, starts_on: dt.date | None = None) -> PublicNotice:
    """Put every proposed submission of the campaign (in the actor's district) into one public notice."""
    if not policy.may(actor, "campaign.manage", campaign.unit):
        _deny()
    subs = list(Submission.objects.select_for_update().filter(campaign=campaign, status=S.PROPOSED))
    if not subs:
        raise ValidationError(_("没有审核完成待公示的申报。"))
    starts_on = starts_on or timezone.localdate()
    end = add_working_days(starts_on, campaign.notice_working_days, count_start=True)
    notice = PublicNotice.objects.create(campaign=campaign, title=title.strip() or _("{year}年度“五星”支部拟命名名单公示").format(
        year=campaign.year), starts_on=starts_on, ends_on=end.day, working_days=campaign.notice_working_days,
        ends_estimated=end.estimated, published_by=_user(actor))
    for sub in subs:
        sub.status, sub.notice = S.NOTICE, notice
        sub.version += 1
        sub.save(update_fields=["status", "notice", "version", "updated_at"])
        _event(actor, "evaluation.notice.enter", sub, S.PROPOSED, notice=notice.pk)
    record(actor, "evaluation.notice.publish", notice, {"submissions": [s.pk for s in subs], "ends_on": str(end.day)},
           unit_path=campaign.unit.path)
    return notice


def notice_open(notice: PublicNotice, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return notice.closed_at is None and notice.starts_on <= today <= notice.ends_on


@transaction.atomic
def raise_objection(notice: PublicNotice, *, name: str, contact: str, content: str, submission_id: int | None = None,
                    ip: str | None = None) -> Objection:
    """Anyone may object during the notice period. Contact details are stored, never shown publicly."""
    if not notice_open(notice):
        raise ValidationError(_("公示期已结束，不能再提出异议。"))
    errors = {}
    if not name.strip():
        errors["name"] = _("请填写姓名。")
    if not contact.strip():
        errors["contact"] = _("请填写联系方式，以便核实和反馈。")
    if len(content.strip()) < 5:
        errors["content"] = _("请具体说明异议内容（至少 5 个字）。")
    sub = None
    if submission_id is not None:
        sub = Submission.objects.filter(pk=submission_id, notice=notice).first()
        if sub is None:
            errors["submission"] = _("所选支部不在本次公示名单中。")
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(notice=notice, submission=sub, name=name.strip()[:50],
                                         contact=contact.strip()[:50], content=content.strip()[:5000])
    # The audit keeps that an objection came in, not who raised it.
    record(None, "evaluation.objection.raise", objection, {"notice": notice.pk, "submission": submission_id,
                                                           "content_sha256": hashlib.sha256(content.encode()).hexdigest()},
           unit_path=sub.branch.path if sub else notice.campaign.unit.path, ip=ip, actor_name="公众")
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, *, upheld: bool, outcome: str,
                      removed_star_codes: list[str] | None = None) -> Objection:
    """Record how an objection was handled; an upheld one may strike stars from the proposal."""
    objection = Objection.objects.select_for_update(of=("self",)).select_related("notice__campaign", "submission__branch").get(
        pk=objection.pk)
    if not policy.may(actor, "campaign.manage", objection.notice.campaign.unit):
        _deny()
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("该异议已处理。"))
    if not outcome.strip():
        raise ValidationError({"outcome": _("请填写核查处理情况。")})
    removed = list(removed_star_codes or [])
    sub = objection.submission
    if removed:
        if not upheld or sub is None:
            raise ValidationError(_("只有针对具体支部且成立的异议才能取消拟命名的星。"))
        sub = _locked(sub)
        bad = [c for c in removed if c not in sub.proposed_star_codes]
        if bad:
            raise ValidationError(_("这些星不在拟命名名单中：{c}").format(c="、".join(bad)))
        sub.proposed_star_codes, sub.proposed_level = _level(sub, [c for c in sub.proposed_star_codes if c not in removed])
        sub.version += 1
        sub.save()
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.outcome, objection.removed_star_codes = outcome.strip(), removed
    objection.resolved_by, objection.resolved_at = _user(actor), timezone.now()
    objection.save()
    record(actor, "evaluation.objection.resolve", objection, {"upheld": upheld, "removed": removed,
                                                             "outcome": outcome.strip()},
           unit_path=sub.branch.path if sub else objection.notice.campaign.unit.path)
    return objection


@transaction.atomic
def close_notice(actor, notice: PublicNotice, today: dt.date | None = None) -> list[Award]:
    """命名: after the notice period, with every objection handled, name each branch its final level."""
    notice = PublicNotice.objects.select_for_update(of=("self",)).select_related("campaign__unit").get(pk=notice.pk)
    if not policy.may(actor, "campaign.manage", notice.campaign.unit):
        _deny()
    today = today or timezone.localdate()
    if notice.closed_at is not None:
        raise ValidationError(_("该公示已结束并完成命名。"))
    if today <= notice.ends_on:
        raise ValidationError(_("公示期至 {d} 结束，期满后才能命名。").format(d=notice.ends_on.strftime("%Y-%m-%d")))
    if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise ValidationError(_("还有未处理的异议，处理完毕后才能命名。"))
    awards = []
    for sub in Submission.objects.select_for_update(of=("self",)).filter(notice=notice, status=S.NOTICE).select_related(
            "branch", "campaign"):
        award = Award.objects.create(submission=sub, campaign=sub.campaign, branch=sub.branch,
                                     star_codes=sub.proposed_star_codes, level=sub.proposed_level,
                                     effective_star_codes=sub.proposed_star_codes, effective_level=sub.proposed_level,
                                     awarded_by=_user(actor))
        sub.status = S.AWARDED
        sub.version += 1
        sub.save(update_fields=["status", "version", "updated_at"])
        events.branch_changed(sub.campaign_id, sub.branch_id, campaign=sub.campaign, unit=sub.branch)
        record(actor, "evaluation.award", award, {"stars": award.star_codes, "level": award.level},
               unit_path=sub.branch.path)
        awards.append(award)
    notice.closed_at = timezone.now()
    notice.save(update_fields=["closed_at"])
    record(actor, "evaluation.notice.close", notice, {"awards": len(awards)}, unit_path=notice.campaign.unit.path)
    return awards


# --- 降星/撤星 and reinstatement ------------------------------------------------------------------------

def _refresh_effective(award: Award) -> None:
    removed = set(award.removals.filter(reinstated_at__isnull=True).values_list("star_code", flat=True))
    codes = [c for c in award.star_codes if c not in removed]
    award.effective_star_codes, award.effective_level = _level(award.submission, codes)
    award.save(update_fields=["effective_star_codes", "effective_level"])
    events.branch_changed(award.campaign_id, award.branch_id)


@transaction.atomic
def remove_star(actor, award: Award, *, star_code: str, category: str, description: str,
                occurred_on: dt.date) -> StarRemoval:
    """Take a star away mid-year (e.g. a 三零 breach); the effective level changes at once."""
    award = Award.objects.select_for_update(of=("self",)).select_related("submission__campaign", "submission__branch").get(pk=award.pk)
    if not policy.may(actor, "branch.district_review", award.branch):
        _deny()
    if star_code not in award.effective_star_codes:
        raise ValidationError({"star_code": _("该支部目前没有这颗星。")})
    if category not in RemovalCategory.values:
        raise ValidationError({"category": _("请选择原因类别。")})
    if not description.strip():
        raise ValidationError({"description": _("请填写情况说明。")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("发生日期不能晚于今天。")})
    removal = StarRemoval.objects.create(award=award, star_code=star_code, category=category,
                                         description=description.strip(), occurred_on=occurred_on,
                                         approved_by=_user(actor))
    before = award.effective_level
    _refresh_effective(award)
    record(actor, "evaluation.star.remove", award, {"star": star_code, "category": category,
                                                    "occurred_on": str(occurred_on), "from_level": before,
                                                    "to_level": award.effective_level,
                                                    "description": description.strip()}, unit_path=award.branch.path)
    return removal


@transaction.atomic
def reinstate_star(actor, removal: StarRemoval, reason: str) -> StarRemoval:
    removal = StarRemoval.objects.select_for_update(of=("self",)).select_related("award__branch").get(pk=removal.pk)
    award = Award.objects.select_for_update(of=("self",)).select_related("submission__campaign", "submission__branch").get(
        pk=removal.award_id)
    if not policy.may(actor, "branch.district_review", award.branch):
        _deny()
    if removal.reinstated_at is not None:
        raise ValidationError(_("这颗星已经恢复。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写恢复理由。")})
    removal.reinstated_at, removal.reinstated_by, removal.reinstate_reason = timezone.now(), _user(actor), reason.strip()
    removal.save()
    before = award.effective_level
    _refresh_effective(award)
    record(actor, "evaluation.star.reinstate", award, {"star": removal.star_code, "from_level": before,
                                                       "to_level": award.effective_level, "reason": reason.strip()},
           unit_path=award.branch.path)
    return removal


