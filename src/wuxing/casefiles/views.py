"""Case-file review pages."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.casefiles import circular, dating, dossier, selectors, services
from wuxing.casefiles.forms import (
    ArbitrateForm,
    CalendarYearForm,
    CampaignForm,
    CausesForm,
    DateDecisionForm,
    DrawForm,
    PageQuery,
    PoolForm,
    RectificationForm,
    RectifyForm,
    ScanForm,
    ScanZipForm,
    SecondReviewForm,
    SheetForm,
    WorkdayForm,
)
from wuxing.casefiles.models import (
    CalendarYear,
    CaseFile,
    DateProposal,
    OcrState,
    Rectification,
    ReviewCampaign,
    Rubric,
    SampledFile,
    ScanPage,
    ScoreSheet,
)
from wuxing.core import policy
from wuxing.core.exports import XLSX_TYPE, document_response, export_response
from wuxing.core.files import serve
from wuxing.core.forms import action_of, form_failure, query_of, report_failure
from wuxing.core.importing import template_bytes
from wuxing.core.paging import page_or_404
from wuxing.core.roles import Level
from wuxing.core.workdays import UnknownYear, add_working_days, workdays_after
from wuxing.orgs import services as orgs_services
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.views import _import_page


@login_required
def home(request):
    campaigns = ReviewCampaign.objects.for_user(request.user).select_related("rubric")
    return render(request, "casefiles/home.html", {"campaigns": campaigns, "may_organise": services.may_organise(request.user)})


@login_required
def files(request):
    items = CaseFile.objects.for_user(request.user).select_related("unit", "matter")
    query = query_of(request)
    q = query["q"]
    if q:
        items = items.filter(file_no__icontains=q) | items.filter(applicant__icontains=q)
    if query["format"] in ("xlsx", "csv"):
        return export_response(query["format"], "案卷", ["单位", "事项", "案卷编号", "申请人", "收件", "受理", "决定",
                                                             "送达", "公示", "归档"],
                               [[f.unit.name, f.matter.name, f.file_no, f.applicant, f.received, f.accepted, f.decided,
                                 f.served, f.published, f.archived] for f in items])
    return render(request, "casefiles/files.html", {"page": page_or_404(items, 50, query["page"]), "q": q,
                                                    "may_import": bool(request.user.is_superuser or services.may_organise(request.user)
                                                                       or _is_unit(request.user))})


def _is_unit(user):
    return policy.may_anywhere(user, "casefile.answer")


def _readable_file(request, pk) -> CaseFile:
    return get_object_or_404(selectors.readable_files(request.user).select_related("unit", "matter"), pk=pk)


@login_required
def file_detail(request, pk):
    f = _readable_file(request, pk)
    may_upload = services.may_upload_scans(request.user, f)
    if request.method == "POST":  # scanned pages appended to the dossier
        if not may_upload:
            raise Http404
        form = ScanForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise form_failure(form)
            made = services.add_scans(request.user, f, [(u.name, u.read()) for u in form.cleaned_data["file"]])
            where = (_("第 %(a)d 页") % {"a": made[0].number} if len(made) == 1
                     else _("第 %(a)d–%(b)d 页") % {"a": made[0].number, "b": made[-1].number})
            messages.success(request, _("已上传 %(n)d 页（%(w)s），文字识别完成后将列出识别出的日期供确认。")
                             % {"n": len(made), "w": where})
        except (ValidationError, PermissionDenied) as exc:
            report_failure(request, exc)
        return redirect(reverse("casefiles:file", args=[f.pk]) + "#dossier")
    pages = list(f.pages.only("pk", "number", "ocr_state", "file_id"))
    proposals = list(f.date_proposals.select_related("decided_by"))
    cited = services.confirmed_pages(f, proposals)
    return render(request, "casefiles/file.html", {
        "f": f, "checks": services.checker().run(services.facts(f, cited)), "pages": pages, "may_upload": may_upload,
        "scan_form": ScanForm() if may_upload else None, "scan_mb": settings.SCAN_MAX_BYTES // 1048576, "pending": sum(p.ocr_state == OcrState.PENDING for p in pages),
        "proposals": [(p, dating.FIELD_LABELS.get(p.field, p.field), getattr(f, p.field, None))
                      for p in proposals],
        "date_pages": [(dating.FIELD_LABELS[k], v) for k, v in cited.items()]})


@login_required
def dossier_view(request, pk):
    """The file's scanned pages: thumbnails and one page at a time (PDF.js), opened at ?page=N."""
    f = _readable_file(request, pk)
    pages = list(f.pages.only("pk", "number", "file_id"))
    if not pages:
        raise Http404
    start = min(max(query_of(request, PageQuery)["page"] or 1, 1), len(pages))
    return render(request, "casefiles/dossier.html", {"f": f, "pages": pages, "start": start,
                                                      "may_upload": services.may_upload_scans(request.user, f)})


