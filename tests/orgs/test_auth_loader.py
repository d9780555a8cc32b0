"""The signed-in user's loader (wuxing.orgs.auth): one query gives the user, their grants and their unread count,
and they are exactly what the policy and the menu would read one by one, fresh on every request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import SYSTEM
from wuxing.core import notify
from wuxing.core.scoping import forget_scope, user_grants
from wuxing.orgs import services
from wuxing.orgs.auth import UserBackend, load
from wuxing.orgs.models import RoleAssignment, User

pytestmark = pytest.mark.django_db

PERSONAS = ("district_admin", "office_admin", "branch_user", "leader", "star_reviewer", "outsider", "superuser")


def _fresh(user: User) -> list[tuple[str, str]]:
    other = User.objects.get(pk=user.pk)
    forget_scope(other)
    return sorted(user_grants(other))


@pytest.mark.parametrize("name", PERSONAS)
def test_loaded_grants_and_unread_equal_the_ones_read_separately(world, name):
    user = getattr(world, name)
    notify.notify([user], "第一条")
    notify.notify([user], "第二条")
    notify.mark_read(user, notify.unread(user).order_by("pk").first().pk)
    with CaptureQueriesContext(connection) as queries:
        loaded = load(user.pk)
        grants, unread = sorted(user_grants(loaded)), notify.unread_count(loaded)
    assert len(queries.captured_queries) == 1
    assert loaded == user and loaded.username == user.username and loaded.real_name == user.real_name
    assert grants == _fresh(user)
    assert unread == notify.unread(user).count() == 1


def test_a_leader_reaches_the_assigned_branches_not_the_office(world):
    loaded = load(world.leader.pk)
    assert user_grants(loaded) == [("leader", world.community.path)]


def test_units_made_inactive_grant_nothing(world):
    services.create_user(SYSTEM, username="two_places", real_name="两处书记", mobile="13912345670",
                         password="Test@2026pass", role="secretary", unit=world.village)
    user = User.objects.get(username="two_places")
    RoleAssignment.objects.create(user=user, role="secretary", unit=world.west_village)
    world.west_village.is_active = False
    world.west_village.save(update_fields=["is_active"])
    assert user_grants(load(user.pk)) == [("secretary", world.village.path)]


def test_an_unknown_or_inactive_user_is_nobody(world):
    backend = UserBackend()
    assert backend.get_user(10 ** 9) is None
    assert backend.get_user("not a number") is None
    world.branch_user.is_active = False
    world.branch_user.save(update_fields=["is_active"])
    assert backend.get_user(world.branch_user.pk) is None


def test_every_request_reads_the_grants_afresh(world, login, campaign):
    """Nothing is kept between requests: a revoked role closes the door on the very next request."""
    client = login(world.office_admin)
    url = reverse("weekly:office", kwargs={"pk": campaign.pk, "office": world.east.pk})
    assert client.get(url).status_code == 200
    services.revoke_role(SYSTEM, RoleAssignment.objects.get(user=world.office_admin, unit=world.east))
    assert client.get(url).status_code == 404


def test_the_menu_counts_unread_notifications_from_the_loader(world, login):
    client = login(world.branch_user)
    notify.notify([world.branch_user], "请报送本周动态")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("help")).content.decode()
    assert '<span class="count">1</span>' in page
    assert not any("core_notification" in q["sql"] and "orgs_user" not in q["sql"]
                   for q in queries.captured_queries)
    notify.mark_read(world.branch_user)
    assert '<span class="count">' not in client.get(reverse("help")).content.decode()


def test_the_loaded_user_equals_the_orm_s_field_by_field(world):
    """Built from the row as the ORM builds it: every field the same value and type (aware datetimes on SQLite)."""
    from django.utils import timezone

    user = world.district_admin
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    loaded, orm = load(user.pk), User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(orm, field.attname)), field.name
    assert timezone.is_aware(loaded.last_login) and timezone.is_aware(loaded.date_joined)
    assert loaded._state.db == "default" and not loaded._state.adding
