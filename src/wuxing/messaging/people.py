"""Who must act or is affected: the people holding a role at (or above) a unit. One place, so that every
workflow step tells the same people the same way."""

from __future__ import annotations

from collections.abc import Iterable

from wuxing.core.roles import BRANCH_ROLES, Role
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User


def line_of(unit: OrgUnit) -> list[int]:
    """The unit and its ancestors, by id (from the unit's path: no query)."""
    return [*unit.ancestor_ids(), unit.pk]


def _users(grants) -> list[User]:
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("pk"))


def holding(unit: OrgUnit, roles: Iterable[str], *, above: bool = False) -> list[User]:
    """Active users granted one of `roles` at `unit` (with `above`, at the unit or any ancestor)."""
    grants = RoleAssignment.objects.filter(role__in=list(roles))
    grants = grants.filter(unit_id__in=line_of(unit)) if above else grants.filter(unit=unit)
    return _users(grants)


def branch_people(branch: OrgUnit) -> list[User]:
    """The branch's secretary and reporters."""
    return holding(branch, BRANCH_ROLES)


def office_of(unit: OrgUnit) -> OrgUnit | None:
    from wuxing.core.roles import Level

    if unit.level == Level.OFFICE:
        return unit
    parent = unit.parent
    return parent if parent is not None and parent.level == Level.OFFICE else None


def office_admins(unit: OrgUnit) -> list[User]:
    """The administrators of the office the unit belongs to."""
    office = office_of(unit)
    return holding(office, [Role.OFFICE_ADMIN]) if office else []


def leaders(branch: OrgUnit) -> list[User]:
    """The leaders assigned to the branch (分包)."""
    return list(User.objects.filter(pk__in=Assignment.objects.filter(unit=branch).values("leader_id"),
                                    is_active=True).order_by("pk"))


def district_admins(unit: OrgUnit) -> list[User]:
    return holding(unit, [Role.DISTRICT_ADMIN], above=True)


def star_reviewers(unit: OrgUnit, star_codes: Iterable[str]) -> list[User]:
    """Star reviewers above the unit who own one of the stars."""
    wanted = set(star_codes)
    grants = RoleAssignment.objects.filter(role=Role.STAR_REVIEWER, unit_id__in=line_of(unit))
    ids = [g.user_id for g in grants if wanted & set(g.star_codes or [])]
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def organisers(unit: OrgUnit) -> list[User]:
    return holding(unit, [Role.CASEFILE_ORGANISER], above=True)


def reviewed_unit_people(unit: OrgUnit) -> list[User]:
    return holding(unit, [Role.REVIEWED_UNIT])


def union(*groups: Iterable[User], without=None) -> list[User]:
    """The people of several groups, each once; `without` (the actor) is left out: nobody is told of
    their own step."""
    seen: dict[int, User] = {}
    skip = getattr(without, "pk", None)
    for group in groups:
        for user in group:
            if user.pk != skip:
                seen.setdefault(user.pk, user)
    return list(seen.values())
