import pytest
from django.core.management import call_command

from wuxing.core.audit import verify
from wuxing.orgs.demo import DEMO_PASSWORD, OFFICES
from wuxing.orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def test_demo_district_loads_once_with_four_offices(capsys):
    call_command("seed", "demo")
    call_command("seed", "demo")
    assert "未重复加载" in capsys.readouterr().out
    offices = OrgUnit.objects.filter(level="office")
    assert set(offices.values_list("name", flat=True)) == {"明湖办事处", "京航办事处", "前程办事处", "九龙办事处"}
    for office in offices:
        n = OrgUnit.objects.filter(parent=office).count()
        assert 8 <= n <= 12
    assert {"urban", "rural"} <= set(OrgUnit.objects.branches().values_list("kind", flat=True))
    assert len(OFFICES) == 4
    assert verify().ok


def test_demo_users_have_their_scopes():
    call_command("seed", "demo")
    office = User.objects.get(username="demo_office")
    assert office.check_password(DEMO_PASSWORD)
    seen = OrgUnit.objects.for_user(office)
    assert set(seen.values_list("code", flat=True)) == set(
        OrgUnit.objects.subtree(OrgUnit.objects.get(name="明湖办事处")).values_list("code", flat=True))
    branch = User.objects.get(username="demo_branch")
    assert list(OrgUnit.objects.for_user(branch).values_list("name", flat=True)) == ["明湖社区"]
    branch2 = User.objects.get(username="demo_branch2")
    unit = OrgUnit.objects.for_user(branch2).get()
    assert unit.parent.name == "九龙办事处" and unit.level == "village"
