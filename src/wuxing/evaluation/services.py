"""Evaluation state changes: self-assessment, evidence, and the review chain
自评 → 办事处初审 → 区级审核 → 公示（异议）→ 命名, then 降星/撤星 and reinstatement.

Each transition checks who may take it now (the same `submission_flags` the pages and API show),
runs in one transaction, and writes an event to the hash-chained audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import events, policy, versions
from wuxing.core.audit import record
from wuxing.core.files import store_checked
from wuxing.core.roles import BRANCH_LEVELS, Role
from wuxing.core.workdays import add_working_days
from wuxing.evaluation import telling
from wuxing.evaluation.models import (
    REMOVING,
    Assessment,
    AssessmentStatus,
    Award,
    Evidence,
    IndicatorResult,
    Objection,
    ObjectionStatus,
    PublicNotice,
    RejectionGround,
    RemovalCategory,
    Stage,
    StarDecision,
    StarRemoval,
    Submission,
    SubmissionStatus,
    VetoEvent,
    VetoStatus,
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


def vetoes_in_force(campaign) -> dict[int, frozenset[str]]:
    """Branch id → the veto codes in force at it for the campaign (one query: vetoes are few)."""
    out: dict[int, set[str]] = defaultdict(set)
    for branch_id, code in VetoEvent.objects.filter(campaign=campaign, status=VetoStatus.IN_FORCE).values_list(
            "branch_id", "veto_code"):
        out[branch_id].add(code)
    return {k: frozenset(v) for k, v in out.items()}


def vetoes_at(campaign, branch: OrgUnit) -> frozenset[str]:
    return frozenset(VetoEvent.objects.filter(campaign=campaign, branch=branch, status=VetoStatus.IN_FORCE).values_list(
        "veto_code", flat=True))


def vetoed_stars(campaign, branch: OrgUnit) -> set[str]:
    return set(VetoEvent.objects.filter(campaign=campaign, branch=branch, status=VetoStatus.IN_FORCE).values_list(
        "star_code", flat=True))


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
    versions.touch(branch.pk)  # the workspace's gap analysis counts the ledger
    return evidence


def ledger_open(campaign, branch: OrgUnit) -> bool:
    """Whether the branch may still withdraw or replace ledger files: until its claim goes up (and again
    while a returned claim is being corrected)."""
    status = Submission.objects.filter(campaign=campaign, branch=branch).values_list("status", flat=True).first()
    return status in (None, S.DRAFT, S.RETURNED)


def _precheck(files: list[tuple[str, bytes]]) -> None:
    """Every file of an upload checked before any is stored: one refused file refuses the upload."""
    from django.conf import settings

    from wuxing.core import filecheck

    if not files:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError({"file": _("一次最多上传 {n} 个文件。").format(n=settings.EVIDENCE_MAX_FILES)})
    problems = []
    for name, data in files:
        try:
            filecheck.check(name, data, settings.EVIDENCE_MAX_BYTES)
        except filecheck.FileRejected as exc:
            problems.append(_("“{name}”：{why}").format(name=name, why=exc))
    if problems:
        raise ValidationError({"file": problems + [_("以上文件不符合要求，本次没有上传任何文件。")]})


@transaction.atomic
def add_evidence_files(actor, campaign, branch: OrgUnit, indicator_code: str, files: list[tuple[str, bytes]],
                       description: str = "") -> list[Evidence]:
    """Several ledger files for one indicator at once: all of them, or none."""
    _precheck(files)
    return [add_evidence(actor, campaign, branch, indicator_code, name, data, description) for name, data in files]


def _may_change(actor, evidence: Evidence) -> None:
    if not policy.may(actor, "branch.work", evidence.branch):
        raise PermissionDenied(_("您没有权限修改该支部的台账资料。"))
    if evidence.withdrawn_at is not None:
        raise ValidationError(_("该文件已撤回。"))
    if not ledger_open(evidence.campaign, evidence.branch):
        raise ValidationError(_("申报已提交，台账资料不能再撤回或替换；如需补充，请上传新文件。"))


@transaction.atomic
def withdraw_evidence(actor, evidence: Evidence, *, replaced_by: Evidence | None = None) -> Evidence:
    """Take a file out of the ledger before the claim goes up. The row and the file stay for the audit."""
    evidence = Evidence.all_objects.select_for_update().get(pk=evidence.pk)
    _may_change(actor, evidence)
    evidence.withdrawn_at, evidence.withdrawn_by = timezone.now(), _user(actor)
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by"])
    versions.touch(evidence.branch_id)
    record(actor, "evaluation.evidence.replace" if replaced_by else "evaluation.evidence.withdraw", evidence,
           {"indicator": evidence.indicator_code, "name": evidence.original_name, "sha256": evidence.sha256,
            **({"by": replaced_by.original_name, "by_sha256": replaced_by.sha256} if replaced_by else {})},
           unit_path=evidence.branch.path)
    return evidence


@transaction.atomic
def replace_evidence(actor, evidence: Evidence, name: str, data: bytes) -> Evidence:
    """A corrected file in place of another, for the same indicator, before the claim goes up."""
    _may_change(actor, evidence)
    new = add_evidence(actor, evidence.campaign, evidence.branch, evidence.indicator_code, name, data,
                       evidence.description)
    new.replaces = evidence
    new.save(update_fields=["replaces"])
    withdraw_evidence(actor, evidence, replaced_by=new)
    return new


@transaction.atomic
def submit_claim(actor, campaign, branch: OrgUnit, claimed: list[str], *, confirmed: bool = False) -> Submission:
    """申报: claim stars the self-assessment meets; the submission goes to the office. The claimant has seen
    the summary (stars claimed, indicators without evidence) and confirms it: the claim cannot be taken back."""
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
    ev = evaluate(standard.spec(), self_values(campaign, branch), vetoes_at(campaign, branch))
    names = {s.code: s.name for s in standard.stars.all()}
    vetoed = vetoed_stars(campaign, branch)
    barred = [names[c] for c in claimed if c in vetoed]
    if barred:
        raise ValidationError({"claimed": _("以下星有生效的一票否决事件，不能申报：{stars}").format(stars="、".join(barred))})
    short = [names[c] for c in claimed if not ev.outcome(c).met]
    if short:
        raise ValidationError({"claimed": _("自评尚未达到以下星的标准，不能申报：{stars}").format(stars="、".join(short))})
    if not confirmed:
        raise ValidationError({"confirm": _("申报后不能撤回：请核对申报摘要（申报的星、缺少台账的指标）后勾选“确认申报”。")})
    old = sub.status
    sub.claimed_star_codes = [c for c in order if c in set(claimed)]
    sub.status, sub.note = S.OFFICE, ""
    sub.submitted_at = timezone.now()
    sub.version += 1
    sub.save()
    Assessment.objects.filter(campaign=campaign, branch=branch, stage=Stage.SELF).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=sub.submitted_at)
    _event(actor, "evaluation.claim.submit", sub, old, claimed=sub.claimed_star_codes)
    telling.claim_submitted(actor, sub)
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
    telling.office_returned(actor, sub)
    return sub


@transaction.atomic
def office_pass(actor, sub: Submission, note: str = "") -> Submission:
    """Forward to the district the claimed stars that still stand under the office's judgement."""
    sub = _locked(sub)
    _require(actor, sub, "may_office_pass")
    standard = sub.campaign.standard_for(sub.branch)
    judged = {code for code, r in stage_results(sub.campaign, sub.branch, Stage.OFFICE).items() if r.agree is not None}
    unjudged = [i.code for s in standard.stars.all() if s.code in sub.claimed_star_codes for i in s.indicators.all()
                if i.code not in judged]
    if unjudged:
        raise ValidationError(_("还有 {n} 项指标未给出初审意见（{codes}），逐项审核后才能通过。").format(
            n=len(unjudged), codes="、".join(unjudged[:8]) + ("等" if len(unjudged) > 8 else "")))
    ev = evaluate(sub.campaign.standard_for(sub.branch).spec(), office_values(sub.campaign, sub.branch),
                  vetoes_at(sub.campaign, sub.branch))
    old = sub.status
    sub.office_star_codes = [c for c in sub.claimed_star_codes if ev.outcome(c).met]
    sub.status, sub.note = S.DISTRICT, note.strip()
    sub.version += 1
    sub.save()
    Assessment.objects.filter(campaign=sub.campaign, branch=sub.branch, stage=Stage.OFFICE).update(
        status=AssessmentStatus.APPROVED, submitted_at=timezone.now())
    _event(actor, "evaluation.office.pass", sub, old, note.strip(), stars=sub.office_star_codes)
    telling.office_passed(actor, sub)
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
    if passed and star_code in vetoed_stars(sub.campaign, sub.branch):
        raise ValidationError({"passed": _("该星有生效的一票否决事件，不能审核通过。")})
    decision = StarDecision.objects.select_for_update().filter(submission=sub, star_code=star_code).first()
    if decision is not None:
        _check_version(decision, version)
        decision.passed, decision.note, decision.decided_by = passed, note.strip(), _user(actor)
        decision.version += 1
        decision.save()
    else:
        decision = StarDecision.objects.create(submission=sub, star_code=star_code, passed=passed, note=note.strip(),
                                               decided_by=_user(actor))
    event = record(actor, "evaluation.district.decide", sub, {"star": star_code, "passed": passed,
                                                              "note": note.strip()}, unit_path=sub.branch.path)
    decision.audit_seq = event.seq
    decision.save(update_fields=["audit_seq"])
    telling.star_decided(actor, sub, star_code, passed, note.strip())
    return decision


