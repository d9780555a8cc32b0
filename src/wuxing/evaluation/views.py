"""Evaluation pages: the branch's self-assessment and claim, office and district review, evidence,
public notice with objections (public pages need no login), awards, certificates, star removal."""

from __future__ import annotations

import io
from types import SimpleNamespace
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_or_404, campaigns_for, star_names
from wuxing.core import audit_words, policy
from wuxing.core.exports import export_response
from wuxing.core.files import serve
from wuxing.core.forms import apply_errors, form_failure, query_of, report_failure
from wuxing.core.levels import star_level
from wuxing.core.net import client_ip
from wuxing.core.paging import page_or_404
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.core.views import export_sheet
from wuxing.evaluation import selectors, services
from wuxing.evaluation.forms import (
    ClaimForm,
    CorrectForm,
    DecideForm,
    EvidenceChangeForm,
    EvidenceForm,
    EvidenceQuery,
    NoteForm,
    NoticeForm,
    ObjectionForm,
    OfficeReviewForm,
    QueueQuery,
    ReasonForm,
    ReinstateForm,
    RemovalForm,
    ResolveForm,
    SelfAssessmentForm,
    VetoForm,
)
from wuxing.evaluation.models import (
    Assessment,
    Award,
    Evidence,
    Objection,
    PublicNotice,
    StarRemoval,
    SubmissionStatus,
    VetoEvent,
)
from wuxing.orgs import search
from wuxing.orgs.models import OrgUnit


def _campaign(request, pk):
    return campaign_or_404(request.user, pk)


def _branch(request, campaign, pk):
    return get_object_or_404(OrgUnit.objects.for_user(request.user).filter(
        level__in=BRANCH_LEVELS, path__startswith=campaign.unit.path), pk=pk)


@login_required
def home(request):
    campaign = campaigns_for(request.user).filter(is_active=True).order_by("-year").first()
    if campaign is None:
        return render(request, "weekly/none.html")
    own = [u for u in OrgUnit.objects.for_user(request.user).filter(level__in=BRANCH_LEVELS).order_by("path")[:3]
           if policy.may(request.user, "branch.declare", u)]
    if own:
        return redirect("evaluation:branch", pk=campaign.pk, branch=own[0].pk)
    return redirect("evaluation:queue", pk=campaign.pk)


def _self_form(request, standard) -> SelfAssessmentForm:
    form = SelfAssessmentForm(request.POST, standard=standard)
    if not form.is_valid():
        raise form_failure(form)
    return form


