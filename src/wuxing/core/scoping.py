"""Scope primitives under the policy (`wuxing.core.policy`): grants, subtree paths, path filters.

A user's rights are role assignments, each a role plus an org unit; a role reaches the unit's
whole subtree, found by the unit's materialised path (`path LIKE 'prefix%'`, indexed). Each scoped
model says which lookup leads from a row to its unit path and which roles grant each action.
Rows outside the result do not exist for that user: views answer 404, never 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q

from wuxing.core.roles import Role


def collapse_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the set: their subtree is already covered."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def user_grants(user) -> list[tuple[str, str]]:
    """(role, unit path) of every grant on an active unit, read once per user object (= per request).

    A leader's grant is replaced by the paths of the branches assigned to them (分包): their
    reach is those branches, not the whole office.
    """
    # getattr/setattr, not __dict__: request.user is a lazy object that passes them on to the user it wraps.
    if getattr(user, "_wuxing_grants", None) is None:
        RoleAssignment = apps.get_model("orgs", "RoleAssignment")
        Assignment = apps.get_model("orgs", "Assignment")

        rows = list(RoleAssignment.objects.filter(user=user, unit__is_active=True).values_list("role", "unit__path"))
        assigned = (Assignment.objects.filter(leader=user, unit__is_active=True).values_list("unit__path", flat=True)
                    if any(role == Role.LEADER for role, _ in rows) else ())
        remember_grants(user, rows, assigned)
    return user._wuxing_grants


def remember_grants(user, rows: Iterable[tuple[str, str]], assigned: Iterable[str]) -> None:
    """Keep on the user object the grants read elsewhere (the signed-in user's loader reads them with the user
    row): `rows` are (role, path) of the role assignments on active units, `assigned` the paths of the active
    branches assigned to the user as a leader."""
    rows = list(rows)
    grants = [(role, path) for role, path in rows if role != Role.LEADER]
    if any(role == Role.LEADER for role, _ in rows):
        grants.extend((Role.LEADER, path) for path in assigned)
    user._wuxing_grants = grants


def scope_paths(user, roles: frozenset[str] | None) -> list[str]:
    """Unit paths whose subtrees the user reaches through any of `roles` (None = any role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return collapse_paths(path for role, path in user_grants(user) if roles is None or role in roles)


def forget_scope(user) -> None:
    """Call after changing a user's roles within one request or test."""
    user._wuxing_grants = None


def path_q(field: str, paths: Iterable[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


ALL = None  # gate() result for a superuser: no filter at all


def gate(user, roles: frozenset[str] | None = None) -> list[str] | None:
    """The prologue of every for_user: ALL (None) for an active superuser, [] for nobody, else the paths."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    return scope_paths(user, roles)
