"""Home page and health check."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_POST

from wuxing.core.paging import page_or_404


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def help_page(request):
    """帮助: the user guide, the reader's own chapters first."""
    from wuxing.core import guide

    roles = set(request.user.role_assignments.values_list("role", flat=True))
    return render(request, "core/help.html", {"chapters": guide.chapters_for(roles), "roles": guide.role_rows(),
                                              "note": guide.scope_note()})


@login_required
def notifications(request):
    """The bell: the user's own notifications, newest first."""

    from wuxing.core.forms import query_of
    from wuxing.core.models import Notification

    page = page_or_404(Notification.objects.filter(user=request.user), 50, query_of(request)["page"])
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    from django.shortcuts import redirect

    from wuxing.core.notify import mark_read

    form = NotificationReadForm(request.POST)
    mark_read(request.user, form.cleaned_data["id"] if form.is_valid() else None)
    return redirect("notifications")


@login_required
def notification_open(request, pk: int):
    """Opening a notice marks it read and goes where it points (only ever inside this site)."""
    from django.shortcuts import get_object_or_404, redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from wuxing.core.models import Notification
    from wuxing.core.notify import mark_read

    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, notice.pk)
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) and notice.url.startswith("/"):
        return redirect(notice.url)
    return redirect("notifications")


def export_sheet(request, kind: str, params: dict, name: str, fmt: str):
    """A list's export (wuxing.core.services: the builder registered as `kind`, read with the reader's scope): as a
    file in this response, or — past EXPORT_INLINE_ROWS — queued, the reader sent to 我的导出."""
    from django.conf import settings
    from django.contrib import messages
    from django.http import Http404
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from wuxing.core.exports import export_response
    from wuxing.core.services import ExportGone, build_export, queue_export, too_long

    try:
        sheet = build_export(kind, request.user, params)
    except ExportGone:
        raise Http404 from None
    if not too_long(sheet.size):
        return export_response(fmt, name, sheet.headers, sheet.rows, title=sheet.title)
    queue_export(request.user, kind, params, name, fmt)
    messages.info(request, _("“{name}”超过 {rows} 行，已转入后台生成：完成后会通知您，并可在本页下载。").format(
        name=name, rows=f"{settings.EXPORT_INLINE_ROWS:,}"))
    return redirect("exports")


@login_required
def exports(request):
    """我的导出: the reader's own long exports, newest first; the page refreshes itself while one is being built."""
    from django.conf import settings

    from wuxing.core.forms import query_of
    from wuxing.core.models import ExportJob

    page = page_or_404(ExportJob.objects.for_user(request.user), 50, query_of(request)["page"])
    busy = any(job.status in (ExportJob.QUEUED, ExportJob.RUNNING) for job in page)
    return render(request, "core/exports.html", {"page": page, "busy": busy, "keep_days": settings.EXPORT_KEEP_DAYS})


@login_required
def export_download(request, pk: int):
    """A finished export, to its owner only (ExportAuditMiddleware records the download)."""
    from django.shortcuts import get_object_or_404

    from wuxing.core.exports import XLSX_TYPE
    from wuxing.core.files import serve
    from wuxing.core.models import ExportJob

    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk, status=ExportJob.DONE)
    content_type = "text/csv; charset=utf-8" if job.fmt == "csv" else XLSX_TYPE
    return serve(job.file, content_type, job.filename, inline=False)


class NotificationReadForm(forms.Form):
    """Which notification to mark read; none (or a bad id) marks them all."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**62)


from django.contrib.auth import views as auth_views  # noqa: E402


class WuxingPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears 'must change password' and records the change."""

    def form_valid(self, form):
        from django.contrib.auth import get_user_model

        from wuxing.core.audit import record
        from wuxing.core.credentials import revoke_tokens

        response = super().form_valid(form)
        user = form.user
        if getattr(user, "must_change_password", False):
            get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        revoked = revoke_tokens(user)  # this session is kept (update_session_auth_hash); the others end
        record(user, "auth.password_change", user, {"tokens_revoked": revoked, "via": "site"})
        return response


def not_found(request, exception=None):
    """404 for a URL no route matches: JSON under /api/ (clients parse every answer there), the site's
    page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)