@transaction.atomic
def district_return(actor, sub: Submission, note: str) -> Submission:
    """Send back to the office (e.g. to check an indicator again)."""
    sub = _send_back(actor, sub, "may_district_return", S.OFFICE, note, "evaluation.district.return")
    telling.district_returned(actor, sub)
    return sub


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
    passed -= vetoed_stars(sub.campaign, sub.branch)  # a veto that came into force after the decision
    old = sub.status
    sub.proposed_star_codes, sub.proposed_level = _level(sub, list(passed))
    sub.status = S.PROPOSED
    sub.version += 1
    sub.save()
    _event(actor, "evaluation.district.finalize", sub, old, stars=sub.proposed_star_codes, level=sub.proposed_level)
    return sub


# --- 公示, 异议, 命名 -----------------------------------------------------------------------------------

@transaction.atomic
def publish_notice(actor, campaign, title: str, starts_on: dt.date | None = None,
                   submission_ids: list[int] | None = None, *, today: dt.date | None = None,
                   hotline: str = "") -> PublicNotice:
    """Put the proposed submissions of the campaign (all of them, or those named) into one public notice. It
    starts today or later — never backdated, so the public always has its full period — and ends after the
    campaign's number of working days on the official calendar: the end is computed, never typed. (`today` is
    for replaying history in the demo, as in close_notice; pages and the API never pass it.)"""
    if not policy.may(actor, "campaign.manage", campaign.unit):
        _deny()
    today = today or timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationError({"starts_on": _("公示开始日期不能早于今天（{d}）。").format(d=today.strftime("%Y-%m-%d"))})
    subs = Submission.objects.select_for_update().filter(campaign=campaign, status=S.PROPOSED).order_by("pk")
    if submission_ids is not None:
        wanted = set(submission_ids)
        subs = [s for s in subs if s.pk in wanted]
        if len(subs) != len(wanted):
            raise ValidationError({"submissions": _("所选申报中有不在“审核完成待公示”状态的，请刷新后重选。")})
    subs = list(subs)
    if not subs:
        raise ValidationError(_("没有审核完成待公示的申报。"))
    end = add_working_days(starts_on, campaign.notice_working_days, count_start=True)
    notice = PublicNotice.objects.create(campaign=campaign, title=title.strip() or _("{year}年度“五星”支部拟命名名单公示").format(
        year=campaign.year), starts_on=starts_on, ends_on=end.day, working_days=campaign.notice_working_days,
        ends_estimated=end.estimated, published_by=_user(actor), hotline=hotline.strip())
    for sub in subs:
        sub.status, sub.notice = S.NOTICE, notice
        sub.version += 1
        sub.save(update_fields=["status", "notice", "version", "updated_at"])
        _event(actor, "evaluation.notice.enter", sub, S.PROPOSED, notice=notice.pk)
    record(actor, "evaluation.notice.publish", notice, {"submissions": [s.pk for s in subs], "starts_on": str(starts_on),
                                                        "ends_on": str(end.day)}, unit_path=campaign.unit.path)
    telling.notice_published(actor, notice, subs)
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
    telling.objection_filed(objection)
    return objection


