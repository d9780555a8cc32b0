"""Case-file review state changes: files and their import, campaigns, the draw, reviewers, score
sheets, results, rectification, calendar years. Checked, atomic and audited."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter, defaultdict
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.casefiles import circular, dating, dossier, engines, telling
from wuxing.casefiles import rubric as rubrics
from wuxing.casefiles.checks import Checker, FileFacts
from wuxing.casefiles.models import (
    Arbitration,
    CalendarYear,
    CampaignStatus,
    CaseFile,
    DateProposal,
    DateStatus,
    Finding,
    Matter,
    OcrState,
    PoolMember,
    Rectification,
    ReviewCampaign,
    SampledFile,
    ScanPage,
    ScoreSheet,
    SheetStatus,
)
from wuxing.core import policy
from wuxing.core.audit import record
from wuxing.core.importing import Column, ImportReport, date_cell, read_sheet, text_cell
from wuxing.core.roles import Level, Role
from wuxing.core.workdays import YearEntry
from wuxing.orgs import services as orgs
from wuxing.orgs.models import OrgUnit, RoleAssignment, User

may_organise = rubrics.may_organise


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _deny():
    raise PermissionDenied(_("您没有权限执行此操作。"))


def entered_years() -> dict[int, YearEntry]:
    return {y.year: YearEntry(frozenset(dt.date.fromisoformat(d) for d in y.holidays),
                              frozenset(dt.date.fromisoformat(d) for d in y.workdays)) for y in CalendarYear.objects.all()}


def checker() -> Checker:
    return Checker(entered_years(), settings.WORKDAY_COUNT_START)


def facts(f: CaseFile, pages: dict[str, int] | None = None) -> FileFacts:
    m = f.matter
    return FileFacts(
        received=f.received, supplement_notice=f.supplement_notice, supplement_complete=f.supplement_complete,
        accepted=f.accepted, extension_approved=f.extension_approved, extension_notified=f.extension_notified,
        excluded=[(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]), bool(p.get("noticed")))
                  for p in f.excluded_periods],
        decided=f.decided, decision_type=f.decision_type, served=f.served, published=f.published, archived=f.archived,
        documents=list(f.documents), statutory_days=45 if m.joint else m.statutory_days,
        extension_days=15 if m.joint else m.extension_days, promised_days=m.promised_days, instant=m.instant,
        required_documents=list(m.required_documents), pages=confirmed_pages(f) if pages is None else pages)


@transaction.atomic
def set_calendar_year(actor, year: int, holidays: list[dt.date], workdays: list[dt.date]) -> CalendarYear:
    """An administrator enters a year's official holidays and make-up workdays before the package has them."""
    if not (getattr(actor, "is_superuser", False) or may_organise(actor)):
        _deny()
    bad = [d for d in [*holidays, *workdays] if d.year != year]
    if bad:
        raise ValidationError(_("日期 {d} 不属于 {y} 年。").format(d=bad[0], y=year))
    if set(holidays) & set(workdays):
        raise ValidationError(_("同一天不能既是假日又是调休工作日。"))
    entry, _created = CalendarYear.objects.update_or_create(year=year, defaults={
        "holidays": sorted(d.isoformat() for d in holidays), "workdays": sorted(d.isoformat() for d in workdays),
        "entered_by": _user(actor)})
    record(actor, "casefiles.calendar.year", entry, {"year": year, "holidays": entry.holidays, "workdays": entry.workdays})
    return entry


# --- file import -----------------------------------------------------------------------------------

DATE_FIELDS = [("received", "收件日期", True), ("supplement_notice", "补正告知日期", False),
               ("supplement_complete", "补正齐全日期", False), ("accepted", "受理日期", False),
               ("extension_approved", "延期批准日期", False), ("extension_notified", "延期告知日期", False),
               ("decided", "决定日期", False), ("served", "送达日期", False), ("published", "公示日期", False),
               ("archived", "归档日期", False)]
_DATE_COLUMNS = {key: Column(key, label, req, (), "2026-03-02", "日期") for key, label, req in DATE_FIELDS}
# In the order a clerk reads a file: who, then each step's date, the decision's type beside its date,
# the service method beside the service date.
FILE_COLUMNS = [Column("unit", "单位编码", True), Column("matter", "事项编码", True), Column("file_no", "案卷编号", True),
                Column("applicant", "申请人", True),
                Column("applicant_code", "统一社会信用代码", False, (), "", "法人申请人填写，自动核对校验位"),
                *[_DATE_COLUMNS[k] for k in ("received", "supplement_notice", "supplement_complete", "accepted",
                                             "extension_approved", "extension_notified", "decided")],
                Column("decision_type", "决定类型", False, (), "准予", "准予/不予许可/不予受理",
                       choices=("准予", "不予许可", "不予受理")),
                _DATE_COLUMNS["served"], Column("service_method", "送达方式", False),
                _DATE_COLUMNS["published"], _DATE_COLUMNS["archived"],
                Column("documents", "卷内材料", False, (), "", "材料名称，用顿号分隔")]
DECISIONS = {"准予": "grant", "准予许可": "grant", "不予许可": "refuse", "不予受理": "not_accept",
             "grant": "grant", "refuse": "refuse", "not_accept": "not_accept", "": "grant"}


