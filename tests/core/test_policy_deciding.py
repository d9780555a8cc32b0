"""policy.deciding (the rule behind policy.may, asked by path) answers what the scoped querysets select — the
subtrees of paths_for, filtered by the database — less, for a review step, the branches the person speaks for:
every persona of the test world (an inactive one and an anonymous visitor included), every action, every unit."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from wuxing.core import policy
from wuxing.core.roles import BRANCH_ROLES
from wuxing.core.scoping import ALL, path_q, scope_paths
from wuxing.orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def _selected(person, action) -> set[int]:
    """What a ScopedQuerySet.for_user over units would select for `action`, with separation of duties applied."""
    paths = policy.paths_for(person, action)
    units = OrgUnit.objects.all() if paths is ALL else OrgUnit.objects.filter(path_q("path", paths)) if paths \
        else OrgUnit.objects.none()
    if action in policy.SEPARATED:
        units = units.exclude(path_q("path", scope_paths(person, BRANCH_ROLES)) or Q(pk__in=[]))
    return set(units.values_list("pk", flat=True))


def test_deciding_equals_the_scoped_selection_for_every_persona_action_and_unit(world):
    inactive = User.objects.get(username=world.office_admin.username)
    inactive.is_active = False
    people = [*User.objects.exclude(pk=inactive.pk), inactive, AnonymousUser()]
    units = list(OrgUnit.objects.all())
    assert len(people) > 10 and len(units) >= 8
    checked = allowed = 0
    for person in people:
        for action in policy.ACTIONS:
            decide, selected = policy.deciding(person, action), _selected(person, action)
            for unit in units:
                expected = unit.pk in selected
                assert decide(unit.path) == policy.may(person, action, unit) == expected, (person, action, unit)
                checked, allowed = checked + 1, allowed + expected
    assert 0 < allowed < checked  # both answers occur


def test_a_review_is_refused_where_the_reviewer_speaks_for_the_branch(world):
    """Separation of duties holds in the bulk form too: an office admin who is also a branch's secretary."""
    from wuxing.core.roles import Role
    from wuxing.orgs.models import RoleAssignment

    RoleAssignment.objects.create(user=world.office_admin, role=Role.SECRETARY, unit=world.community)
    user = User.objects.get(pk=world.office_admin.pk)
    review = policy.deciding(user, "branch.review")
    assert not review(world.community.path) and review(world.village.path)
    assert not policy.may(user, "branch.review", world.community) and policy.may(user, "branch.review", world.village)