def _ruling_errors(objection: Objection, sub: Submission | None, ruling: str, outcome: str, removed: list[str],
                   rejection: str) -> dict:
    errors = {}
    if ruling not in ObjectionStatus.values or ruling == ObjectionStatus.OPEN:
        errors["ruling"] = _("请选择处理结论。")
    elif ruling in REMOVING:
        if sub is None:
            errors["ruling"] = _("该异议未针对具体支部，不能认定成立并取消星；请认定不成立或不予受理。")
        elif not removed:
            errors["removed_star_codes"] = _("异议成立（或部分成立）时，请选择因此取消的星。")
        else:
            bad = [c for c in removed if c not in sub.proposed_star_codes]
            if bad:
                errors["removed_star_codes"] = _("这些星不在拟命名名单中：{c}").format(c="、".join(bad))
    elif removed:
        errors["removed_star_codes"] = _("只有成立或部分成立的异议才能取消星。")
    if ruling == ObjectionStatus.REJECTED and rejection not in RejectionGround.values:
        errors["rejection"] = _("不予受理时请选择理由（重复提出、无实质内容或不属于本次公示事项）。")
    if not outcome.strip():
        errors["outcome"] = _("请填写核查处理情况。")
    return errors


def _strike_from_proposal(sub: Submission, keep: list[str]) -> None:
    sub.proposed_star_codes, sub.proposed_level = _level(sub, keep)
    sub.version += 1
    sub.save()


