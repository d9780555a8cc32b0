"""Two offices acting on the same branch at once leave the rollups equal to a from-scratch count.

Real concurrent transactions need a server database: on SQLite (one writer) this is skipped.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.conftest import SYSTEM, at_once, make_campaign, make_world
from wuxing.creation import services as creation
from wuxing.rollups import services as rollups
from wuxing.rollups.models import UnitStat

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")]


def test_concurrent_writes_to_one_branch_keep_the_rollups_exact():
    world = make_world()
    campaign = make_campaign(world)
    star = campaign.standard_for(world.community).stars.first().code

    def writer(n: int):
        def write():
            for i in range(5):
                creation.create_task(SYSTEM, campaign, world.community, title=f"并发任务{n}-{i}", star_code=star,
                                     due_date=dt.date(2026, 12, 20), responsible_name="张三")
        return write

    outcomes = at_once(*(writer(n) for n in range(4)))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert UnitStat.objects.get(campaign=campaign, unit=world.district).tasks == 20
    assert rollups.drift(campaign).total == 0
