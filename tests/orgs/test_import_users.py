import pytest

from tests.xlsx import USER_HEADER, xlsx
from wuxing.orgs.importers import import_users
from wuxing.orgs.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def test_new_people_are_created_with_their_roles(world):
    f = xlsx([["wang", "王五", "13800138000", "支部书记", "T102", "Start2026go"],
              ["wang", "王五", "13800138000", "填报员", "T102", ""]], header=USER_HEADER)
    report = import_users(world.office_admin, f, dry_run=False)
    assert report.ok, report.errors
    wang = User.objects.get(username="wang")
    assert wang.check_password("Start2026go")
    assert set(RoleAssignment.objects.filter(user=wang).values_list("role", flat=True)) == {"secretary", "reporter"}


def test_reimport_updates_the_person_instead_of_duplicating(world):
    f = xlsx([["branch_user", "社区书记（新）", "13900000000", "支部书记", "T101", ""]], header=USER_HEADER)
    report = import_users(world.office_admin, f, dry_run=False)
    assert report.ok and report.updated == 1 and report.created == 0
    world.branch_user.refresh_from_db()
    assert world.branch_user.real_name == "社区书记（新）"
    assert RoleAssignment.objects.filter(user=world.branch_user).count() == 1


def test_bad_rows_are_all_reported_and_nothing_is_written(world):
    count = User.objects.count()
    f = xlsx([
        ["ok_user", "好人", "13800000000", "支部书记", "T101", "Start2026go"],
        ["bad mobile", "甲", "1234", "支部书记", "T101", "Start2026go"],     # bad username and mobile
        ["nopass", "乙", "", "支部书记", "T101", ""],                        # new user without password
        ["weak", "丙", "", "支部书记", "T101", "12345678"],                  # all digits
        ["norole", "丁", "", "村长", "T101", "Start2026go"],                 # unknown role
        ["farunit", "戊", "", "支部书记", "T201", "Start2026go"],            # outside the office admin's scope
        ["wronglevel", "己", "", "区级管理员", "T101", "Start2026go"],       # role at the wrong level
        ["other_branch_user", "冒名", "", "支部书记", "T101", ""],           # someone else's account
    ], header=USER_HEADER)
    report = import_users(world.office_admin, f, dry_run=False)
    assert {e.row for e in report.errors} == {3, 4, 5, 6, 7, 8, 9}
    assert User.objects.count() == count


def test_dry_run_writes_nothing(world):
    f = xlsx([["zhao", "赵六", "", "支部书记", "T101", "Start2026go"]], header=USER_HEADER)
    report = import_users(world.district_admin, f, dry_run=True)
    assert report.ok and report.created == 1
    assert not User.objects.filter(username="zhao").exists()