def import_files(actor, fileobj: IO[bytes], *, dry_run: bool = True, filename: str = "") -> ImportReport:
    """Case files from Excel: every bad row reported; nothing written unless all are good; re-import
    updates a file by (unit, file number)."""
    report = ImportReport(dry_run=dry_run)
    rows = read_sheet(fileobj, FILE_COLUMNS, report)
    if report.errors:
        return report
    report.total = len(rows)
    units = {u.code: u for u in OrgUnit.objects.filter(level=Level.AGENCY)}
    matters = {(m.unit.code, m.code): m for m in Matter.objects.select_related("unit")}
    existing = {(f.unit.code, f.file_no): f for f in CaseFile.objects.select_related("unit")}
    parsed, seen = [], {}
    for r in rows:
        n, values, bad = r.number, {}, False
        for key in ("unit", "matter", "file_no", "applicant", "applicant_code", "decision_type", "service_method",
                    "documents"):
            try:
                values[key] = text_cell(r.values.get(key))
            except ValueError as exc:
                report.add(n, key, str(exc))
                bad = True
        for key, label, required in DATE_FIELDS:
            try:
                values[key] = date_cell(r.values.get(key))
            except ValueError as exc:
                report.add(n, label, str(exc))
                bad = True
                continue
            if required and values[key] is None:
                report.add(n, label, _("不能为空。"))
                bad = True
        if bad:
            continue
        unit = units.get(values["unit"])
        if unit is None:
            report.add(n, "单位编码", _("“{c}”不是被评查单位（区直部门）的编码。").format(c=values["unit"]))
            continue
        if not policy.may(actor, "casefile.upload", unit):
            report.add(n, "单位编码", _("您无权导入“{u}”的案卷。").format(u=unit.name))
            continue
        matter = matters.get((unit.code, values["matter"]))
        if matter is None:
            report.add(n, "事项编码", _("“{u}”没有编码为“{c}”的事项。").format(u=unit.name, c=values["matter"]))
        if not values["file_no"]:
            report.add(n, "案卷编号", _("不能为空。"))
        key = (unit.code, values["file_no"])
        if key in seen:
            report.add(n, "案卷编号", _("与第 {r} 行重复。").format(r=seen[key]))
        seen[key] = n
        if values["applicant_code"]:
            reason = engines.uscc_error(values["applicant_code"])
            if reason:
                report.add(n, "统一社会信用代码", reason)
        if values["decision_type"] not in DECISIONS:
            report.add(n, "决定类型", _("应为准予、不予许可或不予受理。"))
        order = [(label, values[key]) for key, label, _r in DATE_FIELDS if key in ("received", "accepted", "decided",
                                                                                     "served", "archived") and values[key]]
        for (a, da), (b, db) in zip(order, order[1:]):
            if db < da:
                report.add(n, b, _("{b}（{db}）早于{a}（{da}），请核对。").format(a=a, b=b, da=da, db=db))
        parsed.append((key, unit, matter, values))
    report.errors.sort()
    report.created = sum(1 for key, *_r in parsed if key not in existing)
    report.updated = len(parsed) - report.created
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for key, unit, matter, v in parsed:
            f = existing.get(key) or CaseFile(unit=unit, file_no=v["file_no"])
            f.matter, f.applicant, f.applicant_code = matter, v["applicant"], v["applicant_code"].upper()
            for k, _label, _req in DATE_FIELDS:
                setattr(f, k, v[k])
            f.decision_type = DECISIONS[v["decision_type"]]
            f.service_method = v["service_method"]
            f.documents = [d for d in v["documents"].replace("，", "、").split("、") if d.strip()]
            f.save()
        record(actor, "casefiles.files.import", None, {"file": filename[:200], "created": report.created,
                                                        "updated": report.updated})
    return report


# --- campaigns and the draw ---------------------------------------------------------------------------

@transaction.atomic
def create_campaign(actor, *, unit: OrgUnit, title: str, rubric, units: list[OrgUnit], closed_from: dt.date,
                    closed_to: dt.date, plan: dict | None = None, categories: list[str] | None = None,
                    sample_total: int | None = None, sample_min: int = 1,
                    arbitration_points: Decimal | None = None) -> ReviewCampaign:
    """The sample plan is either per unit (`plan`: {code: {"count": n} | {"percent": p, "min": m}}) or an exact
    `sample_total` allocated over the units at the draw (largest remainder, at least `sample_min` each)."""
    if not policy.may(actor, "casefile.organise", unit):
        _deny()
    plan = dict(plan or {})
    if closed_from > closed_to:
        raise ValidationError({"closed_to": _("办结日期止不能早于起始日期。")})
    if not units or any(u.level != Level.AGENCY or not u.path.startswith(unit.path) for u in units):
        raise ValidationError({"units": _("请选择本区的被评查单位。")})
    if sample_total is not None:
        if sample_total < 1:
            raise ValidationError({"sample_total": _("抽取总份数至少为 1。")})
        if sample_total < sample_min * len(units):
            raise ValidationError({"sample_total": _("总份数 {n} 少于 {u} 个单位各抽 {m} 份所需的 {need} 份。").format(
                n=sample_total, u=len(units), m=sample_min, need=sample_min * len(units))})
        plan = {}
    elif not plan:
        raise ValidationError({"plan": _("请填写抽样方案：各单位份数、比例或抽取总份数。")})
    codes = {u.code for u in units}
    for code, p in plan.items():
        if code not in codes:
            raise ValidationError({"plan": _("抽样方案中的单位 {c} 不在被评查单位中。").format(c=code)})
        if not ({"count"} <= set(p) or {"percent"} <= set(p)):
            raise ValidationError({"plan": _("单位 {c} 的抽样方案应写明份数或比例。").format(c=code)})
    extra = {} if arbitration_points is None else {"arbitration_points": arbitration_points}
    c = ReviewCampaign.objects.create(unit=unit, title=title.strip(), rubric=rubric, categories=list(categories or []),
                                      closed_from=closed_from, closed_to=closed_to, plan=plan,
                                      sample_total=sample_total, sample_min=sample_min, **extra)
    c.units.set(units)
    record(actor, "casefiles.campaign.create", c, {"title": c.title, "units": [u.code for u in units], "plan": plan,
                                                   "sample_total": sample_total, "sample_min": sample_min},
           unit_path=unit.path)
    return c


def frame_of(campaign: ReviewCampaign) -> dict[str, list[str]]:
    """The sampling frame: closed files of the units in scope, decided inside the window."""
    files = CaseFile.objects.filter(unit__in=campaign.units.all(), decided__gte=campaign.closed_from,
                                    decided__lte=campaign.closed_to).select_related("unit")
    if campaign.categories:
        files = files.filter(matter__category__in=campaign.categories)
    frame: dict[str, list[str]] = defaultdict(list)
    for f in files.order_by("unit__code", "file_no"):
        frame[f.unit.code].append(f.file_no)
    for u in campaign.units.all():
        frame.setdefault(u.code, [])
    return dict(frame)