@login_required
def branch_page(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    sub = services.get_submission(campaign, branch)
    flags = services.submission_flags(request.user, sub)
    standard, blocks, evaluation = selectors.branch_picture(campaign, branch, sub)
    own_stars = services.reviewer_stars(request.user, branch)
    award = getattr(sub, "award", None) if sub.pk else None
    return render(request, "evaluation/branch.html", {
        "campaign": campaign, "branch": branch, "sub": sub, "flags": flags, "standard": standard, "blocks": blocks,
        "evaluation": evaluation, "note_form": NoteForm(), "award": award,
        "decidable": [b for b in blocks if b.star.code in sub.office_star_codes
                      and (own_stars is None or b.star.code in own_stars)],
        "names": {s.code: s.name for s in standard.stars.all()},
        "steps": [c for c in SubmissionStatus.choices if c[0] != SubmissionStatus.RETURNED],
        "versions": dict(Assessment.objects.filter(campaign=campaign, branch=branch).values_list("stage", "version")),
        "veto_events": selectors.veto_events(request.user, campaign, branch),
        "veto_texts": {v.code: v.text for s in standard.stars.all() for v in s.vetoes.all()},
        "veto_form": VetoForm(standard=standard, initial={"occurred_on": timezone.localdate()})
        if policy.may(request.user, "branch.review", branch) else None,
        "may_confirm_veto": policy.may(request.user, "branch.district_review", branch),
        "reason_form": ReasonForm(),
    })


@login_required
@require_POST
def self_save(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    standard = campaign.standard_for(branch)
    try:
        form = _self_form(request, standard)
        values, notes = form.results()
        services.save_self_results(request.user, campaign, branch, values, notes, form.cleaned_data["version"])
        messages.success(request, _("自评已保存。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("evaluation:branch", args=[campaign.pk, branch.pk]) + "#self")


@login_required
@require_POST
def self_preview(request, pk, branch):
    """htmx: the stars and level the engine gives for the values on screen, without saving."""
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    sub = services.get_submission(campaign, branch)
    try:
        values, _notes = _self_form(request, campaign.standard_for(branch)).results()
    except ValidationError as exc:
        return HttpResponse(f'<p class="error">{" ".join(exc.messages)}</p>')
    standard, blocks, evaluation = selectors.branch_picture(campaign, branch, sub, values)
    return render(request, "evaluation/_engine.html", {"blocks": blocks, "evaluation": evaluation})


@login_required
@require_POST
def claim(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    if not policy.may(request.user, "branch.declare", branch):
        raise Http404  # out of role: refused before the form is read
    try:
        form = ClaimForm(request.POST, standard=campaign.standard_for(branch))
        if not form.is_valid():
            raise form_failure(form)
        services.submit_claim(request.user, campaign, branch, form.cleaned_data["claimed"],
                              confirmed=form.cleaned_data["confirm"])
        messages.success(request, _("已申报，等待办事处初审。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:branch", pk=campaign.pk, branch=branch.pk)


def _submission(request, campaign, branch):
    sub = services.get_submission(campaign, branch)
    if sub.pk is None:
        raise Http404
    return sub


def _note(request) -> str:
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise form_failure(form)
    return form.cleaned_data["note"]


@login_required
@require_POST
def office_action(request, pk, branch, action):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    sub = _submission(request, campaign, branch)
    try:
        note = _note(request)
        if action == "review":
            form = OfficeReviewForm(request.POST, standard=campaign.standard_for(branch))
            if not form.is_valid():
                raise form_failure(form)
            services.office_review(request.user, sub, form.judgements(), form.cleaned_data["version"])
            messages.success(request, _("初审意见已保存。"))
        elif action == "return":
            services.office_return(request.user, sub, note)
            messages.success(request, _("已退回支部修改。"))
        elif action == "pass":
            sub = services.office_pass(request.user, sub, note)
            messages.success(request, _("初审通过，已报区级审核。"))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:branch", pk=campaign.pk, branch=branch.pk)


@login_required
@require_POST
def district_action(request, pk, branch, action):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    sub = _submission(request, campaign, branch)
    try:
        if action == "decide":
            form = DecideForm(request.POST)
            if not form.is_valid():
                raise form_failure(form)
            d = form.cleaned_data
            services.district_decide(request.user, sub, d["star_code"], d["passed"], d["note"], d["version"])
            messages.success(request, _("审核意见已保存。"))
        elif action == "return":
            services.district_return(request.user, sub, _note(request))
            messages.success(request, _("已退回办事处。"))
        elif action == "finalize":
            sub = services.district_finalize(request.user, sub)
            messages.success(request, _("审核完成：拟命名 {n} 星。").format(n=sub.proposed_level))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:branch", pk=campaign.pk, branch=branch.pk)


@login_required
def queue(request, pk):
    campaign = _campaign(request, pk)
    query = query_of(request, QueueQuery)
    status = query["status"]
    subs = selectors.submissions_in_scope(request.user, campaign, status, q=query["q"], office=query["office"],
                                          star=query["star"])
    if query["format"] in ("xlsx", "csv"):
        return export_sheet(request, "evaluation.claims", {
            "campaign": campaign.pk, "status": status, "q": query["q"], "office": query["office"],
            "star": query["star"]}, f"评星申报_{campaign.year}", query["format"])
    page = page_or_404(subs, 100, query["page"])
    counts = selectors.status_counts(request.user, campaign)
    stars = star_names(campaign)
    filters = {k: query[k] for k in ("q", "office", "star") if query[k]}
    return render(request, "evaluation/queue.html", {
        "campaign": campaign, "page": page, "status": status, "counts": [(v, l, counts.get(v, 0)) for v, l in SubmissionStatus.choices],
        "filters": urlencode(filters), "q": query["q"], "office": query["office"], "star": query["star"],
        "office_form": search.UnitFilterForm(name="office", label=_("办事处"), scope="seen_offices", value=query["office"],
                                             queryset=search.units(request.user, "seen_offices").filter(
                                                 path__startswith=campaign.unit.path)),
        "stars": sorted(stars.items()),
        "is_district": policy.may(request.user, "campaign.manage", campaign.unit),
        "notices": PublicNotice.objects.filter(campaign=campaign)})


# --- evidence -------------------------------------------------------------------------------------------

@login_required
def evidence_page(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    standard = campaign.standard_for(branch)
    form = EvidenceForm(request.POST or None, request.FILES or None, standard=standard,
                        initial={"indicator_code": query_of(request, EvidenceQuery)["indicator"]})
    may_upload = policy.may(request.user, "branch.work", branch)
    if request.method == "POST":
        if not may_upload:
            raise Http404
        change = EvidenceChangeForm(request.POST, request.FILES)
        change.is_valid()  # an upload has no file to change: only its action is read here
        if "action" in change.errors:
            raise Http404
        if change.cleaned_data.get("action") in ("withdraw", "replace"):
            return _change_evidence(request, campaign, branch, change)
        if form.is_valid():
            uploads = form.cleaned_data["file"]
            try:
                services.add_evidence_files(request.user, campaign, branch, form.cleaned_data["indicator_code"],
                                            [(u.name, u.read()) for u in uploads], form.cleaned_data["description"])
                messages.success(request, _("已上传 {n} 个文件：{names}。").format(
                    n=len(uploads), names="、".join(u.name for u in uploads)))
                return redirect("evaluation:evidence", pk=campaign.pk, branch=branch.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    files = Evidence.objects.for_user(request.user).filter(campaign=campaign, branch=branch).select_related("uploaded_by")
    names = {i.code: i.text for s in standard.stars.all() for i in s.indicators.all()}
    return render(request, "evaluation/evidence.html", {
        "campaign": campaign, "branch": branch, "form": form, "may_upload": may_upload,
        "may_change": may_upload and services.ledger_open(campaign, branch),
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024), "max_files": settings.EVIDENCE_MAX_FILES,
        "files": [(f, names.get(f.indicator_code, "")) for f in files]})


def _change_evidence(request, campaign, branch, form):
    """撤回 (with a tick) or 替换 one file of the ledger, until the claim goes up."""
    try:
        if not form.is_valid():
            raise form_failure(form)
        evidence = get_object_or_404(Evidence.objects.for_user(request.user, "edit").filter(
            campaign=campaign, branch=branch), pk=form.cleaned_data["evidence"])
        if form.cleaned_data["action"] == "withdraw":
            services.withdraw_evidence(request.user, evidence)
            messages.success(request, _("已撤回“{name}”。").format(name=evidence.original_name))
        else:
            upload = form.cleaned_data["file"]
            services.replace_evidence(request.user, evidence, upload.name, upload.read())
            messages.success(request, _("已用“{new}”替换“{old}”。").format(new=upload.name, old=evidence.original_name))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:evidence", pk=campaign.pk, branch=branch.pk)


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(Evidence.objects.for_user(request.user), pk=pk)
    return serve(evidence.file, evidence.content_type, evidence.original_name,
                 inline=not query_of(request, EvidenceQuery)["download"])


# --- notices, objections, awards ------------------------------------------------------------------------

@login_required
def notices(request, pk):
    campaign = _campaign(request, pk)
    if not policy.may(request.user, "campaign.manage", campaign.unit):
        raise Http404
    form = NoticeForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish_notice(request.user, campaign, form.cleaned_data["title"],
                                             form.cleaned_data["starts_on"], hotline=form.cleaned_data["hotline"])
            messages.success(request, _("已发布公示，截止 {d}。").format(d=notice.ends_on))
            return redirect("evaluation:notice", pk=notice.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "evaluation/notices.html", {
        "campaign": campaign, "form": form, "notices": PublicNotice.objects.filter(campaign=campaign),
        "proposed": selectors.submissions_in_scope(request.user, campaign, SubmissionStatus.PROPOSED)})


def _ruling_stars(objection, names) -> list[tuple[str, str]]:
    """The stars a ruling may remove: those proposed now, plus those this objection already removed."""
    sub = objection.submission
    codes = list(dict.fromkeys([*(sub.proposed_star_codes if sub else []), *objection.removed_star_codes]))
    return [(c, names.get(c, c)) for c in codes]


@login_required
def notice_manage(request, pk):
    notice = get_object_or_404(PublicNotice.objects.for_user(request.user).select_related("campaign__unit"), pk=pk)
    if not policy.may(request.user, "campaign.manage", notice.campaign.unit):
        raise Http404
    names = star_names(notice.campaign)
    rows = []
    for o in notice.objections.select_related("submission__branch", "resolved_by"):
        form_class = ResolveForm if o.status == "open" else CorrectForm
        rows.append((o, form_class(prefix=f"o{o.pk}", stars=_ruling_stars(o, names))))
    return render(request, "evaluation/notice_manage.html", {
        "notice": notice, "names": names, "objections": rows, "open": services.notice_open(notice),
        "waiting": sum(1 for o, _f in rows if o.status == "open"),
        "submissions": notice.submissions.select_related("branch__parent")})


def _objection(request, pk):
    objection = get_object_or_404(Objection.objects.select_related("notice__campaign__unit", "submission"), pk=pk)
    if not (PublicNotice.objects.for_user(request.user).filter(pk=objection.notice_id).exists()
            and policy.may(request.user, "campaign.manage", objection.notice.campaign.unit)):
        raise Http404
    return objection


@login_required
@require_POST
def objection_resolve(request, pk):
    objection = _objection(request, pk)
    names = star_names(objection.notice.campaign)
    correcting = objection.status != "open"
    form = (CorrectForm if correcting else ResolveForm)(request.POST, prefix=f"o{objection.pk}",
                                                        stars=_ruling_stars(objection, names))
    try:
        if not form.is_valid():
            raise form_failure(form)
        d = form.cleaned_data
        ruling = {"ruling": d["ruling"], "outcome": d["outcome"], "removed_star_codes": d["removed_star_codes"],
                  "rejection": d["rejection"]}
        if correcting:
            services.correct_resolution(request.user, objection, reason=d["reason"], **ruling)
            messages.success(request, _("异议处理结果已更正。"))
        else:
            services.resolve_objection(request.user, objection, **ruling)
            messages.success(request, _("异议已处理。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("evaluation:notice", args=[objection.notice_id]) + "#objections")


@login_required
@require_POST
def notice_close(request, pk):
    notice = get_object_or_404(PublicNotice.objects.for_user(request.user).select_related("campaign__unit"), pk=pk)
    if not policy.may(request.user, "campaign.manage", notice.campaign.unit):
        raise Http404
    try:
        awards = services.close_notice(request.user, notice)
        messages.success(request, _("公示结束，已命名 {n} 个支部。").format(n=len(awards)))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:notice", pk=notice.pk)


def public_notices(request):
    """No login: the notices currently open and the recent ones."""
    items = PublicNotice.objects.select_related("campaign__unit").order_by("-starts_on")[:20]
    return render(request, "evaluation/public_list.html", {"notices": items})


def public_notice(request, pk):
    """No login: the proposed levels and the objection form. Objectors' details are never displayed."""
    notice = get_object_or_404(PublicNotice.objects.select_related("campaign__unit"), pk=pk)
    subs = [SimpleNamespace(pk=pk, name=name, office=office, level=level, codes=codes) for pk, name, office, level, codes
            in notice.submissions.order_by("-proposed_level", "branch__path").values_list(
                "pk", "branch__name", "branch__parent__name", "proposed_level", "proposed_star_codes")]
    names = star_names(notice.campaign)
    form = ObjectionForm(request.POST or None, submissions=subs)
    is_open = services.notice_open(notice)
    if request.method == "POST" and is_open:
        # A valid objection (captcha solved, contact a phone or e-mail) counts against the sender's hourly
        # budget, keyed on the real client address; an invalid one does not.
        if not _throttle_ok(request, peek=True):
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
        elif form.is_valid() and _throttle_ok(request):
            try:
                services.raise_objection(notice, name=form.cleaned_data["name"], contact=form.cleaned_data["contact"],
                                         content=form.cleaned_data["content"],
                                         submission_id=form.cleaned_data["submission"], ip=client_ip(request))
                return render(request, "evaluation/public_thanks.html", {"notice": notice})
            except ValidationError as exc:
                apply_errors(form, exc)
    # Hundreds of rows for a county: joined in Python (format_html_join escapes every cell).
    # Each cell names its column (data-label), so a phone shows the rows as labelled cards.
    labels = [_("序号"), _("支部"), _("所属办事处"), _("拟命名星级"), _("星")]
    rows = format_html_join("", "<tr>" + "".join(f'<td data-label="{label}">{{}}</td>' for label in labels) + "</tr>", (
        (i, s.name, s.office or "", star_level(s.level), "、".join(names.get(c, c) for c in s.codes))
        for i, s in enumerate(subs, start=1)))
    summary = _("{unit}{year}年度“五星”支部拟命名名单公示，共{n}个支部，公示时间{a}至{b}。").format(
        unit=notice.campaign.unit.name, year=notice.campaign.year, n=len(subs),
        a=f"{notice.starts_on:%Y年%-m月%-d日}", b=f"{notice.ends_on:%Y年%-m月%-d日}")
    return render(request, "evaluation/public_notice.html", {
        "notice": notice, "rows": rows, "form": form, "is_open": is_open, "summary": summary,
        "page_url": request.build_absolute_uri(reverse("public:public_notice", args=[notice.pk])),
        "qr_url": request.build_absolute_uri(reverse("public:public_notice_qr", args=[notice.pk]))})


def public_notice_qr(request, pk):
    """No login: the QR code of the notice's address, as SVG for the page or PNG for a poster (?format=png)."""
    import segno

    notice = get_object_or_404(PublicNotice, pk=pk)
    qr = segno.make(request.build_absolute_uri(reverse("public:public_notice", args=[notice.pk])), error="m")
    buffer = io.BytesIO()
    if query_of(request)["format"] == "png":
        qr.save(buffer, kind="png", scale=12, border=4)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
        response["Content-Disposition"] = f"attachment; filename=\"qr.png\"; filename*=UTF-8''{quote(notice.title + '_二维码.png')}"
    else:
        qr.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=notice.title)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _throttle_ok(request, peek: bool = False, limit: int = 10) -> bool:
    """At most `limit` objections per address per hour (cache-backed; Redis when configured)."""
    from django.core.cache import cache

    key = f"objection:{client_ip(request) or ''}"
    count = cache.get(key, 0)
    if peek:
        return count < limit
    if count >= limit:
        return False
    cache.set(key, count + 1, 3600)
    return True


@login_required
def awards(request, pk):
    campaign = _campaign(request, pk)
    items = selectors.awards_in_scope(request.user, campaign)
    query = query_of(request)
    if query["format"] in ("xlsx", "csv"):
        return export_sheet(request, "evaluation.awards", {"campaign": campaign.pk}, f"命名名单_{campaign.year}",
                            query["format"])
    return render(request, "evaluation/awards.html", {"campaign": campaign, "page": page_or_404(items, 100, query["page"])})


def _star_names(campaign, branch):
    return {s.code: s.name for s in campaign.standard_for(branch).stars.all()}


@login_required
def award_page(request, pk):
    award = get_object_or_404(Award.objects.for_user(request.user).select_related("campaign", "branch__parent"), pk=pk)
    names = _star_names(award.campaign, award.branch)
    may_remove = policy.may(request.user, "branch.district_review", award.branch)
    form = RemovalForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    form.fields["star_code"].choices = [(c, names.get(c, c)) for c in award.effective_star_codes]
    if request.method == "POST":
        if not may_remove:
            raise Http404
        if form.is_valid():
            try:
                services.remove_star(request.user, award, **form.cleaned_data)
                messages.success(request, _("已撤销该星。"))
                return redirect("evaluation:award", pk=award.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(request, "evaluation/award.html", {
        "award": award, "names": names, "form": form, "may_remove": may_remove, "reinstate_form": ReinstateForm(),
        "removals": [(r, names.get(r.star_code, r.star_code))
                     for r in award.removals.select_related("approved_by", "reinstated_by")],
        "stars": [names.get(c, c) for c in award.star_codes], "effective": [names.get(c, c) for c in award.effective_star_codes]})


@login_required
@require_POST
def reinstate(request, pk):
    removal = get_object_or_404(StarRemoval.objects.select_related("award__branch"), pk=pk)
    if not (Award.objects.for_user(request.user).filter(pk=removal.award_id).exists()
            and policy.may(request.user, "branch.district_review", removal.award.branch)):
        raise Http404
    form = ReinstateForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        services.reinstate_star(request.user, removal, form.cleaned_data["reason"])
        messages.success(request, _("已恢复该星。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("evaluation:award", pk=removal.award_id)


@login_required
def certificate(request, pk):
    award = get_object_or_404(Award.objects.for_user(request.user).select_related("campaign__unit", "branch"), pk=pk)
    names = _star_names(award.campaign, award.branch)
    return render(request, "evaluation/certificate.html", {"award": award,
                                                           "stars": [names.get(c, c) for c in award.star_codes]})


@login_required
def history(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    events = page_or_404(selectors.branch_history(request.user, branch), 100, query_of(request)["page"])
    names = star_names(campaign)
    lines = [audit_words.line(e, names) for e in events]
    return render(request, "evaluation/history.html", {"campaign": campaign, "branch": branch, "page": events,
                                                       "lines": lines})


# --- 一票否决 -------------------------------------------------------------------------------------------

@login_required
def vetoes(request, pk):
    """The campaign's veto register in the user's scope, exportable."""
    campaign = _campaign(request, pk)
    items = selectors.veto_events(request.user, campaign)
    query = query_of(request)
    if query["format"] in ("xlsx", "csv"):
        rows = [[e.branch.parent.name if e.branch.parent else "", e.branch.name, e.veto_code, e.star_code,
                 e.occurred_on, e.description, e.evidence, e.get_status_display(),
                 e.recorded_by.username if e.recorded_by else "", e.approved_by.username if e.approved_by else "",
                 e.revoke_reason] for e in items]
        return export_response(query["format"], f"一票否决事件_{campaign.year}",
                               ["办事处", "支部", "否决情形", "星", "发生日期", "情况说明", "佐证材料", "状态",
                                "登记人", "确认人", "撤销理由"], rows)
    texts = {}
    for kind in ("urban", "rural"):
        for star in campaign.standard_for_kind(kind).stars.all():
            texts.update({v.code: (star.name, v.text) for v in star.vetoes.all()})
    page = page_or_404(items, 100, query["page"])
    return render(request, "evaluation/vetoes.html", {"campaign": campaign, "page": page, "texts": texts})


@login_required
@require_POST
def veto_record(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    if not policy.may(request.user, "branch.review", branch):
        raise Http404  # out of role: refused before the form is read
    form = VetoForm(request.POST, standard=campaign.standard_for(branch))
    try:
        if not form.is_valid():
            raise form_failure(form)
        event = services.record_veto(request.user, campaign, branch, **form.cleaned_data)
        messages.success(request, _("否决事件已生效，该星不能保留。") if event.status == "in_force"
                         else _("否决事件已登记，待区级确认。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("evaluation:branch", args=[campaign.pk, branch.pk]) + "#vetoes")


def _veto(request, pk) -> VetoEvent:
    event = get_object_or_404(VetoEvent.objects.for_user(request.user).select_related("branch"), pk=pk)
    if not policy.may(request.user, "branch.district_review", event.branch):
        raise Http404
    return event


@login_required
@require_POST
def veto_approve(request, pk):
    event = _veto(request, pk)
    try:
        services.approve_veto(request.user, event)
        messages.success(request, _("否决事件已确认生效。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("evaluation:branch", args=[event.campaign_id, event.branch_id]) + "#vetoes")


@login_required
@require_POST
def veto_revoke(request, pk):
    event = _veto(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        services.revoke_veto(request.user, event, form.cleaned_data["reason"])
        messages.success(request, _("否决事件已撤销。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("evaluation:branch", args=[event.campaign_id, event.branch_id]) + "#vetoes")
