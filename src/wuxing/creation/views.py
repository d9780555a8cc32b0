"""Annual creation pages: campaigns, the branch workspace (target, plan, gaps), matrices, leader view."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import (
    branch_numbers,
    campaign_or_404,
    campaign_unit_or_404,
    campaigns_for,
    star_names,
)
from wuxing.core import policy
from wuxing.core.forms import apply_errors, form_failure, query_of, report_failure
from wuxing.core.pagecache import CSRF_SENTINEL, cached
from wuxing.core.roles import BRANCH_LEVELS, Level, Role
from wuxing.core.views import export_sheet
from wuxing.creation import plans_io, selectors, services
from wuxing.creation.forms import (
    MATRIX_TABS,
    CampaignForm,
    CommentForm,
    DeleteForm,
    MatrixQuery,
    NoteForm,
    ProgressForm,
    RerateForm,
    TargetForm,
    TaskForm,
    TaskQuery,
)
from wuxing.creation.models import PlanTask
from wuxing.orgs.models import Assignment, OrgUnit
from wuxing.orgs.selectors import subtree_numbers
from wuxing.orgs.views import _import_page, _template_response

DISTRICT_ADMIN = frozenset({Role.DISTRICT_ADMIN})


def _campaign(request, pk: int) -> Campaign:
    return campaign_or_404(request.user, pk)


def _branch(request, campaign: Campaign, pk: int) -> OrgUnit:
    return campaign_unit_or_404(request.user, campaign, pk, BRANCH_LEVELS)


OFFICE_SHORTCUTS = 10


@login_required
def campaign_list(request):
    """Entry page: the campaigns, and shortcuts to what this person works on."""
    campaigns = list(campaigns_for(request.user))
    current = next((c for c in campaigns if c.is_active), None)
    shortcuts = []
    if current is not None:
        units = OrgUnit.objects.for_user(request.user).filter(path__startswith=current.unit.path)
        own = [u for u in units.filter(level__in=BRANCH_LEVELS).order_by("path")[:3]
               if policy.may(request.user, "branch.declare", u)]
        for u in own:
            shortcuts.append((_("{name} 创建工作台").format(name=u.name),
                              reverse("creation:branch", args=[current.pk, u.pk])))
        # A few offices get a shortcut each; a county, city or province reaches them through its matrix.
        offices = list(units.filter(level=Level.OFFICE).order_by("path")[:OFFICE_SHORTCUTS + 1])
        for office in offices if len(offices) <= OFFICE_SHORTCUTS else []:
            if policy.may(request.user, "area.manage", office) or policy.may(request.user, "branch.decide_star", office):
                shortcuts.append((_("{name} 创建矩阵").format(name=office.name),
                                  reverse("creation:office", args=[current.pk, office.pk])))
        if policy.may(request.user, "star.view", current.unit) and not own:
            shortcuts.insert(0, (_("创建矩阵"), reverse("creation:campaign", args=[current.pk])))
        elif len(offices) > OFFICE_SHORTCUTS:
            shortcuts.insert(0, (_("创建矩阵"), reverse("contest:matrix", args=[current.pk])))
        if Assignment.objects.filter(leader=request.user).exists():
            shortcuts.insert(0, (_("我包联的支部"), reverse("creation:leader", args=[current.pk])))
    may_create = policy.may_anywhere(request.user, "campaign.manage")
    return render(request, "creation/campaign_list.html", {
        "campaigns": campaigns, "current": current, "shortcuts": shortcuts, "may_create": may_create})


def _campaign_form_page(request, form, title, campaign=None, unit=None):
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.create_campaign(request.user, unit, **form.cleaned_data)
            else:
                services.update_campaign(request.user, campaign, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("creation:campaign", pk=campaign.pk)
    return render(request, "creation/campaign_form.html", {"form": form, "title": title, "campaign": campaign})


@login_required
def campaign_create(request):
    units = OrgUnit.objects.for_user(request.user, "manage").filter(
        level__in=[Level.DISTRICT, Level.CITY, Level.PROVINCE]).order_by("path")
    unit = next((u for u in units if policy.may(request.user, "campaign.manage", u)), None)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    initial = {"year": today.year, "name": _("{year} 年度“五星”支部创建").format(year=today.year),
               "plan_due": f"{today.year}-03-31", "assessment_opens": f"{today.year}-10-01",
               "assessment_closes": f"{today.year}-10-31", "office_review_due": f"{today.year}-11-15",
               "district_review_due": f"{today.year}-11-30",
               "key_work_tags": "\n".join(services.Campaign._meta.get_field("key_work_tags").default())}
    form = CampaignForm(request.POST or None, initial=initial)
    return _campaign_form_page(request, form, _("新建创建年度（{unit}）").format(unit=unit.name), unit=unit)


@login_required
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, "manage"), pk=pk)
    initial = {f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS}
    initial["key_work_tags"] = "\n".join(campaign.key_work_tags)
    form = CampaignForm(request.POST or None, initial=initial)
    return _campaign_form_page(request, form, _("编辑创建年度"), campaign=campaign)


@login_required
def campaign_rerate(request, pk: int):
    """更换标准版本: preview every branch whose level would change, then apply on confirmation."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, "manage"), pk=pk)
    form = RerateForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["token"]:
                done = services.rerate_apply(request.user, campaign, d["kind"], d["standard"], d["token"])
                messages.success(request, _("已更换为{s}，{n} 个支部星级随之变化。").format(s=d["standard"],
                                                                                n=len(done.changes)))
                return redirect("creation:campaign", pk=campaign.pk)
            preview = services.rerate_preview(request.user, campaign, d["kind"], d["standard"])
        except ValidationError as exc:
            apply_errors(form, exc)
    names = {}
    if preview is not None:
        names = {s.code: s.name for s in preview.standard.stars.all()}
        names.update({s.code: s.name for s in campaign.standard_for_kind(preview.kind).stars.all()})
    return render(request, "creation/campaign_rerate.html", {
        "campaign": campaign, "form": form, "preview": preview, "names": names,
        "in_use": {k: services.standard_in_use(campaign, k) for k in ("urban", "rural")}})