def _readable_page(request, pk) -> ScanPage:
    return get_object_or_404(selectors.readable_pages(request.user).select_related("file__unit"), pk=pk)


@login_required
def page_pdf(request, pk):
    page = _readable_page(request, pk)
    return serve(page.pdf, "application/pdf", f"{page.file.file_no}-第{page.number}页.pdf")


@login_required
def page_thumbnail(request, pk):
    page = _readable_page(request, pk)
    return serve(page.thumbnail, "image/png", f"{page.file.file_no}-第{page.number}页.png")


@login_required
def page_remove(request, pk):
    if request.method != "POST":
        raise Http404
    page = _readable_page(request, pk)
    try:
        services.remove_scan_page(request.user, page)
        messages.success(request, _("已删除第 %(n)d 页，其后各页页码前移一页。") % {"n": page.number})
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("casefiles:file", args=[page.file_id]) + "#dossier")


@login_required
def date_decide(request, pk):
    if request.method != "POST":
        raise Http404
    proposal = get_object_or_404(DateProposal.objects.filter(file__in=selectors.readable_files(request.user)), pk=pk)
    form = DateDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        d = form.cleaned_data
        services.decide_date(request.user, proposal, d["decision"], value=d["value"], page=d["page"])
        messages.success(request, _("已记录：%(f)s%(s)s。") % {"f": dating.FIELD_LABELS.get(proposal.field, ""),
                                                          "s": proposal.get_status_display()})
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("casefiles:file", args=[proposal.file_id]) + "#dates")


