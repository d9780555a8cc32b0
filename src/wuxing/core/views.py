"""Home page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from wuxing.orgs import selectors
from wuxing.orgs.roles import Level


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
