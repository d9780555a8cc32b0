"""Org tree, unit and people pages. Parse, authorise via for_user, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.core.exports import XLSX_TYPE
from wuxing.core.forms import apply_errors, choice_query, query_of
from wuxing.core.importing import template_bytes
from wuxing.core.paging import page_or_404
from wuxing.core.roles import Level, Role
from wuxing.core.views import export_sheet
from wuxing.orgs import importers, search, selectors, services
from wuxing.orgs.forms import (
    AssignmentForm,
    ImportForm,
    PasswordResetForm,
    RoleGrantForm,
    UnitEditForm,
    UnitForm,
    UnitSearchQuery,
    UserCreateForm,
    UserEditForm,
    star_choices,
)
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User

PAGE_SIZE = 100
UnitQuery = choice_query(level=Level.choices)
UserQuery = choice_query(role=Role.choices)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d")


def _require_admin(request) -> None:
    # Pages for administrators only: others get 404 so the page's existence is not disclosed.
    if not selectors.is_admin(request.user):
        raise Http404


# --- units -------------------------------------------------------------------------------------------

@login_required
def unit_list(request):
    query = query_of(request, UnitQuery)
    q, level = query["q"], query["level"]
    units = selectors.visible_units(request.user, q=q, level=level)
    page = page_or_404(units, PAGE_SIZE, query["page"])
    template = "orgs/_unit_rows.html" if request.htmx and request.htmx.target == "unit-rows" else "orgs/unit_list.html"
    return render(request, template, {
        "page": page, "q": q, "level": level, "levels": Level.choices,
        "may_import": selectors.is_admin(request.user),
    })


@login_required
def unit_export(request):
    query = query_of(request)
    return export_sheet(request, "orgs.units", {"q": query["q"]}, f"组织架构_{_stamp()}", query["format"] or "xlsx")


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=pk)
    may_manage = services.may_manage_unit(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": selectors.unit_children(request.user, unit),
        "people": selectors.unit_people(request.user, unit),
        "leaders": selectors.unit_leaders(request.user, unit) if unit.is_branch else [],
        "may_manage": may_manage,
        "may_add_child": may_manage and unit.level not in (Level.GRID,),
    }
    if may_manage and unit.is_branch:
        context["assignment_form"] = AssignmentForm(leaders=selectors.eligible_leaders(request.user, unit))
    return render(request, "orgs/unit_detail.html", context)


@login_required
def unit_create(request, pk: int):
    parent = get_object_or_404(OrgUnit.objects.for_user(request.user, "manage"), pk=pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已新增单位“{name}”。").format(name=unit.name))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "parent": parent, "title": _("新增下级单位")})


@login_required
def unit_edit(request, pk: int):
    unit = get_object_or_404(OrgUnit.objects.for_user(request.user, "manage"), pk=pk)
    initial = {"name": unit.name, "kind": unit.kind, "area_code": unit.area_code, "is_active": unit.is_active,
               "doc_mark": unit.doc_mark, "doc_prefix": unit.doc_prefix}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(request.user, unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit, "title": _("编辑单位")})


def _import_page(request, *, importer, title: str, template_url: str, back_url: str):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = not form.cleaned_data["confirm"]
        report = importer(request.user, upload, dry_run=dry_run, filename=upload.name)
        if report.ok and not dry_run:
            messages.success(request, _("导入完成：新增 {c} 条，更新 {u} 条。").format(c=report.created, u=report.updated))
            return redirect(back_url)
    return render(request, "orgs/import.html", {
        "form": form, "report": report, "title": title, "template_url": template_url, "back_url": back_url,
    })


@login_required
def unit_import(request):
    _require_admin(request)
    from django.urls import reverse

    return _import_page(request, importer=importers.import_units, title=_("导入组织架构"),
                        template_url=reverse("orgs:unit_import_template"), back_url=reverse("orgs:unit_list"))


def _template_response(name: str, title: str, columns, examples, choices=None) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(template_bytes(title, columns, examples, choices), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def unit_import_template(request):
    _require_admin(request)
    examples = [["JK", "经开区", "区/县", "", "城乡混合", "410171000000"],
                ["JK01", "明湖办事处", "办事处", "JK", "城乡混合", ""],
                ["JK0101", "明湖社区", "社区", "JK01", "城市", ""]]
    return _template_response("组织架构导入模板.xlsx", _("组织架构"), importers.UNIT_COLUMNS, examples)


# --- people ------------------------------------------------------------------------------------------

@login_required
def user_list(request):
    _require_admin(request)
    query = query_of(request, UserQuery)
    q, role = query["q"], query["role"]
    page = page_or_404(selectors.visible_users(request.user, q=q, role=role), PAGE_SIZE, query["page"])
    return render(request, "orgs/user_list.html", {"page": page, "q": q, "role": role, "roles": Role.choices})


@login_required
def user_export(request):
    _require_admin(request)
    query = query_of(request)
    return export_sheet(request, "orgs.users", {"q": query["q"]}, f"用户_{_stamp()}", query["format"] or "xlsx")


@login_required
def user_import(request):
    _require_admin(request)
    from django.urls import reverse

    return _import_page(request, importer=importers.import_users, title=_("导入用户"),
                        template_url=reverse("orgs:user_import_template"), back_url=reverse("orgs:user_list"))


@login_required
def user_import_template(request):
    _require_admin(request)
    examples = [["zhangsan", "张三", "13800138000", "支部书记", "JK0101", "Change@2026"]]
    return _template_response("用户导入模板.xlsx", _("用户"), importers.USER_COLUMNS, examples)


def _manageable_units(user):
    return OrgUnit.objects.for_user(user, "manage").filter(is_active=True).order_by("path")


@login_required
def user_create(request):
    _require_admin(request)
    form = UserCreateForm(request.POST or None, units=_manageable_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(request.user, **form.cleaned_data, must_change=True)
        except ValidationError as exc:
            apply_errors(form, exc, password_field="password")
        else:
            messages.success(request, _("已创建用户“{name}”。").format(name=user.display_name))
            return redirect("orgs:user_detail", pk=user.pk)
    return render(request, "orgs/user_form.html", {"form": form, "title": _("新增用户")})


@login_required
def user_detail(request, pk: int):
    target = get_object_or_404(User.objects.for_user(request.user, "manage"), pk=pk)
    form = UserEditForm(request.POST or None, initial={
        "real_name": target.real_name, "mobile": target.mobile, "is_active": target.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, target, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:user_detail", pk=target.pk)
    return render(request, "orgs/user_detail.html", {
        "target": target, "form": form, "grants": selectors.user_grants(request.user, target),
        "grant_form": RoleGrantForm(units=_manageable_units(request.user)),
        "star_names": dict(star_choices()),
        "password_form": PasswordResetForm(),
    })


@login_required
@require_POST
def role_grant(request, pk: int):
    target = get_object_or_404(User.objects.for_user(request.user, "manage"), pk=pk)
    form = RoleGrantForm(request.POST, units=_manageable_units(request.user))
    if form.is_valid():
        try:
            services.grant_role(request.user, target, form.cleaned_data["role"], form.cleaned_data["unit"],
                                form.cleaned_data["star_codes"])
            messages.success(request, _("已授予角色。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请选择角色和单位。"))
    return redirect("orgs:user_detail", pk=target.pk)


@login_required
@require_POST
def role_revoke(request, pk: int):
    grant = get_object_or_404(RoleAssignment.objects.for_user(request.user, "manage").select_related("unit", "user"), pk=pk)
    try:
        services.revoke_role(request.user, grant)
        messages.success(request, _("已撤销角色。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("orgs:user_detail", pk=grant.user_id)


@login_required
@require_POST
def password_reset(request, pk: int):
    target = get_object_or_404(User.objects.for_user(request.user, "manage"), pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.reset_password(request.user, target, form.cleaned_data["password"])
            messages.success(request, _("密码已重置。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("orgs:user_detail", pk=target.pk)


@login_required
@require_POST
def assignment_create(request, pk: int):
    unit = get_object_or_404(OrgUnit.objects.for_user(request.user, "manage"), pk=pk)
    form = AssignmentForm(request.POST, leaders=selectors.eligible_leaders(request.user, unit))
    if form.is_valid():
        try:
            services.assign_leader(request.user, form.cleaned_data["leader"], unit, form.cleaned_data["note"])
            messages.success(request, _("已添加包联领导。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请选择包联领导。"))
    return redirect("orgs:unit_detail", pk=unit.pk)


@login_required
@require_POST
def assignment_delete(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.for_user(request.user, "manage").select_related("unit", "leader"), pk=pk)
    try:
        services.remove_assignment(request.user, assignment)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("已取消包联。"))
    return redirect("orgs:unit_detail", pk=assignment.unit_id)


@login_required
def unit_search(request):
    """The unit chooser's answers (htmx): the first matches within the user's own reach, nothing beyond it."""
    query = query_of(request, UnitSearchQuery)
    units, more = search.search(request.user, query["scope"] or "branches", query["q"], query["within"])
    return render(request, "orgs/_unit_search_results.html", {
        "units": [{"pk": u.pk, "label": search.label(u)} for u in units], "more": more, "limit": search.LIMIT})