@login_required
def campaign_detail(request, pk: int):
    """The campaign's settings; its matrix (units × stars, from the rollups) is contest:matrix, embedded."""
    campaign = get_object_or_404(campaigns_for(request.user).select_related("urban_standard", "rural_standard"), pk=pk)
    return render(request, "creation/campaign_detail.html", {
        "campaign": campaign, "may_edit": policy.may(request.user, "campaign.manage", campaign.unit),
    })


@login_required
def office_matrix(request, pk: int, office: int):
    campaign = _campaign(request, pk)
    office = campaign_unit_or_404(request.user, campaign, office, (Level.OFFICE,))
    status = query_of(request, MatrixQuery)["status"]

    def build():
        columns, rows = selectors.office_matrix(request.user, campaign, office)
        counts = Counter(r.target.status if r.target else "none" for r in rows)
        shown = [r for r in rows if (r.target.status if r.target else "none") == status] if status else rows
        table = render_to_string("creation/_office_matrix.html", {"campaign": campaign, "columns": columns,
                                                                  "rows": shown}, request, using="jinja2")
        return render_to_string("creation/_office_matrix_body.html", {
            "status": status, "table": mark_safe(table),  # Jinja2 escaped it
            "tabs": [(v, label, counts.get(v, 0)) for v, label in MATRIX_TABS]}, request)

    # Targets, levels and tasks of the branches shown: each of their writes moves that branch's version (a change
    # of standard, or of which branches there are, moves the epoch).
    body = cached(request, "office-matrix", lambda: (campaign.pk, office.pk, *subtree_numbers(office.path)),
                  build)
    return render(request, "creation/office_matrix.html", {
        "campaign": campaign, "office": office, "body": body,
        "may_import": policy.may(request.user, "area.manage", office)})