def plans_of(campaign: ReviewCampaign) -> dict[str, engines.UnitPlan]:
    return {code: engines.UnitPlan(count=p.get("count"), percent=Decimal(str(p["percent"])) if "percent" in p else None,
                                   minimum=int(p.get("min", 1))) for code, p in campaign.plan.items()}


def allocation_of(campaign: ReviewCampaign, frame: dict[str, list[str]]) -> dict[str, int] | None:
    """Per unit, the count a total plan gives for this frame (None for a per-unit plan)."""
    if campaign.sample_total is None:
        return None
    try:
        return engines.allocate({u: len(v) for u, v in frame.items()}, campaign.sample_total, campaign.sample_min)
    except engines.AllocationImpossible as exc:
        raise ValidationError(str(exc)) from None


def compute_draw(campaign: ReviewCampaign, seed: int) -> dict[str, list[str]]:
    """What a draw with `seed` gives for this campaign's frame and plan (writes nothing)."""
    frame = frame_of(campaign)
    return engines.draw(frame, plans_of(campaign), seed, allocation_of(campaign, frame))


@transaction.atomic
def draw_sample(actor, campaign: ReviewCampaign, seed: int) -> list[SampledFile]:
    """Store the seed, frame and algorithm with the sample, so anyone can redraw the identical list."""
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    if ScoreSheet.objects.filter(sample__campaign=campaign).exists():
        raise ValidationError(_("已开始评查，不能重新抽取。"))
    frame = frame_of(campaign)
    allocation = allocation_of(campaign, frame)
    drawn = engines.draw(frame, plans_of(campaign), seed, allocation)
    files = {(f.unit.code, f.file_no): f for f in CaseFile.objects.filter(unit__in=campaign.units.all()).select_related("unit")}
    campaign.sample.all().delete()
    rows = []
    for unit_code in sorted(drawn):
        for file_no in drawn[unit_code]:
            rows.append(SampledFile(campaign=campaign, file=files[(unit_code, file_no)], order=len(rows) + 1))
    SampledFile.objects.bulk_create(rows)
    campaign.seed, campaign.frame = seed, frame
    campaign.algorithm = engines.ALGORITHM + (engines.ALLOCATION if allocation is not None else "")
    campaign.allocation = allocation or {}
    campaign.drawn_at, campaign.status = timezone.now(), CampaignStatus.DRAWN
    campaign.save()
    record(actor, "casefiles.draw", campaign, {"seed": seed, "sample": {u: v for u, v in drawn.items()},
                                               "allocation": allocation,
                                               "frame_sizes": {u: len(v) for u, v in frame.items()}},
           unit_path=campaign.unit.path)
    return rows


def reviewer_candidates(campaign: ReviewCampaign):
    """People who may sit on the campaign's pool: 评查员 granted inside the campaign's subtree or above it."""
    unit = campaign.unit
    return (User.objects.filter(Q(role_assignments__unit__path__startswith=unit.path)
                                | Q(role_assignments__unit_id__in=unit.ancestor_ids()),
                                role_assignments__role=Role.CASEFILE_REVIEWER, is_active=True)
            .distinct().order_by("real_name", "pk"))


def home_agencies(user) -> set[int]:
    """The agencies a person belongs to, from their role grants (never typed in): recusal rests on facts."""
    return set(RoleAssignment.objects.filter(user=user, unit__level=Level.AGENCY).values_list("unit_id", flat=True))


@transaction.atomic
def add_reviewer(actor, campaign: ReviewCampaign, user) -> PoolMember:
    """Put a 评查员 of the campaign's area on its pool; their home agency comes from their role grants."""
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    if not reviewer_candidates(campaign).filter(pk=user.pk).exists():
        raise ValidationError(_("%(name)s 不是本次评查范围内的评查员。") % {"name": user.real_name or user.username})
    homes = OrgUnit.objects.filter(pk__in=home_agencies(user), path__startswith=campaign.unit.path).order_by("code")
    member, _created = PoolMember.objects.update_or_create(campaign=campaign, user=user,
                                                           defaults={"home_unit": homes.first()})
    record(actor, "casefiles.pool.add", campaign, {"reviewer": user.pk, "home": member.home_unit_id},
           unit_path=campaign.unit.path)
    return member


def _locked_by_sheets(campaign: ReviewCampaign) -> None:
    if ScoreSheet.objects.filter(sample__campaign=campaign, status=SheetStatus.SUBMITTED).exists():
        raise ValidationError(_("已有评查表提交，评查员分配已锁定，不能重新分配。"))


@transaction.atomic
def assign_reviewers(actor, campaign: ReviewCampaign) -> int:
    """Random, even, reproducible (seeded with the draw's seed); never a reviewer's own agency, read from
    their role grants. Locked once any sheet is submitted: a rerun would drop submitted work."""
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    _locked_by_sheets(campaign)
    samples = list(campaign.sample.select_related("file__unit"))
    pool = list(campaign.pool.select_related("user"))
    if not samples or not pool:
        raise ValidationError(_("请先抽取案卷并组建评查员库。"))
    codes = dict(OrgUnit.objects.filter(level=Level.AGENCY).values_list("pk", "code"))
    try:
        plan = engines.assign([(str(s.pk), s.file.unit.code) for s in samples],
                              [(str(m.user_id), frozenset(codes[h] for h in home_agencies(m.user) if h in codes))
                               for m in pool], campaign.seed or 0)
    except engines.AssignmentImpossible as exc:
        raise ValidationError(str(exc)) from None
    for s in samples:
        s.reviewer_id = int(plan[str(s.pk)][0])
    SampledFile.objects.bulk_update(samples, ["reviewer"])
    campaign.status = CampaignStatus.REVIEWING
    campaign.save(update_fields=["status"])
    record(actor, "casefiles.assign", campaign, {str(s.file.file_no): s.reviewer_id for s in samples},
           unit_path=campaign.unit.path)
    telling.assigned(actor, campaign, samples)
    return len(samples)


