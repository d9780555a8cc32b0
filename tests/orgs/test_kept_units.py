"""Each process keeps the units its campaign pages looked up (wuxing.orgs.selectors.seen_unit) under the org tree's
epoch, read with the campaign: who sees one is decided as OrgUnit.objects.for_user decides, and every change of a
unit's row (rename, re-classification, deactivation, the head of its documents, a move) shows on the next request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import SYSTEM
from wuxing.campaigns.selectors import visible_campaign
from wuxing.core import versions
from wuxing.core.roles import BRANCH_LEVELS, Level
from wuxing.orgs import services as orgs
from wuxing.orgs.models import OrgUnit, User
from wuxing.orgs.selectors import seen_unit
from wuxing.rollups.selectors import area

pytestmark = pytest.mark.django_db


def _epoch() -> int:
    return versions.of(0)[0]


def test_who_sees_a_kept_unit_is_decided_as_for_user_decides(world, campaign):
    other = orgs.create_unit(SYSTEM, parent=None, code="Q", name="另一区", level=Level.DISTRICT)
    orgs.create_unit(SYSTEM, parent=other, code="Q1", name="另一办事处", level=Level.OFFICE)
    inactive = User.objects.get(username=world.branch_user.username)
    inactive.is_active = False
    people = [*User.objects.exclude(pk=inactive.pk), inactive, AnonymousUser()]
    units = list(OrgUnit.objects.all())
    assert len(people) > 10 and len(units) > 8
    epoch = _epoch()
    for levels in (None, (Level.OFFICE,), BRANCH_LEVELS):
        for under in ("", world.district.path):
            for person in people:
                seen = OrgUnit.objects.for_user(person).filter(path__startswith=under)
                if levels is not None:
                    seen = seen.filter(level__in=levels)
                expected = set(seen.values_list("pk", flat=True))
                got = {u.pk for u in units if seen_unit(person, u.pk, epoch=epoch, levels=levels, under=under)}
                assert got == expected, (person, levels, under)
    assert seen_unit(world.superuser, 10 ** 9, epoch=epoch) is None
    assert seen_unit(world.superuser, "x", epoch=epoch) is None


CHANGES = {"name": "东城街道", "doc_mark": "中共东城街道工委", "area_code": "410171001000", "kind": "rural",
           "is_active": False}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_of_a_units_row_shows_on_the_next_lookup(world, campaign, change):
    unit = OrgUnit.objects.get(pk=world.east.pk)
    assert seen_unit(world.district_admin, unit.pk, epoch=_epoch()).name == "东城办事处"
    fields = {"name": unit.name, "kind": unit.kind, "area_code": unit.area_code, "is_active": True,
              change: CHANGES[change]}
    orgs.update_unit(world.district_admin, unit, **fields)
    kept = seen_unit(world.district_admin, unit.pk, epoch=_epoch())
    assert getattr(kept, change) == getattr(OrgUnit.objects.get(pk=unit.pk), change) == CHANGES[change]


def test_a_move_shows_on_the_next_lookup(world, campaign):
    assert seen_unit(world.office_admin, world.community.pk, epoch=_epoch()) is not None
    community = OrgUnit.objects.get(pk=world.community.pk)
    orgs.move_subtree(community, OrgUnit.objects.get(pk=world.west.pk))
    assert seen_unit(world.office_admin, world.community.pk, epoch=_epoch()) is None  # now in another office
    assert seen_unit(world.district_admin, world.community.pk, epoch=_epoch()).path == community.path


def test_a_kept_unit_costs_no_query_and_a_view_changing_its_copy_changes_nothing(world, campaign):
    epoch = _epoch()
    seen_unit(world.office_admin, world.community.pk, epoch=epoch)
    with CaptureQueriesContext(connection) as ctx:
        mine = seen_unit(world.office_admin, world.community.pk, epoch=epoch)
    assert len(ctx.captured_queries) == 0
    mine.name = "改了但没保存"
    assert seen_unit(world.office_admin, world.community.pk, epoch=epoch).name == "东城社区"


def test_the_area_asked_for_is_the_one_the_user_sees(world, campaign):
    c = visible_campaign(world.district_admin, campaign.pk)
    assert area(world.district_admin, c, world.east.pk).pk == world.east.pk
    assert area(world.district_admin, c, world.community.pk).pk == world.district.pk  # a branch is no area
    c = visible_campaign(world.office_admin, campaign.pk)
    assert area(world.office_admin, c, world.west.pk).pk == world.district.pk  # not theirs: the campaign's unit
    assert area(world.office_admin, c, world.east.pk).pk == world.east.pk


def test_an_office_admin_cannot_open_another_offices_dashboard(world, campaign, login):
    client = login(world.office_admin)
    assert client.get(reverse("contest:office", args=[campaign.pk, world.east.pk])).status_code == 200
    assert client.get(reverse("contest:office", args=[campaign.pk, world.west.pk])).status_code == 404
    assert client.get(reverse("contest:branch", args=[campaign.pk, world.west_village.pk])).status_code == 404
    assert client.get(reverse("weekly:office", args=[campaign.pk, world.west.pk])).status_code == 404


def test_a_kept_unit_carries_its_parent_without_a_query_and_a_renamed_parent_shows(world, campaign):
    epoch = _epoch()
    seen_unit(world.office_admin, world.community.pk, epoch=epoch)
    with CaptureQueriesContext(connection) as ctx:
        mine = seen_unit(world.office_admin, world.community.pk, epoch=epoch)
        assert mine.parent.name == "东城办事处"
    assert len(ctx.captured_queries) == 0
    mine.parent.name = "改了但没保存"
    assert seen_unit(world.office_admin, world.community.pk, epoch=epoch).parent.name == "东城办事处"
    east = OrgUnit.objects.get(pk=world.east.pk)
    orgs.update_unit(world.district_admin, east, name="东城街道", kind=east.kind, area_code=east.area_code,
                     is_active=True)
    assert seen_unit(world.office_admin, world.community.pk, epoch=_epoch()).parent.name == "东城街道"
