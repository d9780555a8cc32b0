"""Reads of org data; every query starts from for_user()."""

from __future__ import annotations

import copy

from django.db import connection, connections, router
from django.db.models import Count, Q, QuerySet

from wuxing.core import policy, versions
from wuxing.core.models import UnitVersion
from wuxing.core.roles import Role
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User

# Per process: unit id -> (the epoch it was read under, the unit as read). Every change of a unit's row moves the
# epoch (wuxing.orgs.services: create, update, move, import), so a unit kept under the epoch read in this request
# is current. Bounded: a worker keeps the units its requests asked for, and starts afresh past KEPT_UNITS.
_KEPT: dict[int, tuple[int, OrgUnit]] = {}
KEPT_UNITS = 10_000


def seen_unit(user, pk, *, epoch: int, levels=None, under: str = "") -> OrgUnit | None:
    """The unit `pk` if `user` sees it (`OrgUnit.objects.for_user`'s rule: the policy's "unit.view", decided on
    the row), of one of `levels` and inside the subtree `under` (a path), else None — what
    `get_object_or_404(OrgUnit.objects.for_user(user).filter(...), pk=pk)` decides, without its query; its parent
    comes with it (a rename of the parent moves the epoch as well).

    `epoch`: the org tree's version (wuxing.core.versions.EPOCH) as read in this request — a campaign page has it
    from campaign_or_404 (`campaign.numbers[0]`; campaigns.selectors.campaign_unit says it for a campaign). Each
    call gets its own copy."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    known = _KEPT.get(pk)
    if known is None or known[0] != epoch:
        unit = OrgUnit.objects.select_related("parent").filter(pk=pk).first()
        if unit is None:
            return None
        if len(_KEPT) >= KEPT_UNITS:
            _KEPT.clear()
        known = _KEPT[pk] = (epoch, unit)
    unit = copy.copy(known[1])
    if unit.parent_id is not None:
        unit.parent = copy.copy(known[1].parent)  # its own copy too: a view may change what it was given
    if (levels is not None and unit.level not in levels) or not unit.path.startswith(under):
        return None
    return unit if policy.may(user, "unit.view", unit) else None


def forget_units() -> None:
    """Drop the units this process keeps (tests: a new database reuses ids and version numbers)."""
    _KEPT.clear()


def visible_units(user, *, q: str = "", level: str = "") -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.for_user(user).select_related("parent")
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(area_code__startswith=q))
    if level:
        units = units.filter(level=level)
    return units.order_by("path")


def unit_children(user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user).filter(parent=unit).annotate(n_children=Count("children")).order_by("path")


def unit_people(user, unit: OrgUnit) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.for_user(user).filter(unit=unit).select_related("user").order_by("role", "user__username")


def unit_leaders(user, unit: OrgUnit) -> QuerySet[Assignment]:
    return Assignment.objects.for_user(user).filter(unit=unit).select_related("leader")


def eligible_leaders(user, unit: OrgUnit) -> QuerySet[User]:
    """People holding the 包联领导 role in an office above `unit`, that the actor may manage."""
    grants = RoleAssignment.objects.filter(role=Role.LEADER, unit_id__in=unit.ancestor_ids()).values("user_id")
    return User.objects.for_user(user, "manage").filter(pk__in=grants, is_active=True).order_by("real_name")


def visible_users(user, *, q: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.for_user(user, "manage").prefetch_related("role_assignments__unit")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(real_name__icontains=q) | Q(mobile__endswith=q))
    if role:
        users = users.filter(role_assignments__role=role).distinct()
    return users.order_by("username")


def user_grants(user, target: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.for_user(user).filter(user=target).select_related("unit").order_by("role")


def my_roles(user) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user=user).select_related("unit").order_by("role"))


def is_admin(user) -> bool:
    return policy.may_anywhere(user, "area.manage")


def level_counts(user) -> dict[str, int]:
    rows = OrgUnit.objects.for_user(user).values("level").annotate(n=Count("id"))
    return {row["level"]: row["n"] for row in rows}


def subtree_numbers(path: str) -> tuple[int, int, int]:
    """(epoch, the sum of the version numbers (wuxing.core.versions) of the units under `path`, how many have one),
    in one query, for a part drawn from several branches (an office's matrix). The sum grows with every touch of any
    of them; which units are under the path is fixed until the org tree changes, which moves the epoch. It counts
    every unit of the subtree, also those a viewer does not see: a write there moves it too, which only rebuilds the
    part once more. Plain SQL, on the database the ORM would read the rows from."""
    quote = connection.ops.quote_name
    table, units = quote(UnitVersion._meta.db_table), quote(OrgUnit._meta.db_table)
    # A join from the path's index, not "unit_id = 0 OR unit_id IN (...)": PostgreSQL reads that by scanning every
    # number (3.6 ms with 53,000 of them, against 0.09 ms). Paths are digits and slashes: nothing to escape.
    with connections[router.db_for_read(UnitVersion)].cursor() as cursor:
        cursor.execute(f"SELECT (SELECT version FROM {table} WHERE unit_id = %s), SUM(v.version), COUNT(*) "
                       f"FROM {units} u JOIN {table} v ON v.unit_id = u.id WHERE u.path LIKE %s",
                       [versions.EPOCH, path + "%"])
        epoch, total, n = cursor.fetchone()
    return epoch or 0, total or 0, n