@transaction.atomic
def request_second_review(actor, sample: SampledFile) -> SampledFile:
    """A disputed file goes to a second reviewer from another agency (not the first reviewer)."""
    campaign = sample.campaign
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    pool = [m for m in campaign.pool.select_related("user")
            if m.user_id != sample.reviewer_id and sample.file.unit_id not in home_agencies(m.user)]
    if not pool:
        raise ValidationError(_("没有可以复核的其他单位评查员。"))
    chosen = sorted(pool, key=lambda m: engines.draw_key(campaign.seed or 0, f"second:{sample.pk}:{m.user_id}"))[0]
    sample.disputed, sample.second_reviewer_id = True, chosen.user_id
    sample.save(update_fields=["disputed", "second_reviewer"])
    record(actor, "casefiles.second_review", campaign, {"file": sample.file.file_no, "reviewer": chosen.user_id},
           unit_path=campaign.unit.path)
    telling.second_review(actor, sample)
    return sample


# --- score sheets --------------------------------------------------------------------------------------

def may_review(actor, sample: SampledFile) -> bool:
    """The reviewers assigned to the file, never one of the file's own agency."""
    return (getattr(actor, "pk", None) in (sample.reviewer_id, sample.second_reviewer_id)
            and sample.file.unit_id not in home_agencies(actor))


@transaction.atomic
def open_sheet(actor, sample: SampledFile) -> ScoreSheet:
    """The reviewer's sheet; first opening suggests findings from the automatic checks (each shows its
    computation and must be confirmed or waived with a reason)."""
    if not may_review(actor, sample):
        _deny()
    sheet, created = ScoreSheet.objects.get_or_create(sample=sample, reviewer=actor)
    if created:
        items = {it.check_id: it for s in sample.campaign.rubric.sections.prefetch_related("items")
                 for it in s.items.all() if it.check_id}
        for suggestion in checker().run(facts(sample.file)):
            item = items.get(suggestion.check)
            if item is not None and not suggestion.passed:
                Finding.objects.create(sheet=sheet, item_code=item.code, occurrences=suggestion.occurrences,
                                       source="auto", computation=suggestion.computation,
                                       note=_("自动检查 {c}：{t}").format(c=suggestion.check, t=suggestion.computation))
    return sheet


@transaction.atomic
def save_findings(actor, sheet: ScoreSheet, findings: list[dict], version: int | None = None) -> ScoreSheet:
    """Replace the manual findings and update auto ones (occurrences, page, note, waiver)."""
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.reviewer_id != getattr(actor, "pk", None):
        _deny()
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError(_("评查表已提交，不能修改。"))
    if version is not None and sheet.version != version:
        raise ValidationError(_("该评查表已被修改，请刷新后再保存。"))
    valid = rubrics.items_of(sheet.sample.campaign.rubric)
    for f in findings:
        if f["item_code"] not in valid:
            raise ValidationError(_("评查标准中没有条目“{c}”。").format(c=f["item_code"]))
        if f.get("waived") and not str(f.get("waived_reason", "")).strip():
            raise ValidationError(_("不扣分须写明理由（条目 {c}）。").format(c=f["item_code"]))
    sheet.findings.filter(source="manual").delete()
    autos = {x.item_code: x for x in sheet.findings.filter(source="auto")}
    for f in findings:
        target = autos.get(f["item_code"]) if f.get("source") == "auto" else None
        target = target or Finding(sheet=sheet, item_code=f["item_code"], source="manual")
        target.occurrences = max(1, int(f.get("occurrences", 1)))
        target.page_ref = str(f.get("page_ref", ""))[:40]
        target.note = str(f.get("note", target.note))
        target.waived_reason = str(f.get("waived_reason", "")).strip() if f.get("waived") else ""
        target.save()
    sheet.version += 1
    sheet.save(update_fields=["version"])
    return sheet


def score_of(sheet: ScoreSheet) -> engines.ScoreResult:
    rubric = sheet.sample.campaign.rubric
    return engines.score_file(rubrics.items_of(rubric),
                              [engines.FindingInput(f.item_code, f.occurrences, bool(f.waived_reason))
                               for f in sheet.findings.all()],
                              total=Decimal(rubric.total), veto_mode=rubric.veto_mode, bands=rubrics.bands_of(rubric),
                              fail_label=rubric.bands[-1][0])


@transaction.atomic
def submit_sheet(actor, sheet: ScoreSheet) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.reviewer_id != getattr(actor, "pk", None):
        _deny()
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError(_("评查表已提交。"))
    result = score_of(sheet)
    for f in sheet.findings.all():
        f.points = result.by_item.get(f.item_code, Decimal(0)) if not f.waived_reason else Decimal(0)
        f.save(update_fields=["points"])
    sheet.score, sheet.band, sheet.vetoed = result.score, result.band, result.vetoed
    sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
    sheet.save()
    event = record(actor, "casefiles.sheet.submit", sheet.sample.campaign,
                   {"file": sheet.sample.file.file_no, "sheet": sheet.pk, "score": str(result.score),
                    "band": result.band}, unit_path=sheet.sample.file.unit.path)
    sheet.audit_seq = event.seq
    sheet.save(update_fields=["audit_seq"])
    sample = sheet.sample
    reasons = divergence(sample, list(sample.sheets.all())) if sample.disputed else []
    if reasons:
        telling.diverged(actor, sample, reasons)
    return sheet


# --- results, circular, rectification ----------------------------------------------------------------

def _pair(sample: SampledFile, sheets: list[ScoreSheet]) -> tuple[ScoreSheet | None, ScoreSheet | None]:
    submitted = {s.reviewer_id: s for s in sheets if s.status == SheetStatus.SUBMITTED}
    second = submitted.get(sample.second_reviewer_id) if sample.disputed else None
    return submitted.get(sample.reviewer_id), second


def divergence(sample: SampledFile, sheets: list[ScoreSheet]) -> list[str]:
    """Why the two submitted sheets of a re-reviewed file cannot both stand (empty: they agree closely)."""
    first, second = _pair(sample, sheets)
    if first is None or second is None:
        return []
    return engines.sheets_diverge(first.score, first.band, first.vetoed, second.score, second.band, second.vetoed,
                                  sample.campaign.arbitration_points)


