import pytest

from wuxing.core.scoping import collapse_paths
from wuxing.orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def codes(user, action="view"):
    return set(OrgUnit.objects.for_user(user, action).values_list("code", flat=True))


def test_collapse_paths_drops_nested_paths():
    assert collapse_paths(["1/2/", "1/", "3/", "1/2/5/"]) == ["1/", "3/"]


def test_district_admin_sees_the_whole_district(world):
    assert codes(world.district_admin) == {"T", "T1", "T2", "T101", "T102", "T10101", "T201", "T202"}


def test_office_admin_cannot_see_other_office(world):
    assert codes(world.office_admin) == {"T1", "T101", "T102", "T10101"}


def test_branch_user_sees_only_its_branch_and_grids(world):
    assert codes(world.branch_user) == {"T101", "T10101"}


def test_branch_user_manages_nothing(world):
    assert codes(world.branch_user, "manage") == set()


def test_outsider_without_roles_sees_nothing(world):
    assert codes(world.outsider) == set()


def test_inactive_user_sees_nothing(world):
    world.district_admin.is_active = False
    assert codes(world.district_admin) == set()


def test_superuser_sees_everything(world):
    assert codes(world.superuser) == set(OrgUnit.objects.values_list("code", flat=True))


def test_deactivated_unit_drops_out_of_its_holders_scope(world):
    OrgUnit.objects.filter(pk=world.community.pk).update(is_active=False)
    fresh = User.objects.get(pk=world.branch_user.pk)
    assert codes(fresh) == set()


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        OrgUnit.objects.for_user(world.district_admin, "delete")


def test_admins_see_people_inside_their_subtree_only(world):
    visible = set(User.objects.for_user(world.office_admin, "manage").values_list("username", flat=True))
    assert visible == {"office_admin", "branch_user", "village_user", "leader"}


def test_everyone_sees_themselves_but_not_others(world):
    assert set(User.objects.for_user(world.branch_user).values_list("username", flat=True)) == {"branch_user"}
