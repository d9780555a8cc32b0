"""State changes of the competition: pairings, highlights, rewards/penalties, judged contests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.contest.models import (
    Contest,
    Criterion,
    Entry,
    FlagAward,
    FlagKind,
    Highlight,
    HighlightPhoto,
    Judge,
    Pairing,
    PairingActivity,
    Sanction,
    SanctionKind,
    Score,
)
from wuxing.core import policy, versions
from wuxing.core.audit import record
from wuxing.core.files import store_checked
from wuxing.core.levels import star_level
from wuxing.core.roles import BRANCH_LEVELS, Level, Role
from wuxing.evaluation.selectors import current_levels
from wuxing.orgs.models import OrgUnit

DISTRICT = frozenset({Role.DISTRICT_ADMIN})


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _need(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("您没有权限执行此操作。"))


def _branches(units) -> None:
    if any(u.level not in BRANCH_LEVELS for u in units):
        raise ValidationError(_("只能选择社区或村。"))


def _check_pairing_rule(campaign, mentor: OrgUnit, mentees: list[OrgUnit]) -> None:
    """五星带四星: the mentor holds at least the campaign's mentor level now, and every mentee fewer stars
    than the mentor (current levels, the one rule of evaluation.selectors)."""
    levels = current_levels(campaign, [mentor, *mentees])
    need, has = campaign.pairing_mentor_level, levels[mentor.pk].level
    if has < need:
        raise ValidationError({"mentor": _("帮带支部须达到{need}，{name}现为{has}。").format(
            need=star_level(need), name=mentor.name, has=star_level(has))})
    too_strong = [m.name for m in mentees if levels[m.pk].level >= has]
    if too_strong:
        raise ValidationError({"mentees": _("结对支部的星级须低于帮带支部（{has}）：{names}。").format(
            has=star_level(has), names="、".join(too_strong))})


@transaction.atomic
def create_pairing(actor, campaign, mentor: OrgUnit, mentees: list[OrgUnit], goals: str) -> Pairing:
    """五星带四星: an admin over all the branches pairs a mentor with its mentees."""
    _branches([mentor, *mentees])
    _need(all(policy.may(actor, "area.manage", u) for u in [mentor, *mentees]))
    if not mentees or mentor in mentees:
        raise ValidationError({"mentees": _("请选择帮带支部以外的结对支部。")})
    if not goals.strip():
        raise ValidationError({"goals": _("请填写结对目标。")})
    _check_pairing_rule(campaign, mentor, mentees)
    pairing = Pairing.objects.create(campaign=campaign, mentor=mentor, goals=goals.strip(), created_by=_user(actor))
    pairing.mentees.set(mentees)
    record(actor, "contest.pairing.create", pairing, {"mentor": mentor.code, "mentees": [m.code for m in mentees]},
           unit_path=mentor.path)
    return pairing


@transaction.atomic
def add_pairing_activity(actor, pairing: Pairing, on: dt.date, content: str) -> PairingActivity:
    units = [pairing.mentor, *pairing.mentees.all()]
    _need(any(policy.may(actor, "branch.work", u) for u in units))
    if not content.strip():
        raise ValidationError({"content": _("请填写活动内容。")})
    activity = PairingActivity.objects.create(pairing=pairing, on=on, content=content.strip(), created_by=_user(actor))
    record(actor, "contest.pairing.activity", pairing, {"on": str(on)}, unit_path=pairing.mentor.path)
    return activity


@transaction.atomic
def create_highlight(actor, campaign, branch: OrgUnit, *, title: str, story: str, star_codes: list[str] | None = None,
                     indicator_codes: list[str] | None = None) -> Highlight:
    _branches([branch])
    _need(policy.may(actor, "branch.work", branch))
    standard = campaign.standard_for(branch)
    valid_stars = {s.code for s in standard.stars.all()}
    valid_inds = {i.code for s in standard.stars.all() for i in s.indicators.all()}
    if set(star_codes or []) - valid_stars or set(indicator_codes or []) - valid_inds:
        raise ValidationError(_("所选的星或指标不属于本支部适用的标准。"))
    if not title.strip() or not story.strip():
        raise ValidationError(_("请填写标题和事迹。"))
    h = Highlight.objects.create(campaign=campaign, branch=branch, title=title.strip(), story=story.strip(),
                                 star_codes=list(star_codes or []), indicator_codes=list(indicator_codes or []),
                                 created_by=_user(actor))
    record(actor, "contest.highlight.create", h, {"title": h.title}, unit_path=branch.path)
    return h


@transaction.atomic
def feature_highlight(actor, highlight: Highlight, featured: bool) -> Highlight:
    """The district picks which highlights it showcases."""
    _need(policy.may(actor, "campaign.manage", highlight.campaign.unit))
    highlight.featured = featured
    highlight.save(update_fields=["featured"])
    record(actor, "contest.highlight.feature", highlight, {"featured": featured}, unit_path=highlight.branch.path)
    return highlight


@transaction.atomic
def add_highlight_photo(actor, highlight: Highlight, name: str, data: bytes) -> HighlightPhoto:
    _need(policy.may(actor, "branch.work", highlight.branch))
    return store_checked(HighlightPhoto(highlight=highlight), name, data, images_only=True)


@transaction.atomic
def record_sanction(actor, campaign, *, kind: str, unit: OrgUnit, reason: str, decided_on: dt.date, person: str = "",
                    amount: Decimal | None = None, note: str = "") -> Sanction:
    """奖惩: recorded by an administrator over the unit."""
    _need(policy.may(actor, "area.manage", unit))
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("请选择奖励或惩戒。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写事由。")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("金额不能为负数。")})
    s = Sanction.objects.create(campaign=campaign, kind=kind, unit=unit, person=person.strip(), reason=reason.strip(),
                                decided_on=decided_on, amount=amount, note=note.strip(), decided_by=_user(actor))
    record(actor, "contest.sanction.create", s, {"kind": kind, "unit": unit.code, "reason": s.reason,
                                                 "amount": str(amount) if amount is not None else None},
           unit_path=unit.path)
    return s


@transaction.atomic
def create_contest(actor, campaign, unit: OrgUnit, *, kind: str, title: str, held_on: dt.date, drop_extremes: bool,
                   criteria: list[tuple[str, Decimal]], judges: list[str], entries: list[OrgUnit]) -> Contest:
    """An event with its criteria (e.g. 内容 40, 语言 30, 整体印象 20, 时间 10), judges and entrant branches."""
    _need(policy.may(actor, "area.manage", unit))
    _branches(entries)
    if not all(e.path.startswith(unit.path) for e in entries):
        raise ValidationError({"entries": _("参赛支部须在组织单位范围内。")})
    if not criteria or not judges or not entries:
        raise ValidationError(_("请至少填写一个评分项、一位评委和一个参赛支部。"))
    if any(points <= 0 for _n, points in criteria):
        raise ValidationError({"criteria": _("评分项的分值必须大于 0。")})
    contest = Contest.objects.create(campaign=campaign, unit=unit, kind=kind, title=title.strip(), held_on=held_on,
                                     drop_extremes=drop_extremes)
    Criterion.objects.bulk_create([Criterion(contest=contest, name=n.strip(), max_points=p, order=i)
                                   for i, (n, p) in enumerate(criteria)])
    Judge.objects.bulk_create([Judge(contest=contest, name=n.strip()) for n in judges])
    Entry.objects.bulk_create([Entry(contest=contest, branch=b) for b in entries])
    record(actor, "contest.contest.create", contest, {"title": contest.title, "entries": len(entries)},
           unit_path=unit.path)
    return contest


@transaction.atomic
def record_scores(actor, contest: Contest, judge: Judge, scores: dict[tuple[int, int], str]) -> int:
    """One judge's scores: (entry id, criterion id) → points, each within 0..the criterion's maximum."""
    _need(policy.may(actor, "area.manage", contest.unit))
    entries = {e.pk: e for e in contest.entries.all()}
    criteria = {c.pk: c for c in contest.criteria.all()}
    errors = []
    clean = {}
    for (entry_id, criterion_id), raw in scores.items():
        if entry_id not in entries or criterion_id not in criteria:
            raise ValidationError(_("评分项或参赛支部不属于本赛事。"))
        if raw in (None, ""):
            continue
        try:
            points = Decimal(str(raw))
        except InvalidOperation:
            errors.append(_("“{v}”不是有效分数。").format(v=raw))
            continue
        criterion = criteria[criterion_id]
        if not 0 <= points <= criterion.max_points:
            errors.append(_("{branch}“{name}”得分应在 0 到 {max} 之间。").format(
                branch=entries[entry_id].branch.name, name=criterion.name, max=criterion.max_points))
            continue
        clean[(entry_id, criterion_id)] = points
    if errors:
        raise ValidationError(errors)
    for (entry_id, criterion_id), points in clean.items():
        Score.objects.update_or_create(entry_id=entry_id, judge=judge, criterion_id=criterion_id,
                                       defaults={"points": points})
    record(actor, "contest.scores", contest, {"judge": judge.name, "scores": len(clean)}, unit_path=contest.unit.path)
    return len(clean)


def contest_results(contest: Contest):
    """Entries ranked by the contest rule, from one query of scores."""
    from collections import defaultdict

    from wuxing.rollups.rules import contest_results as rank

    totals = defaultdict(lambda: defaultdict(Decimal))
    for entry_id, judge_id, points in Score.objects.filter(entry__contest=contest).values_list("entry_id", "judge_id",
                                                                                              "points"):
        totals[entry_id][judge_id] += points
    entries = {e.pk: e for e in contest.entries.select_related("branch")}
    results = rank({e: list(totals[e].values()) for e in entries}, contest.drop_extremes)
    return [(r, entries[r.key]) for r in results]


# --- 摘星夺旗 conferred, 三级争创 nominated ----------------------------------------------------------------

def period_start(campaign, period: str) -> dt.date | None:
    periods = dict(campaign.flag_periods())
    if period not in periods:
        return None
    if "-Q" in period:
        return dt.date(campaign.year, 3 * int(period[-1]) - 2, 1)
    return dt.date(campaign.year, 1, 1)


def periods_begun(campaign, today: dt.date | None = None) -> list[str]:
    """The campaign's flag periods that have begun (a flag is conferred only for one of them)."""
    today = today or timezone.localdate()
    return [p for p, _label in campaign.flag_periods() if period_start(campaign, p) <= today]