def final_sheet(sample: SampledFile, sheets: list[ScoreSheet]) -> ScoreSheet | None:
    """The sheet the results use. Every reviewer's sheet is kept. A second review that agrees with the first
    within the campaign's threshold stands; one that diverges (points, band, or a veto on one side only)
    waits for arbitration — until then the results use neither."""
    first, second = _pair(sample, sheets)
    if first is not None and second is not None and divergence(sample, sheets):
        arbitration = getattr(sample, "arbitration", None)
        return arbitration.sheet if arbitration is not None else None
    return second or first


def results(campaign: ReviewCampaign):
    samples = list(campaign.sample.select_related("file__unit", "file__matter", "reviewer", "second_reviewer",
                                                  "arbitration__sheet", "campaign"))
    sheets = defaultdict(list)
    for s in ScoreSheet.objects.filter(sample__campaign=campaign).prefetch_related("findings"):
        sheets[s.sample_id].append(s)
    rubric = campaign.rubric
    sections = {it.code: s.name for s in rubric.sections.prefetch_related("items") for it in s.items.all()}
    items = {it.code: it.text for s in rubric.sections.all() for it in s.items.all()}
    per_file, by_unit, problems, item_counts, pending = [], defaultdict(list), Counter(), Counter(), []
    for sample in samples:
        sheet = final_sheet(sample, sheets[sample.pk])
        per_file.append((sample, sheet))
        reasons = divergence(sample, sheets[sample.pk])
        if reasons and getattr(sample, "arbitration", None) is None:
            first, second = _pair(sample, sheets[sample.pk])
            pending.append((sample, first, second, reasons))
        if sheet is None:
            continue
        by_unit[sample.file.unit.name].append(Decimal(sheet.score))
        for f in sheet.findings.all():
            if not f.waived_reason:
                problems[sections.get(f.item_code, "其他")] += 1
                item_counts[f.item_code] += 1
    units = engines.unit_results(by_unit, rubrics.bands_of(rubric))
    excellent = [(s, sh) for s, sh in per_file if sh is not None and sh.band == rubric.bands[0][0]]
    common = [(code, items.get(code, code), sections.get(code, ""), n) for code, n in item_counts.most_common(10)]
    names = [s.name for s in rubric.sections.all()]
    reviewed = sum(1 for _s, sh in per_file if sh is not None)
    return {"files": per_file, "units": sorted(units.items(), key=lambda kv: kv[1][2]), "problems": problems,
            "drawn": len(per_file), "sections": names,
            "section_counts": [(name, problems.get(name, 0)) for name in names], "excellent": excellent,
            "common": common, "reviewed": reviewed, "arbitration": pending,
            "sampled_units": len({s.file.unit_id for s in samples}), "finished": bool(per_file) and reviewed == len(per_file),
            # units with a drawn file whose result is not settled (a sheet not submitted, or in arbitration)
            "open_units": sorted({s.file.unit.name for s, sh in per_file if sh is None})}


@transaction.atomic
def arbitrate(actor, sample: SampledFile, sheet: ScoreSheet, reason: str) -> Arbitration:
    """仲裁: the organiser decides which of two diverging sheets stands, with a reason. A rectification notice
    already issued to the file's unit follows the decision, and the unit is told what changed."""
    sample = SampledFile.objects.select_for_update(of=("self",)).select_related("campaign__unit", "file__unit").get(
        pk=sample.pk)
    campaign = sample.campaign
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    sheets = list(sample.sheets.all())
    if Arbitration.objects.filter(sample=sample).exists():
        raise ValidationError(_("该案卷已仲裁。"))
    reasons = divergence(sample, sheets)
    if not reasons:
        raise ValidationError(_("该案卷两份评查表结论一致，无需仲裁。"))
    first, second = _pair(sample, sheets)
    if sheet.pk not in (first.pk, second.pk):
        raise ValidationError({"sheet": _("请选择该案卷的一份评查表。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明仲裁理由。")})
    decision = Arbitration.objects.create(sample=sample, sheet=sheet, reason=reason.strip(), decided_by=_user(actor))
    record(actor, "casefiles.arbitrate", campaign, {
        "file": sample.file.file_no, "sheet": sheet.pk, "score": str(sheet.score), "band": sheet.band,
        "divergence": reasons, "reason": reason.strip()}, unit_path=sample.file.unit.path)
    rect = Rectification.objects.select_for_update().filter(campaign=campaign, unit=sample.file.unit).first()
    problems = _problems_by_unit(campaign, results(campaign)).get(sample.file.unit, [])
    if rect is not None or (problems and campaign.rectifications.exists()):
        before = rect.problems if rect is not None else ""
        after = "\n".join(problems)
        if after != before:
            if rect is None:
                deadline = campaign.rectifications.order_by("-deadline").values_list("deadline", flat=True).first()
                rect = Rectification.objects.create(campaign=campaign, unit=sample.file.unit, problems=after,
                                                     deadline=deadline)
            else:
                rect.problems = after
                rect.save(update_fields=["problems"])
            record(actor, "casefiles.rectification.update", campaign, {"unit": sample.file.unit.code,
                                                                       "before": before, "after": after},
                   unit_path=sample.file.unit.path)
            telling.updated_by_arbitration(actor, rect, sample, sheet, reason.strip())
    return decision


@transaction.atomic
def set_causes(actor, campaign: ReviewCampaign, text: str) -> ReviewCampaign:
    """The organiser's analysis of causes, printed in the circular."""
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    campaign.causes = text.strip()[:10000]
    campaign.save(update_fields=["causes"])
    record(actor, "casefiles.causes", campaign, {"length": len(campaign.causes)}, unit_path=campaign.unit.path)
    return campaign


def _problems_by_unit(campaign: ReviewCampaign, r: dict) -> dict[OrgUnit, list[str]]:
    """Per unit, the problems its files' standing sheets found (the lines of its rectification notice), from
    the campaign's `results`."""
    items = {it.code: it.text for s in campaign.rubric.sections.prefetch_related("items") for it in s.items.all()}
    per_unit = defaultdict(list)
    for sample, sheet in r["files"]:
        if sheet is None:
            continue
        for f in sheet.findings.all():
            if not f.waived_reason:
                per_unit[sample.file.unit].append(f"{sample.file.file_no}：{items.get(f.item_code, f.item_code)}"
                                                  + (f"（{f.note}）" if f.note and f.source == "manual" else ""))
    return per_unit


