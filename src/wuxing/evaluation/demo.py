"""Demo review chain: branches at every stage — claimed, returned, with the district, proposed,
in an open public notice (with an objection), and named last month (one later lost a star)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wuxing.core.roles import BRANCH_LEVELS
from wuxing.evaluation import services
from wuxing.evaluation.models import Award, Objection, PublicNotice, StarRemoval, Submission
from wuxing.orgs.models import OrgUnit
from wuxing.standards.engine import evaluate

LEAVE_AT_DRAFT = {"JK0101"}  # demo_branch's community: the visitor fills in the self-assessment
HOTLINE = "0371-66001234"
PLAN = ["awarded"] * 6 + ["notice"] * 6 + ["proposed"] * 3 + ["district"] * 4 + ["returned"] * 3 + ["office"] * 4


def load(actor, campaign) -> None:
    today = timezone.localdate()
    eligible = []
    for branch in OrgUnit.objects.filter(level__in=BRANCH_LEVELS, path__startswith=campaign.unit.path).order_by("path"):
        if branch.code in LEAVE_AT_DRAFT:
            continue
        ev = evaluate(campaign.standard_for(branch).spec(), services.self_values(campaign, branch))
        met = [o.code for o in ev.stars if o.met]
        if met:
            eligible.append((branch, met))
    stages = dict(zip([b.pk for b, _ in eligible], PLAN))

    def take(stage):
        return [(b, met) for b, met in eligible if stages.get(b.pk) == stage]

    # Everyone in the chain claims what the self-assessment meets.
    subs = {b.pk: services.submit_claim(actor, campaign, b, met, confirmed=True) for b, met in eligible if b.pk in stages}
    for b, _met in take("returned"):
        first = campaign.standard_for(b).stars.first().indicators.first()
        services.office_review(actor, subs[b.pk], {first.code: (False, "佐证材料不完整，请补充会议记录和照片")})
        services.office_return(actor, subs[b.pk], f"请补充指标 {first.code} 的台账资料后重新申报。")
    for b, _met in [x for s in ("district", "proposed", "notice", "awarded") for x in take(s)]:
        sub = subs[b.pk]
        standard = campaign.standard_for(b)
        services.office_review(actor, sub, {i.code: (True, "") for s in standard.stars.all()
                                            if s.code in sub.claimed_star_codes for i in s.indicators.all()})
        subs[b.pk] = services.office_pass(actor, sub, "经初审，同意上报。")

    def decide_and_finalize(batch, fail_first=False):
        for i, (b, _met) in enumerate(batch):
            sub = subs[b.pk]
            for j, code in enumerate(sub.office_star_codes):
                failed = fail_first and i == 0 and j == len(sub.office_star_codes) - 1 and j > 0
                services.district_decide(actor, sub, code, not failed, "材料不足，未达标" if failed else "")
            subs[b.pk] = services.district_finalize(actor, sub)

    decide_and_finalize(take("awarded"), fail_first=True)
    then = today - dt.timedelta(days=40)
    old = services.publish_notice(actor, campaign, f"{campaign.year}年度“五星”支部拟命名名单公示（第一批）", then,
                                  today=then, hotline=HOTLINE)
    target = Submission.objects.filter(notice=old).first()
    objection = _objection(old, target)
    services.resolve_objection(actor, objection, ruling="dismissed", outcome="经核查，所反映问题已于上半年整改到位，异议不成立。")
    named_on = old.ends_on + dt.timedelta(days=1)
    awards = services.close_notice(actor, old, today=named_on)
    # The first batch happened weeks ago: its records carry the days they happened on, in their order
    # (published, objected, answered, named), not the day the demo was loaded.
    _dated(PublicNotice.objects.filter(pk=old.pk), published_at=_at(then, 9), closed_at=_at(named_on, 10))
    _dated(Objection.objects.filter(pk=objection.pk), created_at=_at(then + dt.timedelta(days=1), 15),
           resolved_at=_at(then + dt.timedelta(days=3), 11))
    _dated(Award.objects.filter(pk__in=[a.pk for a in awards]), awarded_at=_at(named_on, 10))
    if awards:
        award = awards[0]
        star = award.effective_star_codes[-1]
        services.remove_star(actor, award, star_code=star, category="accident",
                             description="辖区内发生一起造成人员受伤的安全生产事故，按规定撤销该星。",
                             occurred_on=today - dt.timedelta(days=10))
        _dated(StarRemoval.objects.filter(award=award), created_at=_at(today - dt.timedelta(days=8), 16))
    decide_and_finalize(take("notice"))
    current = services.publish_notice(actor, campaign, f"{campaign.year}年度“五星”支部拟命名名单公示（第二批）", today,
                                      hotline=HOTLINE)
    _objection(current, Submission.objects.filter(notice=current).last())
    decide_and_finalize(take("proposed"))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _dated(rows, **stamps) -> None:
    """Seed data only: the time stamps of a replayed past (the services stamp `now`)."""
    rows.update(**stamps)


def _objection(notice, sub):
    """A demo objection, created directly: the first notice is already past its objection period."""
    return Objection.objects.create(notice=notice, submission=sub, name="张女士", contact="138****6677",
                                    content="反映该支部网格员入户走访不到位，请核实。")