def next_flag_step(awards: list[FlagAward], won: bool) -> str | None:
    """What the district admin may do next for an office and period, given its conferred records: confer the
    flag (when won), then nominate it upward, then nothing. confer_flag refuses everything else."""
    live = {a.kind for a in awards if a.revoked_at is None}
    if FlagKind.NOMINATION in live:
        return None
    if FlagKind.FLAG in live:
        return FlagKind.NOMINATION
    return FlagKind.FLAG if won else None


def flag_inputs(campaign, office: OrgUnit) -> tuple[object, dict]:
    """The flag rule over the office's active branches now, and the inputs to freeze with a conferral."""
    from wuxing.rollups import rules
    from wuxing.rollups.metrics import metrics_for

    branches = list(OrgUnit.objects.filter(parent=office, level__in=BRANCH_LEVELS, is_active=True).order_by("path"))
    metrics = metrics_for(campaign, branches)
    result = rules.flag([m.level for m in metrics], campaign.flag_min_level, float(campaign.flag_min_share),
                        campaign.flag_allow_zero)
    return result, {
        "branches": [[m.branch.pk, m.branch.name, m.level] for m in metrics], "total": result.total,
        "at_or_above": result.at_or_above, "zeros": result.zeros, "share": round(result.share, 4),
        "min_level": result.min_level, "min_share": result.min_share, "allow_zero": result.allow_zero,
        "won": result.won, "reasons": result.reasons}