@transaction.atomic
def issue_rectifications(actor, campaign: ReviewCampaign, deadline: dt.date, *,
                         confirm_open: list[str] | None = None) -> list[Rectification]:
    """One notice per unit whose files lost points, listing those problems, with a deadline (today or
    later). While some files are not settled, issuing needs a confirmation naming the units left out."""
    if not policy.may(actor, "casefile.organise", campaign.unit):
        _deny()
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("整改期限不能早于今天（{d}）。").format(
            d=timezone.localdate().strftime("%Y-%m-%d"))})
    r = results(campaign)
    left_out = r["open_units"]
    if left_out and sorted(confirm_open or []) != left_out:
        raise ValidationError({"confirm_open": _("以下单位还有案卷未评完或待仲裁，本次不会下发其整改通知：{u}。"
                                                 "确认仍要下发，请勾选确认。").format(u="、".join(left_out))})
    per_unit = _problems_by_unit(campaign, r)
    made = []
    for unit, lines in per_unit.items():
        rect, _c = Rectification.objects.update_or_create(campaign=campaign, unit=unit, defaults={
            "problems": "\n".join(lines), "deadline": deadline})
        made.append(rect)
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    # The circular and each notice take their document numbers now, in this order, once.
    orgs.take_number(actor, campaign.unit, circular.circular_key(campaign), circular.circular_title(campaign))
    for rect in sorted(made, key=lambda x: x.unit.path):
        orgs.take_number(actor, campaign.unit, circular.notice_key(rect), circular.notice_title(campaign))
    record(actor, "casefiles.rectification.issue", campaign, {"units": [u.code for u in per_unit],
                                                              "deadline": str(deadline), "left_out": left_out},
           unit_path=campaign.unit.path)
    telling.issued(actor, campaign, made)
    return made


@transaction.atomic
def respond(actor, rect: Rectification, text: str) -> Rectification:
    if not policy.may(actor, "casefile.answer", rect.unit):
        _deny()
    if rect.closed_at:
        raise ValidationError(_("该整改已经“回头看”验收关闭。"))
    if not text.strip():
        raise ValidationError({"response": _("请填写整改情况。")})
    rect.response, rect.responded_at = text.strip(), timezone.now()
    rect.save(update_fields=["response", "responded_at"])
    record(actor, "casefiles.rectification.respond", rect, {"unit": rect.unit.code}, unit_path=rect.unit.path)
    telling.answered(actor, rect)
    return rect


@transaction.atomic
def follow_up(actor, rect: Rectification, text: str) -> Rectification:
    """回头看: the organiser checks the rectification and closes it."""
    if not policy.may(actor, "casefile.organise", rect.campaign.unit):
        _deny()
    if not rect.responded_at:
        raise ValidationError(_("单位尚未报送整改情况。"))
    if not text.strip():
        raise ValidationError({"followup": _("请填写回头看情况。")})
    rect.followup, rect.closed_at = text.strip(), timezone.now()
    rect.save(update_fields=["followup", "closed_at"])
    record(actor, "casefiles.rectification.close", rect, {"unit": rect.unit.code}, unit_path=rect.unit.path)
    telling.closed(actor, rect)
    return rect


# --- matters (事项) import ---------------------------------------------------------------------------

MATTER_COLUMNS = [
    Column("unit", "单位编码", True), Column("code", "事项编码", True), Column("name", "事项名称", True),
    Column("category", "类别", True, (), "许可", "许可/登记/给付/备案/其他",
           choices=("许可", "登记", "给付", "备案", "其他")),
    Column("statutory_days", "法定时限", False, (), "20", "工作日，默认 20"),
    Column("extension_days", "可延长", False, (), "10", "工作日，默认 10"),
    Column("extension_approver", "延期批准人", False, (), "本机关负责人", ""),
    Column("promised_days", "承诺时限", False, (), "10", "工作日，不得长于法定时限"),
    Column("instant", "即办件", False, (), "否", "是/否", choices=("是", "否")),
    Column("joint", "联合办理", False, (), "否", "是/否", choices=("是", "否")),
    Column("required_documents", "应有材料", False, (), "申请书、受理通知书", "用顿号分隔"),
    Column("legal_basis", "设定依据", False),
]
CATEGORIES = {"许可": "licence", "登记": "registration", "给付": "payment", "备案": "filing", "其他": "other"}


def import_matters(actor, fileobj: IO[bytes], *, dry_run: bool = True, filename: str = "") -> ImportReport:
    """Matters of the reviewed units: all or nothing, re-import updates by (unit, code)."""
    report = ImportReport(dry_run=dry_run)
    rows = read_sheet(fileobj, MATTER_COLUMNS, report)
    if report.errors:
        return report
    report.total = len(rows)
    units = {u.code: u for u in OrgUnit.objects.filter(level=Level.AGENCY)}
    existing = {(m.unit.code, m.code): m for m in Matter.objects.select_related("unit")}
    parsed, seen = [], {}
    for r in rows:
        n = r.number
        try:
            v = {c.key: text_cell(r.values.get(c.key)) for c in MATTER_COLUMNS}
        except ValueError as exc:
            report.add(n, "", str(exc))
            continue
        unit = units.get(v["unit"])
        if unit is None:
            report.add(n, "单位编码", _("“{c}”不是被评查单位（区直部门）的编码。").format(c=v["unit"]))
            continue
        if not policy.may(actor, "casefile.organise", unit):
            report.add(n, "单位编码", _("您无权维护“{u}”的事项。").format(u=unit.name))
            continue
        if not v["code"] or not v["name"]:
            report.add(n, "事项编码", _("事项编码和名称不能为空。"))
        if v["category"] not in CATEGORIES:
            report.add(n, "类别", _("应为许可、登记、给付、备案或其他。"))
        numbers = {}
        for key, label, default in (("statutory_days", "法定时限", 20), ("extension_days", "可延长", 10),
                                    ("promised_days", "承诺时限", None)):
            if v[key] == "":
                numbers[key] = default
            elif v[key].isdigit() and int(v[key]) <= 365:
                numbers[key] = int(v[key])
            else:
                report.add(n, label, _("应为 0–365 的整数（工作日）。"))
        if numbers.get("promised_days") and numbers.get("statutory_days") and numbers["promised_days"] > numbers["statutory_days"]:
            report.add(n, "承诺时限", _("承诺时限不得长于法定时限。"))
        flags = {}
        for key, label in (("instant", "即办件"), ("joint", "联合办理")):
            if v[key] not in ("", "是", "否"):
                report.add(n, label, _("应为“是”或“否”。"))
            flags[key] = v[key] == "是"
        key = (unit.code, v["code"])
        if key in seen:
            report.add(n, "事项编码", _("与第 {r} 行重复。").format(r=seen[key]))
        seen[key] = n
        parsed.append((key, unit, v, numbers, flags))
    report.errors.sort()
    report.created = sum(1 for key, *_r in parsed if key not in existing)
    report.updated = len(parsed) - report.created
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for key, unit, v, numbers, flags in parsed:
            m = existing.get(key) or Matter(unit=unit, code=v["code"])
            m.name, m.category = v["name"], CATEGORIES[v["category"]]
            m.statutory_days, m.extension_days = numbers["statutory_days"], numbers["extension_days"]
            m.promised_days, m.instant, m.joint = numbers["promised_days"], flags["instant"], flags["joint"]
            m.extension_approver = v["extension_approver"] or "本机关负责人"
            m.required_documents = [d for d in v["required_documents"].replace("，", "、").split("、") if d.strip()]
            m.legal_basis = v["legal_basis"]
            m.save()
        record(actor, "casefiles.matters.import", None, {"file": filename[:200], "created": report.created,
                                                          "updated": report.updated})
    return report


