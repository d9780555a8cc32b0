import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import PASSWORD
from wuxing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["short1a", "12345678901", "password123", "abcdefghij"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_decent_password_passes():
    validate_password("Wuxing@2026")


def test_login_and_failed_login_are_recorded(world, client):
    client.post(reverse("login"), {"username": "branch_user", "password": "nope-wrong1"})
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_name="branch_user").exists()
    r = client.post(reverse("login"), {"username": "branch_user", "password": PASSWORD})
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=world.branch_user).exists()


def test_five_failures_lock_the_account_even_with_the_right_password(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "branch_user", "password": "nope-wrong1"})
    r = client.post(reverse("login"), {"username": "branch_user", "password": PASSWORD})
    assert r.status_code == 429
    assert "锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_error_is_in_chinese(world, client):
    r = client.post(reverse("login"), {"username": "branch_user", "password": "nope-wrong1"})
    assert "请输入一个正确的" in r.content.decode()


def test_pages_carry_security_headers(world, login):
    client = login(world.branch_user)
    r = client.get(reverse("home"))
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Cache-Control"] == "no-store"


def test_csrf_is_enforced_on_posts(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.district_admin)
    r = client.post(reverse("orgs:unit_create", args=[world.east.pk]), {"code": "X", "name": "x", "level": "community"})
    assert r.status_code == 403


def test_session_is_an_idle_timeout_that_ends_with_the_browser(world, client, settings):
    import datetime as dt

    import time_machine

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE == 2 * 3600
    t0 = dt.datetime(2026, 5, 1, 8, tzinfo=dt.timezone.utc)
    with time_machine.travel(t0, tick=False):
        client.force_login(world.branch_user)
        assert client.get(reverse("home")).status_code == 200
    for hours in (1.5, 3.0, 4.9):  # each visit within two hours of the last keeps the session alive
        with time_machine.travel(t0 + dt.timedelta(hours=hours), tick=False):
            assert client.get(reverse("home")).status_code == 200, hours
    with time_machine.travel(t0 + dt.timedelta(hours=7), tick=False):  # idle for 2.1 hours
        assert client.get(reverse("home")).status_code == 302


def test_admin_site_is_for_superusers_only(world, login):
    assert login(world.district_admin).get("/admin/").status_code == 302
    assert login(world.superuser).get("/admin/").status_code == 200


def test_no_page_loads_anything_from_another_host(world, login):
    client = login(world.district_admin)
    for url in [reverse("home"), reverse("orgs:unit_list"), reverse("orgs:user_list"),
                reverse("orgs:unit_detail", args=[world.community.pk])]:
        html = client.get(url).content.decode()
        assert "http://" not in html and "https://" not in html, url


def test_every_export_and_download_is_recorded(world, login):
    client = login(world.office_admin)
    client.get(reverse("orgs:unit_export"), {"format": "csv"})
    event = AuditEvent.objects.filter(action="export").get()
    assert event.actor == world.office_admin and event.data["path"] == reverse("orgs:unit_export")
    assert "format=csv" in event.data["query"]
    client.get(reverse("home"))
    assert AuditEvent.objects.filter(action="export").count() == 1  # ordinary pages are not exports


def test_an_imported_user_must_change_the_password_at_first_login(world, client):
    from tests.xlsx import USER_HEADER, xlsx
    from wuxing.orgs.importers import import_users
    from wuxing.orgs.models import User

    import_users(world.office_admin, xlsx([["newbie", "新人", "", "支部书记", "T101", "Start2026go"]], header=USER_HEADER),
                 dry_run=False)
    client.post(reverse("login"), {"username": "newbie", "password": "Start2026go"})
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"] == reverse("password_change")
    assert client.get(reverse("api:me")).status_code == 403
    r = client.post(reverse("password_change"), {"old_password": "Start2026go", "new_password1": "Mine2026secret",
                                                 "new_password2": "Mine2026secret"})
    assert r.status_code == 302
    assert not User.objects.get(username="newbie").must_change_password
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_change", actor__username="newbie").exists()


def test_an_admin_reset_password_must_be_replaced_by_its_owner(world):
    from wuxing.orgs.services import reset_password

    reset_password(world.office_admin, world.village_user, "Reset2026pass")
    world.village_user.refresh_from_db()
    assert world.village_user.must_change_password
