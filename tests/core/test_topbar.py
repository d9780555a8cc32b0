"""The top bar of every page is kept per set of facts it shows (wuxing.core.templatetags.wuxing.topbar): a change
of any of them shows on the next page, and each session gets its own CSRF token in the 退出 form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from wuxing.core.notify import notify
from wuxing.orgs import services as orgs

pytestmark = pytest.mark.django_db


def _bar(client) -> str:
    html = client.get(reverse("notifications")).content.decode()
    return html[html.index('<header class="topbar">'):html.index("</header>")]


def test_the_bar_follows_the_unread_count_and_the_name(world, login):
    client = login(world.branch_user)
    assert '<span class="count">' not in _bar(client)
    notify([world.branch_user], "请报送第20周动态")
    assert '<span class="count">1</span>' in _bar(client)
    orgs.update_user(world.district_admin, world.branch_user, real_name="东城社区书记（新）", mobile="",
                     is_active=True)
    assert "东城社区书记（新）" in _bar(client)


def test_the_menu_differs_by_role(world, login):
    assert "用户管理" in _bar(login(world.district_admin))
    bar = _bar(login(world.branch_user))
    assert "用户管理" not in bar and "年度创建" in bar
    bar = _bar(login(world.casefile_organiser))
    assert "年度创建" not in bar and "案卷评查" in bar


def test_each_session_signs_out_with_its_own_token(world):
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.branch_user)
        token = re.search(r'action="/accounts/logout/" class="inline"><input type="hidden" '
                          r'name="csrfmiddlewaretoken" value="([^"]+)"', _bar(client)).group(1)
        tokens.append((client, token))
    (first, _one), (second, two) = tokens
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": two}).status_code == 302
    assert second.get(reverse("notifications")).status_code == 302  # signed out: sent to the login page
    assert first.get(reverse("notifications")).status_code == 200


def test_a_page_without_a_signed_in_user_shows_the_brand_alone(client):
    html = client.get(reverse("login")).content.decode()
    bar = html[html.index('<header class="topbar">'):html.index("</header>")]
    assert "五星支部创建" in bar and "<form" not in bar and "退出" not in bar
