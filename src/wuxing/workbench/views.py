"""The home page: each role's to-do (待办)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from wuxing.orgs import selectors as orgs
from wuxing.orgs.models import OrgUnit
from wuxing.workbench import selectors


@login_required
def home(request):
    sections = selectors.todo(request.user)
    roles = orgs.my_roles(request.user)
    # A leader's grant names the office, but they see only the branches assigned: no link to a page they can't open.
    visible = set(OrgUnit.objects.for_user(request.user).filter(pk__in=[r.unit_id for r in roles])
                  .values_list("pk", flat=True))
    return render(request, "workbench/home.html", {
        "sections": sections, "total": selectors.total(sections), "roles": roles, "visible_units": visible,
        "is_admin": orgs.is_admin(request.user),
    })