def _lock_objection(actor, objection: Objection) -> Objection:
    objection = Objection.objects.select_for_update(of=("self",)).select_related(
        "notice__campaign__unit", "submission__branch").get(pk=objection.pk)
    if not policy.may(actor, "campaign.manage", objection.notice.campaign.unit):
        _deny()
    if objection.notice.closed_at is not None:
        raise ValidationError(_("该批公示已命名，异议处理结果不能再更改。"))
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, *, ruling: str, outcome: str,
                      removed_star_codes: list[str] | None = None, rejection: str = "") -> Objection:
    """Rule on an objection: 成立 or 部分成立 (naming the stars it removes from the proposal), 不成立, or 不予受理
    (duplicate, no content, out of scope — with its ground; it then does not hold up the naming)."""
    objection = _lock_objection(actor, objection)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("该异议已处理；如需更改，请使用“更正处理结果”并写明理由。"))
    removed = list(dict.fromkeys(removed_star_codes or []))
    sub = _locked(objection.submission) if objection.submission_id else None
    errors = _ruling_errors(objection, sub, ruling, outcome, removed, rejection)
    if errors:
        raise ValidationError(errors)
    if removed:
        _strike_from_proposal(sub, [c for c in sub.proposed_star_codes if c not in removed])
    objection.status, objection.rejection = ruling, rejection if ruling == ObjectionStatus.REJECTED else ""
    objection.outcome, objection.removed_star_codes = outcome.strip(), removed
    objection.resolved_by, objection.resolved_at = _user(actor), timezone.now()
    objection.save()
    record(actor, "evaluation.objection.resolve", objection, {
        "ruling": ruling, "rejection": objection.rejection, "removed": removed, "outcome": outcome.strip(),
        "proposed_level": sub.proposed_level if sub else None},
        unit_path=sub.branch.path if sub else objection.notice.campaign.unit.path)
    telling.objection_resolved(actor, objection)
    return objection


