"""Reads for the evaluation pages: one branch's full picture, review queues, awards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from wuxing.core.models import AuditEvent
from wuxing.evaluation import services
from wuxing.evaluation.models import Award, Evidence, Stage, Submission
from wuxing.orgs.models import OrgUnit
from wuxing.standards.engine import Evaluation, evaluate


@dataclass
class IndicatorRow:
    indicator: object
    self_result: object
    office_result: object
    evidence: list


@dataclass
class StarBlock:
    star: object
    rows: list[IndicatorRow]
    met_self: bool
    reasons: tuple
    decision: object


def branch_picture(campaign, branch: OrgUnit, sub: Submission, values: dict | None = None):
    """Stars → indicators with each stage's result and the evidence; the engine over the self results."""
    standard = campaign.standard_for(branch)
    own = services.stage_results(campaign, branch, Stage.SELF)
    office = services.stage_results(campaign, branch, Stage.OFFICE)
    files = defaultdict(list)
    for ev in Evidence.objects.filter(campaign=campaign, branch=branch).order_by("-uploaded_at"):
        files[ev.indicator_code].append(ev)
    values = values if values is not None else {code: r.value() for code, r in own.items()}
    evaluation: Evaluation = evaluate(standard.spec(), values)
    decisions = {d.star_code: d for d in sub.decisions.select_related("decided_by")} if sub.pk else {}
    blocks = []
    for star in standard.stars.all():
        outcome = evaluation.outcome(star.code)
        rows = [IndicatorRow(i, own.get(i.code), office.get(i.code), files.get(i.code, [])) for i in star.indicators.all()]
        blocks.append(StarBlock(star, rows, outcome.met, outcome.reasons, decisions.get(star.code)))
    return standard, blocks, evaluation


def submissions_in_scope(user, campaign, status: str = "") -> QuerySet[Submission]:
    subs = Submission.objects.for_user(user).filter(campaign=campaign).select_related("branch__parent")
    if status:
        subs = subs.filter(status=status)
    return subs.order_by("branch__path")


def status_counts(user, campaign) -> Counter:
    return Counter(Submission.objects.for_user(user).filter(campaign=campaign).values_list("status", flat=True))


def awards_in_scope(user, campaign) -> QuerySet[Award]:
    return Award.objects.for_user(user).filter(campaign=campaign).select_related("branch__parent").order_by(
        "-effective_level", "branch__path")


def branch_history(user, branch: OrgUnit) -> QuerySet[AuditEvent]:
    """Audit events about a branch, for people who can see the branch."""
    return AuditEvent.objects.filter(unit_path__startswith=branch.path).order_by("-seq")
