"""Issue 18 findings 1-3 and 7: API tokens follow the password rules, throttles and lockouts key on the
real client address, the schema is for signed-in users. Each finding was a failing test first."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, SYSTEM
from wuxing.core.models import AuditEvent
from wuxing.core.roles import Role
from wuxing.orgs import services as org

pytestmark = pytest.mark.django_db
NEW = "Xinmima#2027ok"


def token_for(username, password=PASSWORD, **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json",
                            **extra)


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_finding_1_a_user_who_must_change_the_password_gets_no_token_and_old_tokens_stop(world):
    user = org.create_user(SYSTEM, username="newcomer", real_name="新同事", mobile="", password=PASSWORD,
                           role=Role.SECRETARY, unit=world.village, must_change=True)
    r = token_for("newcomer")
    assert r.status_code == 403 and "修改管理员设置的初始密码" in r.json()["detail"]
    assert not Token.objects.filter(user=user).exists()
    # A token made before the reset: refused the same way until the password is changed.
    key = Token.objects.create(user=user).key
    r = with_token(key).post("/api/v1/targets/", {"campaign": 1, "branch": world.village.pk, "star_codes": ["zbgy"]},
                             format="json")
    assert r.status_code == 403 and "初始密码" in r.json()["detail"]


def test_finding_2_a_reset_a_change_or_a_deactivation_revokes_tokens_and_sessions(world, login):
    key = token_for("branch_user").json()["token"]
    site = login(world.branch_user)
    org.reset_password(world.district_admin, world.branch_user, "Chongzhi#2026x")
    assert with_token(key).get("/api/v1/me/").status_code == 401
    assert site.get(reverse("home")).status_code == 302  # the session ended with the old password
    assert AuditEvent.objects.filter(action="orgs.user.reset_password").latest("seq").data["tokens_revoked"] == 1

    # The owner changes it on the site: must-change cleared, tokens made since are revoked.
    world.branch_user.refresh_from_db()
    page = Client()
    page.force_login(world.branch_user)
    key = Token.objects.create(user=world.branch_user).key
    r = page.post(reverse("password_change"), {"old_password": "Chongzhi#2026x", "new_password1": NEW,
                                               "new_password2": NEW})
    assert r.status_code == 302
    assert with_token(key).get("/api/v1/me/").status_code == 401
    world.branch_user.refresh_from_db()
    assert not world.branch_user.must_change_password

    # Deactivated: tokens gone too.
    key = token_for("village_user").json()["token"]
    org.update_user(world.district_admin, world.village_user, real_name="村书记", mobile="13912345678",
                    is_active=False)
    assert not Token.objects.filter(user=world.village_user).exists()
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_finding_2_the_api_changes_ones_own_password_with_the_sites_validators(world):
    key = token_for("branch_user").json()["token"]
    api = with_token(key)
    r = api.post("/api/v1/me/password/", {"old": "wrong-Pass1", "new": NEW}, format="json")
    assert r.status_code == 400 and "原密码不正确" in r.content.decode()
    r = api.post("/api/v1/me/password/", {"old": PASSWORD, "new": "12345678"}, format="json")
    assert r.status_code == 400 and "密码" in r.content.decode()
    world.branch_user.refresh_from_db()
    assert world.branch_user.check_password(PASSWORD)
    r = api.post("/api/v1/me/password/", {"old": PASSWORD, "new": NEW}, format="json")
    assert r.status_code == 204
    world.branch_user.refresh_from_db()
    assert world.branch_user.check_password(NEW)
    assert api.get("/api/v1/me/").status_code == 401  # its own token too
    assert AuditEvent.objects.filter(action="auth.password_change", actor=world.branch_user).exists()


def test_finding_3_a_forged_forwarded_for_does_not_escape_the_token_throttle(world):
    from django.core.cache import cache

    cache.clear()
    answers = [token_for("branch_user", "wrong-Pass1", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code
               for i in range(21)]
    assert answers[-1] == 429, answers


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_finding_3_behind_one_proxy_the_lockout_is_per_name_and_address(world):
    def sign_in(address, password):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address).post(
            reverse("login"), {"username": "branch_user", "password": password})

    for _ in range(5):
        sign_in("203.0.113.7", "nope-wrong1")  # a stranger guessing at the name
    assert sign_in("203.0.113.7", PASSWORD).status_code == 429  # locked, from the stranger's address
    assert sign_in("198.51.100.20", PASSWORD).status_code == 302  # the owner, elsewhere, is not
    # A client behind the proxy cannot choose its address: only the proxy's last entry counts.
    assert sign_in("1.2.3.4, 203.0.113.7", PASSWORD).status_code == 429


def test_client_ip_trusts_exactly_the_configured_proxies(rf, settings):
    from wuxing.core.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_finding_7_the_schema_is_for_signed_in_users_and_api_404s_are_chinese_json(world):
    assert APIClient().get("/api/schema/").status_code in (401, 403)
    assert APIClient().get("/api/docs/").status_code in (401, 403)
    signed = APIClient()
    signed.force_authenticate(world.branch_user)
    assert signed.get("/api/schema/").status_code == 200
    r = signed.get("/api/v1/no-such-thing/")
    assert r.status_code == 404 and r.json() == {"detail": "未找到。"}
    r = signed.get("/api/v1/units/999999/")
    assert r.status_code == 404 and r.json() == {"detail": "未找到。"}
