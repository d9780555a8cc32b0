"""Choosing units by typing: forms list only what is chosen, the search answers within the chooser's reach."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import SYSTEM
from wuxing.contest.models import Highlight, Pairing
from wuxing.core.roles import Level
from wuxing.orgs import services

pytestmark = pytest.mark.django_db


def _search(client, q, scope="branches", **extra):
    html = client.get(reverse("orgs:unit_search"), {"q": q, "scope": scope, **extra}).content.decode()
    return re.findall(r'data-label="([^"]+)"', html)


def test_the_search_answers_only_within_the_choosers_reach(world, login):
    assert _search(login(world.district_admin), "城") == ["东城办事处 东城社区", "西城办事处 西城社区"]
    assert _search(login(world.office_admin), "城") == ["东城办事处 东城社区"]
    assert _search(login(world.office_admin), "王家") == []  # the other office's village
    assert _search(login(world.office_admin), "T2") == []  # nor by its code
    assert _search(login(world.district_admin), "T20", scope="units") == ["西城办事处 西城社区", "西城办事处 王家村"]
    # A secretary works on their own branch only; `within` cannot widen a reach.
    assert _search(login(world.branch_user), "", scope="worked") == ["东城办事处 东城社区"]
    assert _search(login(world.branch_user), "", scope="worked", within=world.west.pk) == []
    html = login(world.office_admin).get(reverse("orgs:unit_search"), {"q": "没有这个"}).content.decode()
    assert "没有找到匹配的单位" in html


def _more_branches(world, n):
    for i in range(n):
        services.create_unit(SYSTEM, parent=world.west, code=f"T2{i:03d}X", name=f"新建社区{i:03d}",
                             level=Level.COMMUNITY)


def test_the_pairing_form_does_not_grow_with_the_district(world, campaign, login):
    client = login(world.district_admin)
    url = reverse("contest:pairing_create", args=[campaign.pk])
    client.get(url)  # the first request of a session refreshes its idle timeout (a write); count the ones after
    with CaptureQueriesContext(connection) as few:
        small = client.get(url).content.decode()
    _more_branches(world, 120)
    client.get(url)  # the new units moved the epoch: the campaign kept by this process is read again, once
    with CaptureQueriesContext(connection) as many:
        big = client.get(url).content.decode()
    assert "新建社区" not in big and "西城社区" not in big
    assert len(many) == len(few)
    assert abs(len(big) - len(small)) < 200
    assert "unit-search-q" in big and "输入单位名称或编码" in big
    assert len(_search(client, "新建社区")) == 20  # the first 20, and a word to type more
    assert "只显示前 20 个" in client.get(reverse("orgs:unit_search"), {"q": "新建社区"}).content.decode()


def test_a_unit_outside_the_reach_is_refused_and_a_chosen_one_is_saved(world, campaign, login):
    client = login(world.office_admin)
    url = reverse("contest:pairing_create", args=[campaign.pk])
    refused = client.post(url, {"mentor": world.community.pk, "mentees": [world.west_village.pk], "goals": "结对共建"})
    assert refused.status_code == 200 and not Pairing.objects.exists()
    html = refused.content.decode()
    assert "选择一个有效的选项" in html
    # What was chosen and allowed stays chosen on the page shown again, with its label.
    assert f'name="mentor" value="{world.community.pk}" checked' in html and "东城办事处 东城社区" in html
    url = reverse("contest:highlight_create", args=[campaign.pk])
    r = client.post(url, {"branch": world.west_community.pk, "title": "亮点", "story": "事迹"})
    assert r.status_code == 200 and not Highlight.objects.exists()
    r = client.post(url, {"branch": world.village.pk, "title": "亮点", "story": "事迹"})
    assert r.status_code == 302 and Highlight.objects.get().branch == world.village
