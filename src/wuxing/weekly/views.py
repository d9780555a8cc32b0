"""Weekly dynamics pages: a branch's report and history, the office matrix and roll-up, district rates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import (
    branch_numbers,
    campaign_or_404,
    campaign_unit_or_404,
    campaigns_for,
    place,
    weeks_state,
)
from wuxing.core import policy
from wuxing.core import weeks as deadlines
from wuxing.core.exports import document_response, export_response
from wuxing.core.files import serve
from wuxing.core.forms import action_of, form_failure, query_of, report_failure
from wuxing.core.pagecache import cached
from wuxing.core.roles import BRANCH_LEVELS, Level
from wuxing.creation.models import PlanTask
from wuxing.orgs import services as orgs_services
from wuxing.rollups import selectors as rollups
from wuxing.rollups.caching import cached_body
from wuxing.weekly import rollup, selectors, services
from wuxing.weekly.forms import AttachmentForm, DecisionForm, IssueForm, ItemFormSet, ReportForm
from wuxing.weekly.models import Attachment, WeeklyReport

MATRIX_WEEKS = 8


def _campaign(request, pk):
    return campaign_or_404(request.user, pk)


def _unit(request, campaign, pk, levels):
    return campaign_unit_or_404(request.user, campaign, pk, levels)


@login_required
def weekly_home(request):
    """Send each person to their weekly page: branch history, office matrix, district rates, or the leader's
    assigned branches."""
    campaign = campaigns_for(request.user).filter(is_active=True).order_by("-year").first()
    if campaign is None:
        return render(request, "weekly/none.html")
    where, units = place(request.user, campaign)
    if where == "branch" or (where == "leader" and len(units) == 1):
        return redirect("weekly:branch", pk=campaign.pk, branch=units[0].pk)
    if where == "office" and len(units) == 1:
        return redirect("weekly:office", pk=campaign.pk, office=units[0].pk)
    if where == "district":
        return redirect("weekly:district", pk=campaign.pk)
    if where == "leader":
        weeks = list(reversed(selectors.report_weeks(campaign, last=6)))
        status_of = selectors.statuses(campaign, [u.pk for u in units], weeks)
        return render(request, "weekly/leader.html", {
            "campaign": campaign, "weeks": weeks,
            "rows": [(u, [(w, status_of[(u.pk, w)]) for w in weeks]) for u in units]})
    if where == "office":
        return render(request, "weekly/offices.html", {"campaign": campaign, "offices": units})
    return render(request, "weekly/none.html")


@login_required
def branch_history(request, pk, branch):
    campaign = campaign_or_404(request.user, pk, branch=branch)
    branch = _unit(request, campaign, branch, BRANCH_LEVELS)
    weeks = list(reversed(selectors.report_weeks(campaign)))

    def build():
        status_of = selectors.statuses(campaign, [branch.pk], weeks)
        reports = {(r.iso_year, r.iso_week): r for r in branch.weekly_reports.filter(campaign=campaign).only(
            "branch", "iso_year", "iso_week", "status", "submitted_at")}
        rows = [(w, deadlines.week_start(*w), campaign.weekly_due(*w), status_of[(branch.pk, w)], reports.get(w))
                for w in weeks]
        # Jinja2's output with autoescape on: safe to place as it is.
        return mark_safe(render_to_string("weekly/_history.html", {
            "campaign": campaign, "branch": branch, "rows": rows,
            "may_write": policy.may(request.user, "branch.declare", branch)}, request, using="jinja2"))

    # The branch's reports (every write of them moves its version) and the weeks shown with their deadlines.
    table = cached(request, "history", lambda: (
        campaign.pk, branch.pk, *branch_numbers(campaign, branch.pk), *weeks_state(campaign, weeks)), build)
    return render(request, "weekly/branch.html", {"campaign": campaign, "branch": branch, "table": table})


def _report_context(request, campaign, branch, report, form=None, items=None):
    tasks = list(PlanTask.objects.filter(campaign=campaign, branch=branch).order_by("due_date"))
    flags = services.report_flags(request.user, report)
    if flags["may_edit"] or (report.pk is None and policy.may(request.user, "branch.declare", branch)):
        flags["may_edit"] = True
        form = form or ReportForm(initial={"version": report.version if report.pk else None, "summary": report.summary,
                                           "problems": report.problems, "next_plan": report.next_plan,
                                           "highlights": report.highlights})
        items = items or ItemFormSet(form_kwargs={"tasks": tasks})
    status = deadlines.status(report.submitted_at, report.due_at, timezone.now())
    return {"campaign": campaign, "branch": branch, "report": report, "flags": flags, "form": form, "items": items,
            "status": status, "attachment_form": AttachmentForm(), "decision_form": DecisionForm(),
            "saved_items": report.items.select_related("task") if report.pk else [],
            "attachments": report.attachments.all() if report.pk else []}


@login_required
def report_page(request, pk, branch, year, week):
    campaign = _campaign(request, pk)
    branch = _unit(request, campaign, branch, BRANCH_LEVELS)
    try:
        services.check_week(campaign, year, week)
    except ValidationError:
        raise Http404 from None
    report = services.get_report(campaign, branch, year, week)
    if request.method == "POST":
        tasks = list(PlanTask.objects.filter(campaign=campaign, branch=branch))
        form = ReportForm(request.POST)
        items = ItemFormSet(request.POST, form_kwargs={"tasks": tasks})
        if form.is_valid() and items.is_valid():
            by_id = {t.pk: t for t in tasks}
            inputs = [services.ItemInput(text=f["text"], task=by_id.get(f.get("task")), task_done=f.get("task_done", False))
                      for f in items.cleaned_data if f and f.get("text", "").strip()]
            try:
                services.save_report(request.user, campaign, branch, year, week, items=inputs,
                                     version=form.cleaned_data["version"], submit=form.cleaned_data["submit"],
                                     **{k: form.cleaned_data[k] for k in ("summary", "problems", "next_plan",
                                                                          "highlights")})
                if form.cleaned_data["submit"]:
                    messages.success(request, _("已提交。"))
                else:
                    messages.success(request, _("已保存草稿。"))
                return redirect("weekly:report", pk=campaign.pk, branch=branch.pk, year=year, week=week)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                from wuxing.core.forms import apply_errors

                apply_errors(form, exc)
        return render(request, "weekly/report.html", _report_context(request, campaign, branch, report, form, items))
    return render(request, "weekly/report.html", _report_context(request, campaign, branch, report))


def _stored_report(request, campaign, branch, year, week):
    report = services.get_report(campaign, branch, year, week)
    if report.pk is None:
        raise Http404
    return report


@login_required
@require_POST
def report_action(request, pk, branch, year, week, action):
    campaign = _campaign(request, pk)
    branch = _unit(request, campaign, branch, BRANCH_LEVELS)
    report = _stored_report(request, campaign, branch, year, week)
    note = DecisionForm(request.POST)
    text = note.cleaned_data["note"] if note.is_valid() else ""
    try:
        if action == "submit":
            services.submit_report(request.user, report)
        elif action == "return":
            services.return_report(request.user, report, text)
        elif action == "accept":
            services.accept_report(request.user, report, text)
        else:
            raise Http404
        messages.success(request, _("操作成功。"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("weekly:report", pk=campaign.pk, branch=branch.pk, year=year, week=week)


@login_required
@require_POST
def attachment_add(request, pk, branch, year, week):
    campaign = _campaign(request, pk)
    branch = _unit(request, campaign, branch, BRANCH_LEVELS)
    report = _stored_report(request, campaign, branch, year, week)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(request.user, report, upload.name, upload.read())
            messages.success(request, _("附件已上传。"))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("weekly:report", pk=campaign.pk, branch=branch.pk, year=year, week=week)


@login_required
def attachment_download(request, pk):
    att = get_object_or_404(Attachment.objects.filter(report__in=WeeklyReport.objects.for_user(request.user)), pk=pk)
    return serve(att.file, att.content_type, att.original_name)


@login_required
def office_matrix(request, pk, office):
    campaign = _campaign(request, pk)
    office = _unit(request, campaign, office, [Level.OFFICE])
    def build():
        # Statuses change only with a first submission (which moves the rollups' stamp) or a deadline passing
        # (which the cache key counts), the branches only with the org tree (which moves it too).
        weeks = selectors.report_weeks(campaign, last=MATRIX_WEEKS)
        branches = list(selectors.branches_in(request.user, office))
        status_of = selectors.statuses(campaign, [b.pk for b in branches], weeks)
        rows = [(b, [status_of[(b.pk, w)] for w in weeks]) for b in branches]
        return render_to_string("weekly/_office_matrix.html", {
            "campaign": campaign, "office": office, "weeks": weeks, "rows": rows}, request, using="jinja2")

    table = cached_body(request, campaign, office, "weekmatrix", build)
    return render(request, "weekly/office.html", {"campaign": campaign, "office": office,
                                                  "table": mark_safe(table)})  # Jinja2 escaped it


def _week(year, week):
    try:
        deadlines.week_start(year, week)
    except ValueError:
        raise Http404 from None
    return (year, week)


@login_required
def office_rollup(request, pk, office, year, week):
    campaign = _campaign(request, pk)
    office = _unit(request, campaign, office, [Level.OFFICE])
    week = _week(year, week)
    may_manage = policy.may(request.user, "area.manage", office)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        action_of(request, ["issue"])
        try:
            form = IssueForm(request.POST)
            if not form.is_valid():
                raise form_failure(form)
            taken = services.issue_rollup(request.user, campaign, office, week)
            messages.success(request, _("已编号印发：{n}。").format(n=taken))
        except (ValidationError, PermissionDenied) as exc:
            report_failure(request, exc)
        return redirect("weekly:rollup", pk=campaign.pk, office=office.pk, year=year, week=week[1])
    rows = selectors.rollup(request.user, campaign, office, week)
    taken = orgs_services.issued(office, rollup.key(campaign, office, week))
    fmt = query_of(request)["format"]
    if fmt in ("docx", "pdf"):
        return document_response(request, fmt, rollup.title(office, week), rollup.docx_bytes(campaign, office, week, rows))
    if fmt in ("xlsx", "csv"):
        return export_response(fmt, f"周工作动态_{office.name}_{deadlines.label(*week)}", rollup.XLSX_HEADERS,
                               rollup.xlsx_rows(rows), title=_("周工作动态"))
    previous = deadlines.week_of(deadlines.week_start(*week) - dt.timedelta(days=7))
    following = deadlines.week_of(deadlines.week_start(*week) + dt.timedelta(days=7))
    return render(request, "weekly/rollup.html", {
        "campaign": campaign, "office": office, "week": week, "rows": rows, "monday": deadlines.week_start(*week),
        "due": campaign.weekly_due(*week), "previous": previous, "following": following,
        "may_review": may_manage, "taken": taken, "issuable": services.rollup_issuable(campaign, week)})


@login_required
def district(request, pk):
    campaign = _campaign(request, pk)
    query = query_of(request)
    root = rollups.area(request.user, campaign, query["unit"])
    if root.level == Level.OFFICE:
        return redirect("weekly:office", pk=campaign.pk, office=root.pk)
    if not policy.may(request.user, "star.view", root):
        raise Http404
    weeks = selectors.report_weeks(campaign, last=12)
    if query["format"] in ("xlsx", "csv"):
        offices = selectors.unit_rates(campaign, rollups.groups(request.user, root), weeks)
        rows = [[o.office.name, deadlines.label(*r.week), r.expected, r.on_time, r.late, r.missing,
                 r.report_rate, r.on_time_rate] for o in offices for r in o.weeks]
        return export_response(query["format"], f"周动态报送率_{root.name}_{campaign.year}",
                               ["单位", "周", "应报", "按时", "迟报", "未报", "报送率%", "按时率%"], rows)

    def build():
        offices = selectors.unit_rates(campaign, rollups.groups(request.user, root), weeks)
        chart = {
            "weeks": [deadlines.label(y, w, with_year=False) for y, w in weeks], "x_name": _("周次"), "y_name": _("按时报送率（%）"),
            "series": [{"name": o.office.name, "report": [r.report_rate for r in o.weeks],
                        "on_time": [r.on_time_rate for r in o.weeks]} for o in offices],
        }
        return render_to_string("weekly/_district_body.html", {
            "campaign": campaign, "offices": offices, "weeks": weeks, "chart": chart, "root": root}, request)

    return render(request, "weekly/district.html", {"campaign": campaign, "root": root,
                                                    "body": cached_body(request, campaign, root, "weekly", build)})
