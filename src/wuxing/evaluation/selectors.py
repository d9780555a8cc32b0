"""Reads for the evaluation pages: one branch's full picture, review queues, awards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet, TextField
from django.db.models.functions import Cast

from wuxing.core.models import AuditEvent
from wuxing.core.roles import Kind
from wuxing.evaluation import services
from wuxing.evaluation.models import (
    STAGE_ORDER,
    Award,
    Evidence,
    IndicatorResult,
    Stage,
    Submission,
    SubmissionStatus,
)
from wuxing.orgs.models import OrgUnit
from wuxing.standards.engine import Evaluation, evaluate


def latest_results(campaign, branch_ids: list[int]) -> dict[int, dict[str, bool | float | None]]:
    """Per branch, the results of its most advanced assessment stage that has any (district > office > self)."""
    rank = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    rows = IndicatorResult.objects.filter(assessment__campaign=campaign, assessment__branch_id__in=branch_ids).values_list(
        "assessment__branch_id", "assessment__stage", "indicator_code", "met", "points")
    by_stage: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for branch_id, stage, code, met, points in rows:
        by_stage[branch_id][stage][code] = points if points is not None else met
    return {branch_id: stages[max(stages, key=lambda s: rank[s])] for branch_id, stages in by_stage.items()}


def evaluations(campaign, branches: list[OrgUnit]) -> dict[int, Evaluation]:
    """The star engine over each branch's latest results."""
    results = latest_results(campaign, [b.pk for b in branches])
    specs = {kind: campaign.standard_for_kind(kind).spec() for kind in (Kind.URBAN, Kind.RURAL)}
    vetoes = services.vetoes_in_force(campaign)
    return {b.pk: evaluate(specs[Kind.URBAN if b.kind == Kind.URBAN else Kind.RURAL], results.get(b.pk, {}),
                           vetoes.get(b.pk, frozenset())) for b in branches}


@dataclass(frozen=True)
class CurrentLevel:
    level: int
    stars: tuple[str, ...]
    named: bool  # from an award (命名, after any removals) rather than an assessment


def current_levels(campaign, branches: list[OrgUnit]) -> dict[int, CurrentLevel]:
    """The one rule for a branch's current level, used by every page, export, API answer and rollup: once
    named, its award's effective level (after 降星/撤星); before, the star engine over its most advanced
    assessment (自评/初审/审核). Two queries plus one for the unnamed branches' results."""
    ids = [b.pk for b in branches]
    out = {a.branch_id: CurrentLevel(a.effective_level, tuple(a.effective_star_codes), True)
           for a in Award.objects.filter(campaign=campaign, branch_id__in=ids).only(
               "branch_id", "effective_level", "effective_star_codes")}
    evals = evaluations(campaign, [b for b in branches if b.pk not in out])
    out.update({pk: CurrentLevel(ev.level, tuple(ev.held), False) for pk, ev in evals.items()})
    return out


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
    vetoed: list  # the veto conditions in force against this star (their texts)


def branch_picture(campaign, branch: OrgUnit, sub: Submission, values: dict | None = None):
    """Stars → indicators with each stage's result and the evidence; the engine over the self results."""
    standard = campaign.standard_for(branch)
    own = services.stage_results(campaign, branch, Stage.SELF)
    office = services.stage_results(campaign, branch, Stage.OFFICE)
    files = defaultdict(list)
    for ev in Evidence.objects.filter(campaign=campaign, branch=branch).order_by("-uploaded_at"):
        files[ev.indicator_code].append(ev)
    values = values if values is not None else {code: r.value() for code, r in own.items()}
    in_force = services.vetoes_at(campaign, branch)
    evaluation: Evaluation = evaluate(standard.spec(), values, in_force)
    decisions = {d.star_code: d for d in sub.decisions.select_related("decided_by")} if sub.pk else {}
    blocks = []
    for star in standard.stars.all():
        outcome = evaluation.outcome(star.code)
        rows = [IndicatorRow(i, own.get(i.code), office.get(i.code), files.get(i.code, [])) for i in star.indicators.all()]
        blocks.append(StarBlock(star, rows, outcome.met, outcome.reasons, decisions.get(star.code),
                                [v.text for v in star.vetoes.all() if v.code in in_force]))
    return standard, blocks, evaluation


def veto_events(user, campaign, branch: OrgUnit | None = None) -> QuerySet:
    """The veto register (一票否决事件) in the user's scope, newest first."""
    from wuxing.evaluation.models import VetoEvent

    qs = VetoEvent.objects.for_user(user).filter(campaign=campaign).select_related(
        "branch__parent", "recorded_by", "approved_by", "revoked_by")
    return qs.filter(branch=branch) if branch is not None else qs


# Past the office, a star is in the review if the office passed it; before, if the branch claimed it.
_OFFICE_PASSED = {SubmissionStatus.DISTRICT, SubmissionStatus.PROPOSED, SubmissionStatus.NOTICE, SubmissionStatus.AWARDED}


def submissions_in_scope(user, campaign, status: str = "", *, q: str = "", office: int | None = None,
                         star: str = "") -> QuerySet[Submission]:
    """The queue: the submissions one sees, by status, branch name (`q`), office and star."""
    subs = Submission.objects.for_user(user).filter(campaign=campaign).select_related("branch__parent")
    if status:
        subs = subs.filter(status=status)
    if q:
        subs = subs.filter(branch__name__icontains=q)
    if office:
        subs = subs.filter(branch__parent_id=office)
    if star:
        # Codes are stored as a JSON list; its text holds '"code"' exactly when the list does (both databases).
        field = "office_star_codes" if status in _OFFICE_PASSED else "claimed_star_codes"
        subs = subs.annotate(_codes=Cast(field, TextField())).filter(_codes__contains=f'"{star}"')
    return subs.order_by("branch__path")


def status_counts(user, campaign) -> Counter:
    """Submissions the user sees per status, counted by the database (a province has 51,000)."""
    return Counter(dict(Submission.objects.for_user(user).filter(campaign=campaign).order_by().values_list(
        "status").annotate(n=Count("pk")).values_list("status", "n")))


def awards_in_scope(user, campaign) -> QuerySet[Award]:
    return Award.objects.for_user(user).filter(campaign=campaign).select_related("branch__parent").order_by(
        "-effective_level", "branch__path")


def branch_history(user, branch: OrgUnit) -> QuerySet[AuditEvent]:
    """Audit events about a branch, for people who can see the branch."""
    return AuditEvent.objects.filter(unit_path__startswith=branch.path).order_by("-seq")