@login_required
def scan_zip(request):
    """Bulk upload: a zip with one folder per file number."""
    if not policy.may_anywhere(request.user, "casefile.upload"):
        raise Http404
    form = ScanZipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = services.add_scans_zip(request.user, upload.name, upload.read())
            messages.success(request, _("已上传 %(f)d 份案卷共 %(p)d 页：%(d)s。") % {
                "f": len(counts), "p": sum(counts.values()),
                "d": "，".join(f"{n} {c} 页" for n, c in sorted(counts.items()))})
            return redirect("casefiles:files")
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            from wuxing.core.forms import apply_errors

            apply_errors(form, exc)
    return render(request, "casefiles/scan_zip.html", {"form": form, "max_mb": settings.SCAN_MAX_ZIP_BYTES // 1048576})


@login_required
def dossier_search(request, pk):
    """Search inside the campaign's dossiers (OCR text), among the files the reader may see."""
    c = get_object_or_404(ReviewCampaign.objects.for_user(request.user), pk=pk)
    query = query_of(request)
    q = query["q"]
    hits = ScanPage.objects.none()
    if q:
        hits = (selectors.campaign_pages(request.user, c).filter(text__icontains=q)
                .select_related("file__unit").only("pk", "number", "text", "file__file_no", "file__unit__name")
                .order_by("file__file_no", "number"))
    if q and query["format"] in ("xlsx", "csv"):
        return export_response(query["format"], "卷宗检索", ["单位", "案卷编号", "页码", "识别文字"],
                               [[p.file.unit.name, p.file.file_no, p.number, dossier.snippet(p.text, q, 80)]
                                for p in hits.iterator(chunk_size=500)])
    page = page_or_404(hits, 50, query["page"])
    rows = [(p, dossier.snippet(p.text, q)) for p in page]
    return render(request, "casefiles/dossier_search.html", {"c": c, "q": q, "page": page, "rows": rows})


@login_required
def file_import(request):
    if not (request.user.is_superuser or services.may_organise(request.user) or _is_unit(request.user)):
        raise Http404
    return _import_page(request, importer=services.import_files, title=_("导入案卷"),
                        template_url=reverse("casefiles:file_template"), back_url=reverse("casefiles:files"))


@login_required
def file_template(request):
    example = ["JKA01", "SC-03", "JKA01-2026-101", "郑州某某餐饮店", "", "2026-03-02", "", "", "2026-03-02", "", "",
               "2026-03-16", "准予", "2026-03-18", "直接送达", "2026-03-19", "2026-04-10",
               "申请书、受理通知书、审查意见、许可决定书、送达回证"]
    response = HttpResponse(template_bytes(_("案卷"), services.FILE_COLUMNS, [example]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote('案卷导入模板.xlsx')}"
    return response


@login_required
def campaign_create(request):
    units = [u for u in OrgUnit.objects.for_user(request.user, "view").filter(level=Level.DISTRICT)
             if policy.may(request.user, "casefile.organise", u)]
    if not units:
        raise Http404
    district = units[0]
    form = CampaignForm(request.POST or None, rubrics=Rubric.objects.all(),
                        units=OrgUnit.objects.filter(level=Level.AGENCY, path__startswith=district.path).order_by("code"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.create_campaign(request.user, unit=district, title=d["title"], rubric=d["rubric"],
                                         units=list(d["units"]), closed_from=d["closed_from"], closed_to=d["closed_to"],
                                         plan=form.plan(), sample_total=d["total"], sample_min=d["minimum"],
                                         arbitration_points=d["arbitration_points"])
            return redirect("casefiles:campaign", pk=c.pk)
        except ValidationError as exc:
            from wuxing.core.forms import apply_errors

            apply_errors(form, exc)
    return render(request, "casefiles/form.html", {"form": form, "title": _("新建评查活动")})


def _organiser_action(request, c: ReviewCampaign) -> None:
    """One organiser action from the campaign page, each through its own form."""
    action = action_of(request, ["draw", "pool", "assign", "second", "causes", "rectify", "arbitrate"])
    if action == "draw":
        form = DrawForm(request.POST)
        if form.is_valid():
            services.draw_sample(request.user, c, form.cleaned_data["seed"])
            messages.success(request, _("已抽取。"))
    elif action == "pool":
        form = PoolForm(request.POST, candidates=services.reviewer_candidates(c))
        if form.is_valid():
            services.add_reviewer(request.user, c, form.cleaned_data["user"])
    elif action == "assign":
        form = None
        services.assign_reviewers(request.user, c)
        messages.success(request, _("已随机分配评查员。"))
    elif action == "second":
        form = SecondReviewForm(request.POST, samples=SampledFile.objects.filter(campaign=c))
        if form.is_valid():
            services.request_second_review(request.user, form.cleaned_data["sample"])
    elif action == "causes":
        form = CausesForm(request.POST)
        if form.is_valid():
            services.set_causes(request.user, c, form.cleaned_data["text"])
    elif action == "rectify":
        form = RectifyForm(request.POST, open_units=services.results(c)["open_units"])
        if form.is_valid():
            services.issue_rectifications(request.user, c, form.cleaned_data["deadline"],
                                          confirm_open=form.cleaned_data["confirm_open"])
            messages.success(request, _("已下发整改通知。"))
    elif action == "arbitrate":
        form = ArbitrateForm(request.POST)
        if form.is_valid():
            sample = get_object_or_404(SampledFile.objects.filter(campaign=c), pk=form.cleaned_data["sample"])
            sheet = get_object_or_404(ScoreSheet.objects.filter(sample=sample), pk=form.cleaned_data["sheet"])
            services.arbitrate(request.user, sample, sheet, form.cleaned_data["reason"])
            messages.success(request, _("已仲裁，结果按所选评查表计。"))
    if form is not None and not form.is_valid():
        raise form_failure(form)


def _allocation_rows(c: ReviewCampaign, user) -> list[tuple[str, str, int, int | None]]:
    """Per unit of the stored frame: its closed files and the files drawn from it (the stored allocation of a
    total plan, or what the unit's own plan gives)."""
    plans = services.plans_of(c)
    # Names of the units the reader may see; the others stay codes (a reviewed unit sees only its own name).
    names = dict(OrgUnit.objects.for_user(user).filter(code__in=list(c.frame)).values_list("code", "name"))
    return [(names.get(u, ""), u, len(v),
             c.allocation[u] if u in c.allocation else plans[u].size(len(v)) if u in plans else None)
            for u, v in sorted(c.frame.items())]


@login_required
def campaign(request, pk):
    c = get_object_or_404(ReviewCampaign.objects.for_user(request.user).select_related("unit", "rubric"), pk=pk)
    organiser = selectors.is_organiser(request.user, c)
    if request.method == "POST":
        if not organiser:
            raise Http404
        try:
            _organiser_action(request, c)
        except (ValidationError, PermissionDenied) as exc:
            report_failure(request, exc)
        return redirect("casefiles:campaign", pk=c.pk)
    r = selectors.results_for(request.user, c)
    fmt = query_of(request)["format"]
    if fmt in ("docx", "pdf"):
        if not organiser:  # the circular is the organiser's document of the whole campaign
            raise Http404
        return document_response(request, fmt, circular.circular_title(c), circular.docx_bytes(c, r))
    if fmt in ("xlsx", "csv"):
        headers = ["序号", "单位", "案卷编号", "事项", *(["评查员"] if organiser else []), "得分", "等次"]
        return export_response(fmt, f"{c.title}_结果", headers,
                               [[s.order, s.file.unit.name, s.file.file_no, s.file.matter.name,
                                 *([s.reviewer.real_name if s.reviewer else ""] if organiser else []),
                                 sh.score if sh else "", sh.band if sh else ""]
                                for s, sh in r["files"]])
    return render(request, "casefiles/campaign.html", {
        "c": c, "r": r, "organiser": organiser,
        "draw_form": DrawForm(initial={"seed": c.seed or timezone.localdate().strftime("%Y%m%d")}),
        "pool": c.pool.select_related("user", "home_unit") if organiser else [],
        "candidates": services.reviewer_candidates(c) if organiser else [],
        "frame_sizes": _allocation_rows(c, request.user),
        "rectify_form": RectifyForm(open_units=r["open_units"] if organiser else ()),
        "rectifications": selectors.visible_rectifications(request.user, c),
        "dossiers": selectors.dossier_progress(request.user, c),
        "meetings": c.meetings.order_by("on", "pk"),
        "my_samples": [s for s, _sh in r["files"] if request.user.pk in (s.reviewer_id, s.second_reviewer_id)]})


@login_required
def sheet(request, pk):
    sample = get_object_or_404(selectors.visible_samples(request.user).select_related(
        "campaign__rubric", "file__unit", "file__matter"), pk=pk)
    pages = list(sample.file.pages.only("pk", "number", "file_id"))
    if not services.may_review(request.user, sample):
        # Organisers and the unit see submitted sheets read-only.
        sheets = list(sample.sheets.select_related("reviewer").prefetch_related("findings"))
        for sh in sheets:
            for finding in sh.findings.all():
                finding.cite = _cite(finding.page_ref, len(pages))
        return render(request, "casefiles/sheet_view.html", {"sample": sample, "sheets": sheets, "pages": pages})
    sh = services.open_sheet(request.user, sample)
    rubric = sample.campaign.rubric
    if request.method == "POST":
        form = SheetForm(request.POST, rubric=rubric)
        try:
            if not form.is_valid():
                raise form_failure(form)
            services.save_findings(request.user, sh, form.findings(), form.cleaned_data["version"] or None)
            if form.cleaned_data["submit"]:
                sh.refresh_from_db()
                services.submit_sheet(request.user, sh)
                messages.success(request, _("评查表已提交。"))
            else:
                messages.success(request, _("已保存。"))
        except (ValidationError, PermissionDenied) as exc:
            report_failure(request, exc)
        return redirect("casefiles:sheet", pk=sample.pk)
    found = {f.item_code: f for f in sh.findings.all()}
    for finding in found.values():
        finding.cite = _cite(finding.page_ref, len(pages))
    preview = services.score_of(sh)
    sections = [(s, [(it, found.get(it.code)) for it in s.items.all()]) for s in rubric.sections.prefetch_related("items")]
    return render(request, "casefiles/sheet.html", {"sample": sample, "sheet": sh, "sections": sections, "preview": preview,
                                                    "checks": services.checker().run(services.facts(sample.file)),
                                                    "pages": pages})


def _cite(ref: str, count: int) -> int | None:
    """The dossier page a finding's 页码 opens, when the dossier has it."""
    n = dossier.cited_page(ref)
    return n if n is not None and 1 <= n <= count else None


@login_required
def rectification(request, pk):
    rect = get_object_or_404(Rectification.objects.for_user(request.user).select_related("campaign__unit", "unit"), pk=pk)
    is_unit = policy.may(request.user, "casefile.answer", rect.unit)
    organiser = policy.may(request.user, "casefile.organise", rect.campaign.unit)
    if request.method == "POST":
        form = RectificationForm(request.POST)
        try:
            if not form.is_valid():
                raise form_failure(form)
            act = services.respond if form.cleaned_data["action"] == "respond" else services.follow_up
            act(request.user, rect, form.cleaned_data["text"])
            messages.success(request, _("已保存。"))
        except (ValidationError, PermissionDenied) as exc:
            report_failure(request, exc)
        return redirect("casefiles:rectification", pk=rect.pk)
    fmt = query_of(request)["format"]
    if fmt in ("docx", "pdf"):
        return document_response(request, fmt, f"{circular.notice_title(rect.campaign)}_{rect.unit.name}",
                                 circular.notice_bytes(rect))
    return render(request, "casefiles/rectification.html", {
        "rect": rect, "is_unit": is_unit, "organiser": organiser,
        "number": orgs_services.issued(rect.campaign.unit, circular.notice_key(rect))})


@login_required
def rubric_list(request):
    return render(request, "casefiles/rubrics.html", {"rubrics": Rubric.objects.all(),
                                                      "may_upload": services.may_organise(request.user)})


@login_required
def rubric_detail(request, pk):
    r = get_object_or_404(Rubric, pk=pk)
    return render(request, "casefiles/rubric.html", {"r": r, "sections": r.sections.prefetch_related("items")})


@login_required
def calendar(request):
    organiser = bool(request.user.is_superuser or services.may_organise(request.user))
    posted = request.method == "POST" and action_of(request, ["year"]) == "year"
    year_form = CalendarYearForm(request.POST if posted else None)
    calc = WorkdayForm(request.GET if "start" in request.GET else None)
    answer = None
    if posted:
        if not organiser:
            raise Http404
        if year_form.is_valid():
            try:
                services.set_calendar_year(request.user, year_form.cleaned_data["year"], year_form.cleaned_data["holidays"],
                                           year_form.cleaned_data["workdays"])
                messages.success(request, _("已保存。"))
                return redirect("casefiles:calendar")
            except ValidationError as exc:
                year_form.add_error(None, exc)
    if calc.is_bound and calc.is_valid():
        d = calc.cleaned_data
        from django.conf import settings

        try:
            if d["end"]:
                answer = _("{a} 之后至 {b}（含）共 {n} 个工作日").format(a=d["start"], b=d["end"], n=workdays_after(
                    d["start"], d["end"], count_start=settings.WORKDAY_COUNT_START, entered=services.entered_years()))
            elif d["n"]:
                day = add_working_days(d["start"], d["n"], count_start=settings.WORKDAY_COUNT_START,
                                       entered=services.entered_years(), strict=True).day
                answer = _("{a} 之后第 {n} 个工作日是 {d}").format(a=d["start"], n=d["n"], d=day)
        except UnknownYear as exc:
            answer = str(exc)
    return render(request, "casefiles/calendar.html", {"years": CalendarYear.objects.all(), "year_form": year_form,
                                                       "calc": calc if calc.is_bound else WorkdayForm(), "answer": answer,
                                                       "organiser": organiser})




@login_required
def matters(request):
    from wuxing.casefiles.models import Matter

    items = Matter.objects.for_user(request.user).select_related("unit")
    fmt = query_of(request)["format"]
    if fmt in ("xlsx", "csv"):
        return export_response(fmt, "事项", [c.header for c in services.MATTER_COLUMNS],
                               [[m.unit.code, m.code, m.name, m.get_category_display(), m.statutory_days, m.extension_days,
                                 m.extension_approver, m.promised_days or "", "是" if m.instant else "否",
                                 "是" if m.joint else "否", "、".join(m.required_documents), m.legal_basis] for m in items])
    return render(request, "casefiles/matters.html", {"items": items, "may_import": services.may_organise(request.user)})


@login_required
def matter_import(request):
    if not services.may_organise(request.user):
        raise Http404
    return _import_page(request, importer=services.import_matters, title=_("导入事项"),
                        template_url=reverse("casefiles:matter_template"), back_url=reverse("casefiles:matters"))


@login_required
def matter_template(request):
    example = ["JKA01", "SC-03", "食品经营许可", "许可", "20", "10", "本机关负责人", "10", "否", "否",
               "申请书、受理通知书、审查意见、许可决定书、送达回证", "《中华人民共和国食品安全法》第三十五条"]
    response = HttpResponse(template_bytes(_("事项"), services.MATTER_COLUMNS, [example]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote('事项导入模板.xlsx')}"
    return response


@login_required
def rubric_upload(request):
    """Organisers load a rubric file with the same validation as the command."""
    from wuxing.casefiles import rubric as rubrics
    from wuxing.standards.forms import StandardUploadForm

    if not services.may_organise(request.user):
        raise Http404
    form = StandardUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        obj, problems, created = rubrics.load(request.user, upload.read())
        if not problems:
            messages.success(request, _("已加载：{t}").format(t=obj) if created else _("该版本已加载，内容相同。"))
            return redirect("casefiles:rubric", pk=obj.pk)
        errors = [e.format(upload.name) for e in problems]
    return render(request, "standards/standard_upload.html", {"form": form, "errors": errors})
