"""Home page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_POST

from wuxing.core.paging import page_or_404
from wuxing.orgs import selectors
from wuxing.core.roles import Level


@login_required
def home(request):
    """Role-aware start page: the user's roles with their units, and what they can reach."""
    roles = selectors.my_roles(request.user)
    counts = selectors.level_counts(request.user)
    summary = [(label, counts.get(value, 0)) for value, label in Level.choices if counts.get(value)]
    return render(request, "core/home.html", {
        "roles": roles, "summary": summary, "is_admin": selectors.is_admin(request.user),
    })


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def notifications(request):
    """The bell: the user's own notifications, newest first."""

    from wuxing.core.models import Notification

    page = page_or_404(Notification.objects.filter(user=request.user), 50, request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    from django.shortcuts import redirect

    from wuxing.core.notify import mark_read

    pk = request.POST.get("id")
    mark_read(request.user, int(pk) if pk and pk.isdigit() else None)
    return redirect("notifications")


from django.contrib.auth import views as auth_views  # noqa: E402


class WuxingPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears 'must change password' and records the change."""

    def form_valid(self, form):
        from django.contrib.auth import get_user_model

        from wuxing.core.audit import record

        response = super().form_valid(form)
        user = form.user
        if getattr(user, "must_change_password", False):
            get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        record(user, "auth.password_change", user)
        return response


def not_found(request, exception=None):
    """404 for a URL no route matches: JSON under /api/ (clients parse every answer there), the site's
    page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)