@login_required
def plan_export(request, pk: int, unit: int | None = None):
    """The plans of one unit's branches, or (no unit) of every branch the reader sees."""
    campaign = _campaign(request, pk)
    unit = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=unit) if unit is not None else None
    name = unit.name if unit else campaign.unit.name
    return export_sheet(request, "creation.plans", {"campaign": campaign.pk, "unit": unit.pk if unit else None},
                        f"创建规划_{name}_{campaign.year}", query_of(request)["format"] or "xlsx")


@login_required
def plan_import(request, pk: int):
    campaign = _campaign(request, pk)
    # Office and district admins import; each row is checked against the importer's own scope.
    if not policy.may_anywhere(request.user, "area.manage"):
        raise Http404

    def importer(actor, upload, dry_run, filename):
        return plans_io.import_plans(actor, campaign, upload, dry_run=dry_run, filename=filename)

    return _import_page(request, importer=importer, title=_("导入创建规划（{name}）").format(name=campaign.name),
                        template_url=reverse("creation:plan_template", args=[campaign.pk]),
                        back_url=reverse("creation:campaign", args=[campaign.pk]))


@login_required
def plan_template(request, pk: int):
    campaign = _campaign(request, pk)
    example = ["明湖办事处", "JK0101", "明湖社区", "3", "平安法治星", "完善网格员配备", "每个网格配备 1 名专职网格员",
               "", "张三", f"{campaign.year}-06-30", "未开始", ""]
    stars = list(dict.fromkeys(star_names(campaign).values()))
    return _template_response(f"创建规划导入模板_{campaign.year}.xlsx", _("创建规划"), plans_io.COLUMNS, [example],
                              choices={"star": stars})


# --- branch workspace ----------------------------------------------------------------------------------

@login_required
def branch_workspace(request, pk: int, branch: int):
    campaign = campaign_or_404(request.user, pk, branch=branch)
    branch = _branch(request, campaign, branch)

    def build():
        target = services.get_target(campaign, branch)
        standard = campaign.standard_for(branch)
        tasks = list(selectors.branch_tasks(campaign, branch))
        stars = [(s, [t for t in tasks if t.star_code == s.code]) for s in standard.stars.all()]
        context = {
            "campaign": campaign, "branch": branch, "target": target, "standard": standard,
            "flags": services.target_flags(request.user, target), "stars": stars, "n_tasks": len(tasks),
            "target_names": [s.name for s in standard.stars.all() if s.code in target.star_codes],
            "gaps": selectors.gap_analysis(campaign, branch, target if target.pk else None, tasks),
            "may_plan": services.may_edit_plan(request.user, branch), "note_form": NoteForm(),
            "comments": selectors.comments(request.user, campaign, branch),
            "comment_form": CommentForm() if policy.may(request.user, "branch.comment", branch) else None,
        }
        # The two long lists (every indicator of the target stars, every task) are Jinja2 fragments, escaped there.
        return render_to_string("creation/_branch_body.html", {
            **context, "csrf_token": CSRF_SENTINEL,
            "gaps_html": mark_safe(render_to_string("creation/_gaps.html", context, request, using="jinja2")),
            "plan_html": mark_safe(render_to_string("creation/_plan.html", context, request, using="jinja2"))},
            request)

    # Everything the body shows is the branch's own work, whose every write moves its version (wuxing.core.versions);
    # a change of the campaign's standard moves the epoch.
    body = cached(request, "workspace", lambda: (campaign.pk, branch.pk, *branch_numbers(campaign, branch.pk)), build,
                  csrf=True)
    return render(request, "creation/branch.html", {"campaign": campaign, "branch": branch, "body": body})