@transaction.atomic
def confer_flag(actor, campaign, office: OrgUnit, period: str, kind: str = FlagKind.FLAG, note: str = "") -> FlagAward:
    """授旗 by the district admin: the office's computed result for the period, frozen as it is now. The
    nomination upward (三级争创) follows a flag conferred for the same period and is recorded the same way."""
    _need(policy.may(actor, "campaign.manage", campaign.unit))
    if office.level != Level.OFFICE or not office.path.startswith(campaign.unit.path):
        raise ValidationError({"office": _("请选择本次创建范围内的办事处（乡镇、街道）。")})
    start = period_start(campaign, period)
    if start is None:
        raise ValidationError({"period": _("本年度的授旗周期中没有“{p}”。").format(p=period)})
    if start > timezone.localdate():
        raise ValidationError({"period": _("该周期尚未开始，不能授旗。")})
    if kind not in FlagKind.values:
        raise ValidationError({"kind": _("请选择授旗或推荐。")})
    live = FlagAward.objects.select_for_update().filter(campaign=campaign, office=office, period=period,
                                                        revoked_at__isnull=True)
    if live.filter(kind=kind).exists():
        raise ValidationError(_("{o}{p}已{k}，如需重新授予请先撤销。").format(
            o=office.name, p=dict(campaign.flag_periods())[period], k=FlagKind(kind).label))
    if kind == FlagKind.NOMINATION and not live.filter(kind=FlagKind.FLAG).exists():
        raise ValidationError(_("先授旗，才能推荐参加上级争创。"))
    result, inputs = flag_inputs(campaign, office)
    if kind == FlagKind.FLAG and not result.won:
        raise ValidationError(_("{o}未达到夺旗条件：{r}").format(o=office.name, r="；".join(result.reasons)))
    award = FlagAward.objects.create(campaign=campaign, office=office, kind=kind, period=period, inputs=inputs,
                                     note=note.strip()[:300], conferred_by=_user(actor))
    versions.touch(campaign.unit_id)  # the flags page is cached under the campaign unit's number
    record(actor, f"contest.flag.{'confer' if kind == FlagKind.FLAG else 'nominate'}", award,
           {"office": office.code, "period": period, "inputs": inputs}, unit_path=office.path)
    return award


@transaction.atomic
def revoke_flag(actor, award: FlagAward, reason: str) -> FlagAward:
    """撤销 a conferred flag (and the nomination that rested on it), with a reason."""
    award = FlagAward.objects.select_for_update(of=("self",)).select_related("campaign__unit", "office").get(pk=award.pk)
    _need(policy.may(actor, "campaign.manage", award.campaign.unit))
    if award.revoked_at is not None:
        raise ValidationError(_("已撤销。"))
    if not reason.strip():
        raise ValidationError({"reason": _("撤销时请写明理由。")})
    now = timezone.now()
    taken = [award]
    if award.kind == FlagKind.FLAG:
        taken += list(FlagAward.objects.select_for_update().filter(
            campaign=award.campaign, office=award.office, period=award.period, kind=FlagKind.NOMINATION,
            revoked_at__isnull=True))
    for a in taken:
        a.revoked_at, a.revoked_by, a.revoke_reason = now, _user(actor), reason.strip()
        a.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record(actor, "contest.flag.revoke", a, {"office": a.office.code, "period": a.period, "kind": a.kind,
                                                 "reason": reason.strip()}, unit_path=a.office.path)
    versions.touch(award.campaign.unit_id)  # the flags page is cached under the campaign unit's number
    return award
