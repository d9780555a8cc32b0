"""待办: what each of a user's roles has to do now, counted, each with the page where it is done. The same
list backs the home page and `GET /api/v1/me/todo/`. Every count starts from the policy (`for_user`) or
from the user's own grants; nothing here changes state."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.activities.models import Activity
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import current_campaign, star_names
from wuxing.casefiles import services as casefiles
from wuxing.casefiles.models import (
    CampaignStatus,
    CaseFile,
    DateProposal,
    DateStatus,
    Rectification,
    ReviewCampaign,
    SampledFile,
    SheetStatus,
)
from wuxing.core import weeks
from wuxing.core.roles import BRANCH_LEVELS, BRANCH_ROLES, Level, Role
from wuxing.creation.models import PlanTask, Target, TargetStatus, TaskStatus
from wuxing.evaluation.models import (
    Award,
    Evidence,
    Objection,
    ObjectionStatus,
    PublicNotice,
    StarDecision,
    Submission,
    SubmissionStatus,
    VetoEvent,
    VetoStatus,
)
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment
from wuxing.rollups import selectors as rollups
from wuxing.weekly.models import ReportStatus, WeeklyReport


@dataclass
class Item:
    key: str  # stable name for API clients
    label: str
    count: int
    url: str
    urgent: bool = False
    detail: str = ""


@dataclass
class LeaderRow:
    branch: OrgUnit
    report: str  # this week's report, in words
    report_url: str
    stage: str
    level: int | None
    overdue: int
    activities: list
    url: str


@dataclass
class Section:
    title: str
    role: str
    items: list[Item] = field(default_factory=list)
    rows: list[LeaderRow] = field(default_factory=list)  # the leader's branches

    @property
    def open(self) -> int:
        return sum(i.count for i in self.items if i.count)


def due_week(campaign: Campaign, now: dt.datetime) -> tuple[int, int]:
    """The week whose report is due next: last week until its deadline (Monday noon), then this week."""
    today = timezone.localtime(now).date()
    last = weeks.week_of(today - dt.timedelta(days=7))
    return last if now <= campaign.weekly_due(*last) else weeks.week_of(today)


def closed_week(campaign: Campaign, now: dt.datetime) -> tuple[int, int]:
    """The latest week whose deadline has passed: a branch without its report is late for it."""
    today = timezone.localtime(now).date()
    last = weeks.week_of(today - dt.timedelta(days=7))
    return last if now > campaign.weekly_due(*last) else weeks.week_of(today - dt.timedelta(days=14))


def todo(user, now: dt.datetime | None = None) -> list[Section]:
    """Every section of the user's to-do, one per role grant (the leader's is one for all their branches)."""
    now = now or timezone.now()
    grants = list(RoleAssignment.objects.filter(user=user, unit__is_active=True).select_related("unit")
                  .order_by("role", "unit__path"))
    roles = {g.role for g in grants}
    star = current_campaign(user) if roles & {Role.DISTRICT_ADMIN, Role.STAR_REVIEWER, Role.OFFICE_ADMIN,
                                               Role.LEADER, *BRANCH_ROLES} else None
    sections: list[Section] = []
    for grant in grants:
        role, unit = grant.role, grant.unit
        if role in BRANCH_ROLES and star:
            sections.append(_branch(user, star, unit, now, grant.get_role_display()))
        elif role == Role.OFFICE_ADMIN and star:
            sections.append(_office(user, star, unit, now))
        elif role == Role.DISTRICT_ADMIN and star:
            sections.append(_district(user, star, unit, now))
        elif role == Role.STAR_REVIEWER and star:
            sections.append(_reviewer(user, star, grant))
        elif role == Role.CASEFILE_ORGANISER:
            sections.append(_organiser(user, unit))
        elif role == Role.CASEFILE_REVIEWER:
            sections.append(_casefile_reviewer(user, unit))
        elif role == Role.REVIEWED_UNIT:
            sections.append(_reviewed_unit(user, unit))
    if Role.LEADER in roles and star:
        sections.append(_leader(user, star, now))
    return sections


# --- the branch ---------------------------------------------------------------------------------------

def _branch(user, campaign: Campaign, branch: OrgUnit, now: dt.datetime, role_name: str) -> Section:
    section = Section(f"{branch.name} · {role_name}", "branch")
    y, w = due_week(campaign, now)
    due = campaign.weekly_due(y, w)
    reports = {(r.iso_year, r.iso_week): r for r in WeeklyReport.objects.filter(campaign=campaign, branch=branch)
               .filter(Q(status=ReportStatus.RETURNED) | Q(iso_year=y, iso_week=w))}
    report = reports.get((y, w))
    report_url = reverse("weekly:report", args=[campaign.pk, branch.pk, y, w])
    if report is None or report.submitted_at is None and report.status != ReportStatus.RETURNED:
        section.items.append(Item("weekly_due", _("{week}动态待报送（截止 {due}）").format(
            week=weeks.label(y, w), due=timezone.localtime(due).strftime("%m-%d %H:%M")), 1, report_url,
            urgent=now > due))
    else:
        section.items.append(Item("weekly_due", _("{week}动态已报送").format(week=weeks.label(y, w)), 0, report_url))
    cy, cw = closed_week(campaign, now)
    if not WeeklyReport.objects.filter(campaign=campaign, branch=branch, iso_year=cy, iso_week=cw,
                                       submitted_at__isnull=False).exists() and (
            weeks.week_start(cy, cw) + dt.timedelta(days=6) >= campaign.weekly_start):
        section.items.append(Item("weekly_late", _("{week}动态逾期未报送，请尽快补报").format(week=weeks.label(cy, cw)), 1,
                                  reverse("weekly:report", args=[campaign.pk, branch.pk, cy, cw]), urgent=True))
    returned = [r for r in reports.values() if r.status == ReportStatus.RETURNED]
    section.items.append(Item("weekly_returned", _("被退回待修改的周动态"), len(returned),
                              reverse("weekly:report", args=[campaign.pk, branch.pk, returned[0].iso_year,
                                                             returned[0].iso_week]) if returned else report_url,
                              urgent=bool(returned)))
    workspace = reverse("creation:branch", args=[campaign.pk, branch.pk])
    target = Target.objects.filter(campaign=campaign, branch=branch).only("status").first()
    if target is None or target.status == TargetStatus.DRAFT:
        section.items.append(Item("target_draft", _("争创目标待填写提交"), 1, workspace))
    elif target.status == TargetStatus.RETURNED:
        section.items.append(Item("target_returned", _("争创目标被退回，待修改"), 1, workspace, urgent=True))
    overdue = PlanTask.objects.filter(campaign=campaign, branch=branch, status=TaskStatus.OVERDUE).count()
    section.items.append(Item("tasks_overdue", _("逾期的创建任务"), overdue, workspace + "#plan", urgent=bool(overdue)))
    sub = Submission.objects.filter(campaign=campaign, branch=branch).first()
    evaluation_url = reverse("evaluation:branch", args=[campaign.pk, branch.pk])
    if sub is not None and sub.status == SubmissionStatus.RETURNED:
        section.items.append(Item("claim_returned", _("申报被退回，待修改"), 1, evaluation_url, urgent=True))
    if sub is not None and sub.claimed_star_codes and sub.status not in (SubmissionStatus.AWARDED,):
        standard = campaign.standard_for(branch)
        wanted = {i.code for s in standard.stars.all() if s.code in sub.claimed_star_codes for i in s.indicators.all()}
        have = set(Evidence.objects.filter(campaign=campaign, branch=branch).values_list("indicator_code", flat=True))
        section.items.append(Item("evidence_missing", _("申报的指标还没有台账资料"), len(wanted - have),
                                  reverse("evaluation:evidence", args=[campaign.pk, branch.pk])))
    return section


# --- the office -----------------------------------------------------------------------------------------

def _missing(campaign: Campaign, root: OrgUnit, week: tuple[int, int]) -> dict[int, list[OrgUnit]]:
    """Office id -> its active branches without a submitted report of `week`."""
    branches = list(OrgUnit.objects.filter(level__in=BRANCH_LEVELS, is_active=True, path__startswith=root.path)
                    .only("pk", "name", "parent_id", "path"))
    submitted = set(WeeklyReport.objects.filter(campaign=campaign, iso_year=week[0], iso_week=week[1],
                                                submitted_at__isnull=False, branch__path__startswith=root.path)
                    .values_list("branch_id", flat=True))
    out: dict[int, list[OrgUnit]] = defaultdict(list)
    for b in branches:
        if b.pk not in submitted:
            out[b.parent_id].append(b)
    return out


def _names(units: list[OrgUnit], limit: int = 12) -> str:
    return "、".join(u.name for u in units[:limit]) + ("等" if len(units) > limit else "")


def _office(user, campaign: Campaign, office: OrgUnit, now: dt.datetime) -> Section:
    section = Section(f"{office.name} · {_('办事处管理员')}", "office")
    inside = {"branch__path__startswith": office.path}
    targets = Target.objects.for_user(user).filter(campaign=campaign, status=TargetStatus.SUBMITTED, **inside).count()
    matrix = reverse("creation:office", args=[campaign.pk, office.pk])
    section.items.append(Item("targets_to_confirm", _("待确认的争创目标"), targets, matrix + "?status=submitted"))
    y, w = due_week(campaign, now)
    rollup = reverse("weekly:rollup", args=[campaign.pk, office.pk, y, w])
    reports = WeeklyReport.objects.filter(campaign=campaign, status=ReportStatus.SUBMITTED, **inside).count()
    section.items.append(Item("reports_to_accept", _("待采用的周动态"), reports,
                              reverse("weekly:office", args=[campaign.pk, office.pk])))
    claims = Submission.objects.for_user(user).filter(campaign=campaign, status=SubmissionStatus.OFFICE, **inside).count()
    section.items.append(Item("claims_to_review", _("待初审的评星申报"), claims,
                              reverse("evaluation:queue", args=[campaign.pk]) + f"?status=office&office={office.pk}"))
    cy, cw = closed_week(campaign, now)
    late = _missing(campaign, office, (cy, cw)).get(office.pk, [])
    section.items.append(Item("reports_missing", _("{week}逾期未报送周动态的支部").format(week=weeks.label(cy, cw)),
                              len(late), reverse("weekly:rollup", args=[campaign.pk, office.pk, cy, cw]),
                              urgent=bool(late), detail=_names(late)))
    pending = _missing(campaign, office, (y, w)).get(office.pk, [])
    section.items.append(Item("reports_pending", _("{week}尚未报送周动态的支部（截止 {due}）").format(
        week=weeks.label(y, w), due=timezone.localtime(campaign.weekly_due(y, w)).strftime("%m-%d %H:%M")),
        len(pending), rollup, detail=_names(pending)))
    overdue = Counter(PlanTask.objects.filter(campaign=campaign, status=TaskStatus.OVERDUE, **inside)
                      .values_list("branch__name", flat=True))
    section.items.append(Item("tasks_overdue", _("逾期的创建任务"), sum(overdue.values()), matrix,
                              urgent=bool(overdue), detail="、".join(f"{n} {c}" for n, c in overdue.most_common(8))))
    return section


# --- the district -------------------------------------------------------------------------------------

BEHIND_NAMED = 10  # offices named in the district's "not all reported" item; the count says how many in all


def _district(user, campaign: Campaign, unit: OrgUnit, now: dt.datetime) -> Section:
    section = Section(f"{unit.name} · {_('区级管理员')}", "district")
    queue = reverse("evaluation:queue", args=[campaign.pk])
    counts = Counter(Submission.objects.for_user(user).filter(campaign=campaign, status__in=(
        SubmissionStatus.DISTRICT, SubmissionStatus.PROPOSED)).values_list("status", flat=True))
    section.items.append(Item("claims_to_decide", _("待区级审核的申报"), counts[SubmissionStatus.DISTRICT],
                              queue + "?status=district"))
    section.items.append(Item("batch_to_publish", _("审核完成待公示的支部"), counts[SubmissionStatus.PROPOSED],
                              queue + "?status=proposed"))
    today = timezone.localtime(now).date()
    ready = list(PublicNotice.objects.filter(campaign=campaign, closed_at__isnull=True, ends_on__lt=today)
                 .order_by("ends_on")[:1])
    n_ready = PublicNotice.objects.filter(campaign=campaign, closed_at__isnull=True, ends_on__lt=today).count()
    section.items.append(Item("notices_to_name", _("公示期满待命名的批次"), n_ready,
                              reverse("evaluation:notice", args=[ready[0].pk]) if ready else
                              reverse("evaluation:notices", args=[campaign.pk])))
    objections = Objection.objects.filter(notice__campaign=campaign, status=ObjectionStatus.OPEN).count()
    section.items.append(Item("objections_open", _("待处理的公示异议"), objections,
                              reverse("evaluation:notices", args=[campaign.pk]), urgent=bool(objections)))
    vetoes = VetoEvent.objects.for_user(user).filter(campaign=campaign, status=VetoStatus.PENDING).count()
    section.items.append(Item("vetoes_to_confirm", _("待确认的一票否决事件"), vetoes,
                              reverse("evaluation:vetoes", args=[campaign.pk])))
    y, w = closed_week(campaign, now)
    # From the rollups: an office's branches counted, less the reports of the week it has received. The detail
    # names the offices furthest behind (a province has 2,400 offices, all of them behind on a Monday morning).
    offices = OrgUnit.objects.for_user(user).filter(level=Level.OFFICE, is_active=True, path__startswith=unit.path)
    behind = rollups.offices_behind(campaign, offices, (y, w))
    worst = sorted(behind.items(), key=lambda kv: (-kv[1], kv[0]))[:BEHIND_NAMED]
    names = dict(OrgUnit.objects.filter(pk__in=[o for o, _n in worst]).values_list("pk", "name"))
    detail = "、".join(f"{names[o]}（{n}）" for o, n in worst)
    if len(behind) > len(worst):
        detail += _("等 {n} 个").format(n=len(behind))
    section.items.append(Item("offices_behind", _("{week}动态未报齐的办事处").format(week=weeks.label(y, w)),
                              len(behind), reverse("weekly:district", args=[campaign.pk]), detail=detail))
    return section


# --- the star reviewer ------------------------------------------------------------------------------

def _reviewer(user, campaign: Campaign, grant: RoleAssignment) -> Section:
    mine = set(grant.star_codes or [])
    section = Section(f"{grant.unit.name} · {_('星级审核员')}", "star_reviewer")
    subs = list(Submission.objects.for_user(user).filter(campaign=campaign, status=SubmissionStatus.DISTRICT)
                .only("pk", "office_star_codes"))
    decided = set(StarDecision.objects.filter(submission__in=[s.pk for s in subs]).values_list("submission_id",
                                                                                                "star_code"))
    waiting = Counter(code for s in subs for code in s.office_star_codes if code in mine and (s.pk, code) not in decided)
    names = star_names(campaign)
    queue = reverse("evaluation:queue", args=[campaign.pk])
    for code in sorted(mine):
        section.items.append(Item(f"stars_to_decide:{code}", _("待我审核的{star}").format(star=names.get(code, code)),
                                  waiting[code], queue + f"?status=district&star={code}"))
    return section


# --- the leader ------------------------------------------------------------------------------------

def _leader(user, campaign: Campaign, now: dt.datetime) -> Section:
    section = Section(_("我包联的支部 · 包联领导"), "leader")
    units = [a.unit for a in Assignment.objects.for_user(user).filter(leader=user, unit__is_active=True)
             .select_related("unit__parent")
             .order_by("unit__path")]
    ids = [u.pk for u in units]
    y, w = due_week(campaign, now)
    reports = {r.branch_id: r for r in WeeklyReport.objects.filter(campaign=campaign, branch_id__in=ids, iso_year=y,
                                                                    iso_week=w)}
    subs = {s.branch_id: s for s in Submission.objects.filter(campaign=campaign, branch_id__in=ids)}
    awards = {a.branch_id: a.effective_level for a in Award.objects.filter(campaign=campaign, branch_id__in=ids)}
    overdue = Counter(PlanTask.objects.filter(campaign=campaign, branch_id__in=ids, status=TaskStatus.OVERDUE)
                      .values_list("branch_id", flat=True))
    near = {u.pk: {u.pk, u.parent_id} for u in units}
    recent = list(Activity.objects.for_user(user).filter(unit_id__in={i for s in near.values() for i in s})
                  .order_by("-on", "-pk").only("pk", "title", "on", "unit_id")[:40])
    for u in units:
        report = reports.get(u.pk)
        words = report.get_status_display() if report else _("未报送")
        sub = subs.get(u.pk)
        section.rows.append(LeaderRow(
            branch=u, report=f"{weeks.label(y, w)}：{words}",
            report_url=reverse("weekly:report", args=[campaign.pk, u.pk, y, w]),
            stage=sub.get_status_display() if sub else _("未申报"), level=awards.get(u.pk), overdue=overdue[u.pk],
            activities=[a for a in recent if a.unit_id in near[u.pk]][:3],
            url=reverse("creation:branch", args=[campaign.pk, u.pk])))
    cy, cw = closed_week(campaign, now)
    done = set(WeeklyReport.objects.filter(campaign=campaign, branch_id__in=ids, iso_year=cy, iso_week=cw,
                                           submitted_at__isnull=False).values_list("branch_id", flat=True))
    late = [u for u in units if u.pk not in done]
    section.items.append(Item("reports_missing", _("{week}逾期未报送周动态的包联支部").format(week=weeks.label(cy, cw)),
                              len(late), reverse("weekly:home"), urgent=bool(late), detail=_names(late)))
    section.items.append(Item("tasks_overdue", _("包联支部的逾期任务"), sum(overdue.values()),
                              reverse("creation:leader", args=[campaign.pk]), urgent=bool(overdue)))
    return section


# --- the case-file review --------------------------------------------------------------------------

def _organiser(user, unit: OrgUnit) -> Section:
    section = Section(f"{unit.name} · {_('评查组织者')}", "casefile_organiser")
    campaigns = list(ReviewCampaign.objects.for_user(user).filter(unit__path__startswith=unit.path).exclude(
        status=CampaignStatus.PLANNING).order_by("-pk")[:5])
    arbitration, first = 0, None
    for campaign in campaigns:
        waiting = len(casefiles.results(campaign)["arbitration"])
        arbitration += waiting
        if waiting and first is None:
            first = campaign
    section.items.append(Item("arbitrations", _("待仲裁的案卷"), arbitration,
                              reverse("casefiles:campaign", args=[first.pk]) + "#arbitration" if first
                              else reverse("casefiles:home"), urgent=bool(arbitration)))
    answered = Rectification.objects.filter(campaign__in=campaigns, responded_at__isnull=False, closed_at__isnull=True)
    n = answered.count()
    one = answered.first()
    section.items.append(Item("rectifications_to_check", _("已报送整改、待回头看的单位"), n,
                              reverse("casefiles:rectification", args=[one.pk]) if one else reverse("casefiles:home")))
    return section


def _casefile_reviewer(user, unit: OrgUnit) -> Section:
    section = Section(f"{unit.name} · {_('评查员')}", "casefile_reviewer")
    mine = SampledFile.objects.for_user(user).filter(Q(reviewer=user) | Q(second_reviewer=user)).exclude(
        campaign__status=CampaignStatus.CLOSED)
    done = set(SampledFile.objects.filter(sheets__reviewer=user, sheets__status=SheetStatus.SUBMITTED)
               .values_list("pk", flat=True))
    open_ = [s for s in mine.only("pk") if s.pk not in done]
    section.items.append(Item("sheets_to_score", _("待我评查的案卷"), len(open_),
                              reverse("casefiles:sheet", args=[open_[0].pk]) if open_ else reverse("casefiles:home")))
    return section


def _reviewed_unit(user, unit: OrgUnit) -> Section:
    section = Section(f"{unit.name} · {_('被评查单位')}", "reviewed_unit")
    rects = Rectification.objects.for_user(user).filter(unit=unit, responded_at__isnull=True,
                                                         closed_at__isnull=True).order_by(
        "deadline")
    first = rects.first()
    section.items.append(Item("rectifications_to_answer", _("待报送整改情况的整改通知"), rects.count(),
                              reverse("casefiles:rectification", args=[first.pk]) if first else reverse("casefiles:home"),
                              urgent=bool(first and first.deadline <= timezone.localdate())))
    # The scanned dossiers the review needs: files of the unit drawn in an open campaign with no pages yet, and dates
    # OCR read that wait for the unit's confirmation.
    drawn = SampledFile.objects.for_user(user).filter(file__unit__path__startswith=unit.path).exclude(
        campaign__status=CampaignStatus.CLOSED)
    unscanned = list(drawn.filter(file__pages__isnull=True).order_by("campaign_id", "order")
                     .values_list("file_id", flat=True)[:1])
    section.items.append(Item("dossiers_to_upload", _("抽取的案卷待上传扫描件"),
                              drawn.filter(file__pages__isnull=True).values("file_id").distinct().count(),
                              (reverse("casefiles:file", args=[unscanned[0]]) + "#dossier") if unscanned
                              else reverse("casefiles:files")))
    files = CaseFile.objects.for_user(user).filter(unit__path__startswith=unit.path)
    waiting = DateProposal.objects.filter(file__in=files, status=DateStatus.PROPOSED)
    first_file = waiting.order_by("file_id").values_list("file_id", flat=True).first()
    section.items.append(Item("dates_to_confirm", _("识别出的日期待确认"), waiting.count(),
                              (reverse("casefiles:file", args=[first_file]) + "#dates") if first_file
                              else reverse("casefiles:files")))
    return section


def total(sections: list[Section]) -> int:
    return sum(s.open for s in sections)

