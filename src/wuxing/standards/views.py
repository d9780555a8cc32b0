"""Standards pages: list, readable detail, XLSX export, and upload for district admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wuxing.core.exports import export_response
from wuxing.core.forms import query_of
from wuxing.standards import selectors
from wuxing.standards.forms import StandardUploadForm
from wuxing.standards.services import load_standard, load_standard_workbook, may_load


@login_required
def standard_list(request):
    return render(request, "standards/standard_list.html", {
        "standards": selectors.standard_list(), "may_load": may_load(request.user)})


@login_required
def standard_detail(request, pk: int):
    standard = get_object_or_404(selectors.standard_full(), pk=pk)
    return render(request, "standards/standard_detail.html", {"standard": standard})


def standard_rows(standard):
    for star in standard.stars.all():
        for ind in star.indicators.all():
            points = f"{ind.max_points:g} / {ind.pass_mark:g}" if ind.kind == "points" else ""
            yield [star.name, ind.code, ind.text, ind.get_kind_display(), points, "是" if ind.required else "否",
                   ind.evidence_hint]
        for veto in star.vetoes.all():
            yield [star.name, veto.code, veto.text, _("一票否决"), "", "", veto.category]


@login_required
def standard_export(request, pk: int):
    standard = get_object_or_404(selectors.standard_full(), pk=pk)
    headers = [_("星"), _("编码"), _("指标 / 否决情形"), _("类型"), _("满分 / 达标分"), _("必达"), _("佐证材料 / 类别")]
    return export_response(query_of(request)["format"] or "xlsx", f"{standard.title}_第{standard.version}版", headers,
                           standard_rows(standard), title=_("评星标准"))


@login_required
def standard_upload(request):
    if not may_load(request.user):
        raise Http404
    form = StandardUploadForm(request.POST or None, request.FILES or None)
    errors, summary = [], ""
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        if upload.name.lower().endswith(".xlsx"):
            check = load_standard_workbook(request.user, upload, dry_run=dry_run)
            result, errors, summary = check.result, check.errors, check.summary
        else:
            result = load_standard(request.user, upload.read(), dry_run=dry_run)
            errors, summary = [e.format(upload.name) for e in result.errors], result.summary
            result = None if dry_run else result
        if not errors and result is not None:
            if result.created:
                messages.success(request, _("已加载：{title}").format(title=result.standard))
            else:
                messages.info(request, _("该版本已加载，内容相同，未重复加载。"))
            return redirect("standards:standard_detail", pk=result.standard.pk)
    return render(request, "standards/standard_upload.html", {"form": form, "errors": errors, "summary": summary})


@login_required
def standard_workbook(request, pk: int):
    """The standard as the Excel workbook the upload page takes back (four sheets)."""
    from urllib.parse import quote

    from wuxing.core.exports import XLSX_TYPE
    from wuxing.standards import workbook

    standard = get_object_or_404(selectors.standard_full(), pk=pk)
    response = HttpResponse(workbook.write(standard), content_type=XLSX_TYPE)
    name = f"{standard.title}_第{standard.version}版.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"standard.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