@login_required
@require_POST
def comment(request, pk: int, branch: int):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        services.comment(request.user, campaign, branch, form.cleaned_data["text"])
        messages.success(request, _("批注已发送，支部会收到通知。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("creation:branch", args=[campaign.pk, branch.pk]) + "#comments")


@login_required
def target_edit(request, pk: int, branch: int):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    target = services.get_target(campaign, branch)
    if not services.target_flags(request.user, target)["may_edit"]:
        raise Http404
    standard = campaign.standard_for(branch)
    initial = {f: getattr(target, f) for f in ("star_codes", "strengths", "achieved", "weaknesses", "goal", "measures")}
    form = TargetForm(request.POST or None, initial=initial, standard=standard)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_target(request.user, campaign, branch, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("争创目标已保存。确认无误后请提交办事处。"))
            return redirect("creation:branch", pk=campaign.pk, branch=branch.pk)
    return render(request, "creation/target_form.html", {"form": form, "campaign": campaign, "branch": branch})


@login_required
@require_POST
def target_action(request, pk: int, branch: int, action: str):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    target = services.get_target(campaign, branch)
    if target.pk is None:
        raise Http404
    note = NoteForm(request.POST)
    note_text = note.cleaned_data["note"] if note.is_valid() else ""
    try:
        if action == "submit":
            services.submit_target(request.user, target)
            messages.success(request, _("已提交办事处确认。"))
        elif action == "confirm":
            services.confirm_target(request.user, target, note_text)
            messages.success(request, _("已确认争创目标。"))
        elif action == "return":
            services.return_target(request.user, target, note_text)
            messages.success(request, _("已退回支部修改。"))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("creation:branch", pk=campaign.pk, branch=branch.pk)


def _task_form(data, campaign, branch, initial=None):
    return TaskForm(data, initial=initial, standard=campaign.standard_for(branch), tags=campaign.key_work_tags)


@login_required
def task_create(request, pk: int, branch: int):
    campaign = _campaign(request, pk)
    branch = _branch(request, campaign, branch)
    if not services.may_edit_plan(request.user, branch):
        raise Http404
    form = _task_form(request.POST or None, campaign, branch, initial={"star_code": query_of(request, TaskQuery)["star"]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("done")
        try:
            services.create_task(request.user, campaign, branch, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已添加任务。"))
            return redirect("creation:branch", pk=campaign.pk, branch=branch.pk)
    return render(request, "creation/task_form.html", {"form": form, "campaign": campaign, "branch": branch,
                                                       "title": _("新增创建任务")})


def _task(request, pk: int, action: str = "view") -> PlanTask:
    return get_object_or_404(PlanTask.objects.for_user(request.user, action).select_related("campaign", "branch"), pk=pk)


@login_required
def task_detail(request, pk: int):
    task = _task(request, pk)
    may_edit = services.may_edit_plan(request.user, task.branch)
    initial = {"title": task.title, "star_code": task.star_code, "indicator_codes": task.indicator_codes,
               "measures": task.measures, "responsible_name": task.responsible_name, "due_date": task.due_date,
               "tags": task.tags, "done": task.status == "done"}
    form = _task_form(request.POST if may_edit and request.method == "POST" else None, task.campaign, task.branch,
                      initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            try:
                services.update_task(request.user, task, responsible_user=task.responsible_user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("creation:branch", pk=task.campaign_id, branch=task.branch_id)
    return render(request, "creation/task_detail.html", {
        "task": task, "form": form, "may_edit": may_edit, "progress": task.progress.select_related("author"),
        "progress_form": ProgressForm(initial={"on": timezone.localdate()})})


@login_required
@require_POST
def task_progress(request, pk: int):
    task = _task(request, pk, "edit")
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress(request.user, task, form.cleaned_data["note"], form.cleaned_data["on"],
                                  form.cleaned_data["done"])
            messages.success(request, _("已记录进展。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请填写日期和进展情况。"))
    return redirect("creation:task", pk=task.pk)


@login_required
@require_POST
def task_delete(request, pk: int):
    task = _task(request, pk, "edit")
    if not DeleteForm(request.POST).is_valid():
        messages.error(request, _("删除后不能恢复：请先勾选“确认删除”。"))
        return redirect("creation:task", pk=task.pk)
    services.delete_task(request.user, task)
    messages.success(request, _("已删除任务。"))
    return redirect("creation:branch", pk=task.campaign_id, branch=task.branch_id)


@login_required
def leader(request, pk: int):
    campaign = _campaign(request, pk)
    return render(request, "creation/leader.html", {
        "campaign": campaign, "branches": selectors.leader_view(request.user, campaign)})
