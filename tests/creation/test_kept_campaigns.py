"""Each process keeps the campaigns it read (wuxing.campaigns.selectors.visible_campaign) and checks two version
numbers per request instead of reading the row: who sees a campaign is decided as campaigns_for decides it, and
every write of a campaign or its unit shows on the next request."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tests.conftest import SYSTEM
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import campaigns_for, visible_campaign
from wuxing.core.roles import Level
from wuxing.creation import services as creation
from wuxing.orgs import services as orgs
from wuxing.orgs.models import User
from wuxing.standards.models import Standard

pytestmark = pytest.mark.django_db


def _second_district_campaign():
    other = orgs.create_unit(SYSTEM, parent=None, code="Q", name="另一区", level=Level.DISTRICT)
    office = orgs.create_unit(SYSTEM, parent=other, code="Q1", name="另一办事处", level=Level.OFFICE)
    orgs.create_unit(SYSTEM, parent=office, code="Q101", name="另一社区", level=Level.COMMUNITY)
    return creation.create_campaign(
        SYSTEM, other, year=2026, name="另一区 2026 年度创建", key_work_tags=[],
        urban_standard=Standard.objects.get(applies_to="urban"), rural_standard=Standard.objects.get(applies_to="rural"),
        plan_due=dt.date(2026, 3, 31), assessment_opens=dt.date(2026, 10, 1), assessment_closes=dt.date(2026, 10, 31),
        office_review_due=dt.date(2026, 11, 15), district_review_due=dt.date(2026, 11, 30))


def test_who_sees_a_kept_campaign_is_decided_as_campaigns_for_decides(world, campaign):
    other = _second_district_campaign()
    inactive = User.objects.get(username=world.branch_user.username)
    inactive.is_active = False
    people = [*User.objects.exclude(pk=inactive.pk), inactive, AnonymousUser()]
    assert len(people) > 10
    for person in people:
        for c in (campaign, other):
            expected = campaigns_for(person).filter(pk=c.pk).exists()
            assert Campaign.objects.admits(person, visible_campaign(world.superuser, c.pk)) == expected, (person, c)
            assert (visible_campaign(person, c.pk) is not None) == expected, (person, c)
    assert visible_campaign(world.superuser, 10 ** 9) is None


def test_a_campaigns_edit_shows_on_the_next_request(world, campaign, login):
    client = login(world.district_admin)
    url = reverse("creation:branch", args=[campaign.pk, world.community.pk])
    assert "2026 年度创建" in client.get(url).content.decode()
    creation.update_campaign(world.district_admin, campaign, name="2026 年度五星支部创建")
    assert "2026 年度五星支部创建" in client.get(url).content.decode()


def test_a_rename_of_the_campaigns_unit_shows_on_the_next_request(world, campaign):
    assert visible_campaign(world.district_admin, campaign.pk).unit.name == "测试区"
    orgs.update_unit(world.district_admin, world.district, name="测试新区", kind=world.district.kind,
                     area_code=world.district.area_code, is_active=True)
    assert visible_campaign(world.district_admin, campaign.pk).unit.name == "测试新区"


def test_a_view_changing_its_copy_changes_nothing_kept(world, campaign):
    mine = visible_campaign(world.district_admin, campaign.pk)
    mine.name, mine.unit.name = "改了但没保存", "也没保存"
    again = visible_campaign(world.district_admin, campaign.pk)
    assert (again.name, again.unit.name) == ("2026 年度创建", "测试区")


def test_a_kept_campaign_costs_one_query(world, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visible_campaign(world.branch_user, campaign.pk)
    with CaptureQueriesContext(connection) as ctx:
        kept = visible_campaign(world.branch_user, campaign.pk)
    assert kept.pk == campaign.pk and kept.unit.path == world.district.path
    assert len(ctx.captured_queries) == 1