@transaction.atomic
def correct_resolution(actor, objection: Objection, *, reason: str, ruling: str, outcome: str,
                       removed_star_codes: list[str] | None = None, rejection: str = "") -> Objection:
    """更正: the district admin changes a ruling, with a reason, until the batch is named. The stars the earlier
    ruling removed come back to the proposal (unless a veto now bars them) before the new ruling applies; the
    earlier ruling is kept on the objection and in the audit chain."""
    objection = _lock_objection(actor, objection)
    if objection.status == ObjectionStatus.OPEN:
        raise ValidationError(_("该异议尚未处理，请直接处理。"))
    if not reason.strip():
        raise ValidationError({"reason": _("更正处理结果时请写明理由。")})
    sub = _locked(objection.submission) if objection.submission_id else None
    previous = {"ruling": objection.status, "rejection": objection.rejection, "outcome": objection.outcome,
                "removed": objection.removed_star_codes}
    if sub is not None and objection.removed_star_codes:
        barred = vetoed_stars(sub.campaign, sub.branch)
        back = set(sub.proposed_star_codes) | {c for c in objection.removed_star_codes if c not in barred}
        _strike_from_proposal(sub, list(back))
    removed = list(dict.fromkeys(removed_star_codes or []))
    errors = _ruling_errors(objection, sub, ruling, outcome, removed, rejection)
    if errors:
        raise ValidationError(errors)  # the transaction rolls the restored stars back too
    if removed:
        _strike_from_proposal(sub, [c for c in sub.proposed_star_codes if c not in removed])
    now = timezone.now()
    objection.corrections = [*objection.corrections, {**previous, "reason": reason.strip(), "at": now.isoformat(),
                                                      "by": getattr(actor, "pk", None)}]
    objection.status, objection.rejection = ruling, rejection if ruling == ObjectionStatus.REJECTED else ""
    objection.outcome, objection.removed_star_codes = outcome.strip(), removed
    objection.resolved_by, objection.resolved_at = _user(actor), now
    objection.save()
    record(actor, "evaluation.objection.correct", objection, {
        "reason": reason.strip(), "previous": previous, "ruling": ruling, "rejection": objection.rejection,
        "removed": removed, "outcome": outcome.strip(), "proposed_level": sub.proposed_level if sub else None},
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
    waiting = notice.objections.filter(status=ObjectionStatus.OPEN).count()
    if waiting:
        raise ValidationError(_("还有 {n} 条异议未处理（不予受理的也需作出决定），处理完毕后才能命名。").format(n=waiting))
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
        event = record(actor, "evaluation.award", award, {"stars": award.star_codes, "level": award.level},
                       unit_path=sub.branch.path)
        award.audit_seq = event.seq
        award.save(update_fields=["audit_seq"])
        awards.append(award)
    notice.closed_at = timezone.now()
    notice.save(update_fields=["closed_at"])
    record(actor, "evaluation.notice.close", notice, {"awards": len(awards)}, unit_path=notice.campaign.unit.path)
    telling.named(actor, awards)
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
    if category not in RemovalCategory.values or category == RemovalCategory.VETO:
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
    telling.star_removed(actor, award, star_code, description.strip())
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
    if removal.star_code in vetoed_stars(award.campaign, award.branch):
        raise ValidationError(_("该星有生效的一票否决事件，撤销该事件后才能恢复。"))
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




# --- 一票否决 -------------------------------------------------------------------------------------------

def _veto_condition(campaign, branch: OrgUnit, veto_code: str):
    for star in campaign.standard_for(branch).stars.all():
        for veto in star.vetoes.all():
            if veto.code == veto_code:
                return star, veto
    raise ValidationError({"veto_code": _("否决情形“{code}”不属于本支部适用的评星标准。").format(code=veto_code)})


@transaction.atomic
def record_veto(actor, campaign, branch: OrgUnit, *, veto_code: str, occurred_on: dt.date, description: str,
                evidence: str) -> VetoEvent:
    """登记 a veto event. An office records it for the district to confirm; the district admin's record is in
    force at once. Nobody records one against a branch where they hold a branch role."""
    if not policy.may(actor, "branch.review", branch):
        _deny()
    if branch.level not in BRANCH_LEVELS or not branch.path.startswith(campaign.unit.path):
        raise ValidationError(_("只能对本次创建范围内的社区和村登记否决事件。"))
    star, veto = _veto_condition(campaign, branch, veto_code)
    errors = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("发生日期不能晚于今天。")
    if not description.strip():
        errors["description"] = _("请填写情况说明。")
    if not evidence.strip():
        errors["evidence"] = _("请写明佐证材料（如通报文号、案件编号）。")
    if errors:
        raise ValidationError(errors)
    event = VetoEvent.objects.create(campaign=campaign, branch=branch, veto_code=veto.code, star_code=star.code,
                                     occurred_on=occurred_on, description=description.strip(),
                                     evidence=evidence.strip(), recorded_by=_user(actor))
    record(actor, "evaluation.veto.record", event, {"veto": veto.code, "star": star.code,
                                                    "occurred_on": str(occurred_on),
                                                    "description": event.description, "evidence": event.evidence},
           unit_path=branch.path)
    if policy.may(actor, "branch.district_review", branch):
        _put_in_force(actor, event)
    else:
        telling.veto_recorded(actor, event)
    return event


@transaction.atomic
def approve_veto(actor, event: VetoEvent) -> VetoEvent:
    """The district admin confirms an office's record: from now on the star cannot be held."""
    event = VetoEvent.objects.select_for_update(of=("self",)).select_related("campaign", "branch").get(pk=event.pk)
    if not policy.may(actor, "branch.district_review", event.branch):
        _deny()
    if event.status != VetoStatus.PENDING:
        raise ValidationError(_("该否决事件已确认或已撤销。"))
    _put_in_force(actor, event)
    return event


def _put_in_force(actor, event: VetoEvent) -> None:
    """The veto's effects, at once: the proposal in review or notice loses the star, an award loses it (降星,
    linked to this event), the rollups recompute, and the branch and its office are told."""
    event.status, event.approved_by, event.approved_at = VetoStatus.IN_FORCE, _user(actor), timezone.now()
    event.save(update_fields=["status", "approved_by", "approved_at"])
    campaign, branch, star = event.campaign, event.branch, event.star_code
    effects: dict = {}
    sub = Submission.objects.select_for_update(of=("self",)).filter(campaign=campaign, branch=branch).first()
    if sub is not None and sub.status in (S.PROPOSED, S.NOTICE) and star in sub.proposed_star_codes:
        sub.proposed_star_codes, sub.proposed_level = _level(sub, [c for c in sub.proposed_star_codes if c != star])
        sub.version += 1
        sub.save()
        effects["proposed_level"] = sub.proposed_level
    award = Award.objects.select_for_update(of=("self",)).filter(campaign=campaign, branch=branch).first()
    if award is not None and star in award.effective_star_codes:
        before = award.effective_level
        StarRemoval.objects.create(award=award, star_code=star, category=RemovalCategory.VETO,
                                   description=event.description, occurred_on=event.occurred_on,
                                   approved_by=_user(actor), veto=event)
        _refresh_effective(award)
        effects.update(from_level=before, to_level=award.effective_level)
        record(actor, "evaluation.star.remove", award, {"star": star, "category": RemovalCategory.VETO,
                                                        "veto": event.pk, "occurred_on": str(event.occurred_on),
                                                        "from_level": before, "to_level": award.effective_level,
                                                        "description": event.description}, unit_path=branch.path)
    record(actor, "evaluation.veto.approve", event, {"veto": event.veto_code, "star": star, **effects},
           unit_path=branch.path)
    events.branch_changed(campaign.pk, branch.pk, campaign=campaign, unit=branch)
    telling.veto_in_force(actor, event)


@transaction.atomic
def revoke_veto(actor, event: VetoEvent, reason: str) -> VetoEvent:
    """撤销 a veto recorded in error (or not confirmed): the stars it struck from an award come back."""
    event = VetoEvent.objects.select_for_update(of=("self",)).select_related("campaign", "branch").get(pk=event.pk)
    if not policy.may(actor, "branch.district_review", event.branch):
        _deny()
    if event.status == VetoStatus.REVOKED:
        raise ValidationError(_("该否决事件已撤销。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销理由。")})
    was = event.status
    event.status, event.revoked_by, event.revoked_at = VetoStatus.REVOKED, _user(actor), timezone.now()
    event.revoke_reason = reason.strip()
    event.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
    restored = []
    still = vetoed_stars(event.campaign, event.branch)  # another event on the same star keeps it struck
    for removal in event.removals.filter(reinstated_at__isnull=True).exclude(star_code__in=still):
        reinstate_star(actor, removal, _("否决事件撤销：{r}").format(r=reason.strip()))
        restored.append(removal.star_code)
    record(actor, "evaluation.veto.revoke", event, {"from": was, "reason": reason.strip(), "restored": restored},
           unit_path=event.branch.path)
    events.branch_changed(event.campaign_id, event.branch_id, campaign=event.campaign, unit=event.branch)
    return event