# --- scanned dossiers (卷宗扫描件), OCR and the dates it proposes --------------------------------------------------

def may_upload_scans(user, f: CaseFile) -> bool:
    return policy.may(user, "casefile.upload", f.unit)


def _pages_of(name: str, data: bytes) -> list:
    try:
        return dossier.pages_of(name, data, settings.SCAN_MAX_BYTES, settings.SCAN_MAX_PAGE_BYTES)
    except dossier.Refused as exc:
        raise ValidationError(str(exc)) from None


def _append(actor, f: CaseFile, made: list[tuple[str, list]], stored: list, source: str) -> list[ScanPage]:
    """Append each upload's pages to the file's dossier, under a lock on the file, audited; `stored` collects the
    files written so that the caller can remove them if the transaction fails."""
    import hashlib

    from django.core.files.base import ContentFile

    CaseFile.objects.select_for_update().filter(pk=f.pk).first()
    number = ScanPage.objects.filter(file=f).aggregate(n=Max("number"))["n"] or 0
    rows = []
    for name, pages in made:
        for page in pages:
            number += 1
            row = ScanPage(file=f, number=number, sha256=hashlib.sha256(page.pdf).hexdigest(), size=len(page.pdf),
                           source_name=name[:160], source_page=page.source_page, width=page.width, height=page.height,
                           uploaded_by=_user(actor))
            for field, body, ext in ((row.pdf, page.pdf, "pdf"), (row.thumbnail, page.thumbnail, "png")):
                field.save(f"{number}.{ext}", ContentFile(body), save=False)
                stored.append(field)
            rows.append(row)
    ScanPage.objects.bulk_create(rows)
    record(actor, "casefiles.scan.add", f, {"file_no": f.file_no, "source": source, "uploads": [n for n, _p in made],
                                            "pages": len(rows), "from": rows[0].number,
                                            "sha256": [r.sha256 for r in rows]}, unit_path=f.unit.path)
    return rows


def _stored_whole(write):
    """Run `write(stored)` in one transaction; on any failure remove every file it stored (nothing half-saved)."""
    stored: list = []
    try:
        with transaction.atomic():
            return write(stored)
    except Exception:
        for fieldfile in stored:
            fieldfile.storage.delete(fieldfile.name)
        raise


def add_scans(actor, f: CaseFile, uploads: list[tuple[str, bytes]]) -> list[ScanPage]:
    """Append uploaded PDFs or images (in the order given) to a file's dossier; any refused upload refuses them all,
    with a Chinese message, and nothing is stored."""
    if not may_upload_scans(actor, f):
        _deny()
    if not uploads:
        raise ValidationError(_("请选择要上传的扫描件。"))
    made = [(name, _pages_of(name, data)) for name, data in uploads]
    return _stored_whole(lambda stored: _append(actor, f, made, stored, "、".join(n for n, _d in uploads)[:200]))


def scan_targets(actor, numbers: list[str]) -> dict[str, CaseFile]:
    """The files a bulk zip's folders name, among those `actor` may upload to; refused for an unknown or ambiguous one."""
    found: dict[str, list[CaseFile]] = defaultdict(list)
    for f in CaseFile.objects.for_user(actor, "manage").filter(file_no__in=numbers).select_related("unit"):
        found[f.file_no].append(f)
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise ValidationError(_("压缩包中的文件夹“%(n)s”不是您可以上传扫描件的案卷编号，整个压缩包未被接收。")
                              % {"n": "”“".join(unknown[:5])})
    twice = [n for n, fs in found.items() if len(fs) > 1]
    if twice:
        raise ValidationError(_("案卷编号“%(n)s”在多个单位中都有，请由各单位分别上传。") % {"n": "”“".join(twice[:5])})
    return {n: fs[0] for n, fs in found.items()}


