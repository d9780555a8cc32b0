"""policy.deciding answers what policy.may answers, for many rows at once: every persona of the test world (an
inactive one and an anonymous visitor included), every action of the policy, every unit."""

import pytest
from django.contrib.auth.models import AnonymousUser

from wuxing.core import policy
from wuxing.orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def test_deciding_equals_may_for_every_persona_action_and_unit(world):
    inactive = User.objects.get(username=world.office_admin.username)
    inactive.is_active = False
    people = [*User.objects.exclude(pk=inactive.pk), inactive, AnonymousUser()]
    units = list(OrgUnit.objects.all())
    assert len(people) > 10 and len(units) >= 8
    checked = allowed = 0
    for person in people:
        for action in policy.ACTIONS:
            decide = policy.deciding(person, action)
            for unit in units:
                expected = policy.may(person, action, unit)
                assert decide(unit.path) == expected, (person, action, unit)
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