def add_scans_zip(actor, name: str, data: bytes) -> dict[str, int]:
    """A bulk zip whose folders are named by file number: every member checked and every page made before anything
    is stored, then all stored in one transaction. Returns {file number: pages added}."""
    if len(data) > settings.SCAN_MAX_ZIP_BYTES:
        raise ValidationError(_("压缩包过大：%(s).1f MB，上限 %(m)d MB。") % {
            "s": len(data) / 1048576, "m": settings.SCAN_MAX_ZIP_BYTES // 1048576})
    try:
        folders = dossier.members(data, max_member_bytes=settings.SCAN_MAX_BYTES,
                                  max_unzipped=settings.SCAN_MAX_UNZIPPED)
    except dossier.Refused as exc:
        raise ValidationError(str(exc)) from None
    targets = scan_targets(actor, list(folders))  # for_user(…, "manage"): the policy's casefile.upload
    try:
        made = {number: [(f"{number}/{member}", _pages_of(member, body)) for member, body in items]
                for number, items in folders.items()}
    except ValidationError as exc:
        raise ValidationError(_("%(e)s 整个压缩包未被接收。") % {"e": " ".join(exc.messages)}) from None
    return _stored_whole(lambda stored: {
        number: len(_append(actor, targets[number], uploads, stored, name[:200])) for number, uploads in made.items()})


@transaction.atomic
def remove_scan_page(actor, page: ScanPage) -> None:
    """Take a wrongly uploaded page out; the pages after it move up one, so citations are by the order on screen."""
    f = page.file
    if not may_upload_scans(actor, f):
        _deny()
    CaseFile.objects.select_for_update().filter(pk=f.pk).first()
    number, names = page.number, (page.pdf.name, page.thumbnail.name)
    page.delete()
    for later in ScanPage.objects.filter(file=f, number__gt=number).order_by("number"):
        ScanPage.objects.filter(pk=later.pk).update(number=later.number - 1)
    record(actor, "casefiles.scan.remove", f, {"file_no": f.file_no, "page": number}, unit_path=f.unit.path)
    storage = page.pdf.storage
    transaction.on_commit(lambda: [storage.delete(n) for n in names])


def ocr_pending(limit: int = 20, file: CaseFile | None = None) -> int:
    """Read up to `limit` pages waiting for OCR, oldest first (only `file`'s, when given); then propose dates for each
    file whose pages are all read. Idempotent: a page's text is written only while it is still pending, and no
    transaction is held while Tesseract reads, so uploads and page views go on meanwhile."""
    waiting = ScanPage.objects.filter(ocr_state=OcrState.PENDING).order_by("id")
    if file is not None:
        waiting = waiting.filter(file=file)
    done, files, last = 0, set(), 0
    for _i in range(limit):
        page = waiting.filter(id__gt=last).first()
        if page is None:
            break
        last = page.pk
        try:
            with page.pdf.open("rb") as fh:
                text, state = dating.normalise(dossier.ocr_text(fh.read())), OcrState.DONE
        except (OSError, subprocess.SubprocessError) as exc:
            text, state = str(exc)[:500], OcrState.FAILED
        done += ScanPage.objects.filter(pk=page.pk, ocr_state=OcrState.PENDING).update(
            text=text, ocr_state=state, ocr_at=timezone.now())
        files.add(page.file_id)
    for f in CaseFile.objects.filter(pk__in=files).exclude(pages__ocr_state=OcrState.PENDING):
        propose_dates(f)
    return done


@transaction.atomic
def propose_dates(f: CaseFile) -> list[DateProposal]:
    """Proposals from the file's OCR text, one per date field; a field a person has decided keeps its decision."""
    pages = list(ScanPage.objects.filter(file=f, ocr_state=OcrState.DONE).values_list("number", "text"))
    decided = set(DateProposal.objects.filter(file=f).exclude(status=DateStatus.PROPOSED).values_list("field", flat=True))
    DateProposal.objects.filter(file=f, status=DateStatus.PROPOSED).delete()
    made = [DateProposal(file=f, field=p.field, proposed=p.day, page=p.page, keyword=p.keyword[:80],
                         snippet=p.snippet[:120])
            for p in dating.propose(pages) if p.field not in decided]
    return DateProposal.objects.bulk_create(made)


DECISIONS_ON_DATES = ("confirm", "correct", "reject")


@transaction.atomic
def decide_date(actor, proposal: DateProposal, decision: str, *, value: dt.date | None = None,
                page: int | None = None) -> DateProposal:
    """A person's word on a date OCR proposed: `confirm` it as read, `correct` it (another date, and the page it is
    on if another), or `reject` it (the file keeps its date). A confirmed or corrected date becomes the file's, and the
    checks cite its page for as long as the file keeps that date (confirmed_pages)."""
    f = CaseFile.objects.select_for_update().select_related("unit").get(pk=proposal.file_id)
    if not may_upload_scans(actor, f):
        _deny()
    if decision not in DECISIONS_ON_DATES or proposal.field not in dating.FIELD_LABELS:
        raise ValidationError(_("未知的操作或日期项。"))
    if decision == "correct" and value is None:
        raise ValidationError({"value": _("更正时请填写正确的日期。")})
    value = {"confirm": proposal.proposed, "correct": value, "reject": None}[decision]
    page = page if decision == "correct" and page is not None else proposal.page
    count = ScanPage.objects.filter(file=f).count()
    if not 1 <= page <= max(count, 1):
        raise ValidationError({"page": _("页码应在 1 到 %(n)d 之间。") % {"n": count}})
    before = getattr(f, proposal.field)
    if value is None:
        proposal.status = DateStatus.REJECTED
    else:
        proposal.status = DateStatus.CONFIRMED if (value, page) == (proposal.proposed, proposal.page) else DateStatus.CORRECTED
        setattr(f, proposal.field, value)
        f.save(update_fields=[proposal.field])
    proposal.value, proposal.page = value, page
    proposal.decided_by, proposal.decided_at = _user(actor), timezone.now()
    proposal.save()
    record(actor, f"casefiles.date.{proposal.status}", f, {
        "file_no": f.file_no, "field": proposal.field, "proposed": str(proposal.proposed), "value": str(value or ""),
        "before": str(before or ""), "page": page}, unit_path=f.unit.path)
    return proposal


def confirmed_pages(f: CaseFile, proposals: list[DateProposal] | None = None) -> dict[str, int]:
    """The dossier page of each of the file's dates a person confirmed or corrected from the scans and that the file
    still holds. Derived from the decisions (the file's, or `proposals` already read), so a date changed since (an
    import, an edit) cites no page."""
    if proposals is None:
        proposals = DateProposal.objects.filter(file=f, status__in=(DateStatus.CONFIRMED, DateStatus.CORRECTED))
    return {p.field: p.page for p in proposals if p.status in (DateStatus.CONFIRMED, DateStatus.CORRECTED)
            and p.value is not None and getattr(f, p.field, None) == p.value}
