"""Issue 17 item 5: flags are conferred — a record with its inputs frozen, audited, revocable with a reason;
the nomination upward (三级争创) recorded the same way; the rule read in percent."""


import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import api_as as api
from tests.conftest import at, met_results
from wuxing.contest import services
from wuxing.contest.models import FlagAward
from wuxing.core import audit
from wuxing.core.models import AuditEvent
from wuxing.evaluation import services as evaluation

pytestmark = pytest.mark.django_db




@pytest.fixture
def east_wins(world, campaign):
    """Both east branches meet every star by their self-assessment: 东城办事处 wins the flag."""
    for user, branch in ((world.branch_user, world.community), (world.village_user, world.village)):
        evaluation.save_self_results(user, campaign, branch, met_results(campaign, branch))
    return world.east


def test_a_conferred_flag_keeps_its_inputs_when_levels_change_and_a_revocation_needs_a_reason(
        world, campaign, east_wins, login):
    url = "/api/v1/flags/"
    with at(2026, 11, 30, 9):
        r = api(world.district_admin).post(url, {"campaign": campaign.pk, "office": world.east.pk, "period": "2026"},
                                           format="json")
    assert r.status_code == 201, r.content
    flag = r.json()
    assert flag["inputs"]["won"] and flag["inputs"]["at_or_above"] == 2 and flag["inputs"]["total"] == 2
    assert sorted(level for _id, _name, level in flag["inputs"]["branches"]) == [5, 5]

    # The village's level falls afterwards: the live result changes, the conferred record does not.
    evaluation.save_self_results(world.village_user, campaign, world.village,
                                 {code: False for code in met_results(campaign, world.village)})
    result, _inputs = services.flag_inputs(campaign, world.east)
    assert not result.won
    stored = FlagAward.objects.get()
    assert stored.inputs["at_or_above"] == 2 and stored.revoked_at is None
    with at(2026, 12, 1, 9):
        page = login(world.district_admin).get(reverse("contest:flags", args=[campaign.pk])).content.decode()
    assert "已授旗 2026-11-30" in page and "不低于 80%" in page and "0.800" not in page and "三星级" in page

    # Revocation needs a reason (page and API); with one, it is recorded and chained.
    revoke = f"/api/v1/flags/{stored.pk}/revoke/"
    r = api(world.district_admin).post(revoke, {"reason": ""}, format="json")
    assert r.status_code == 400 and "撤销时请写明理由" in r.content.decode()
    login(world.district_admin).post(reverse("contest:flag_revoke", args=[stored.pk]), {"reason": ""})
    stored.refresh_from_db()
    assert stored.revoked_at is None
    r = api(world.district_admin).post(revoke, {"reason": "复查发现李家村台账造假"}, format="json")
    assert r.status_code == 200 and r.json()["revoke_reason"] == "复查发现李家村台账造假"
    actions = list(AuditEvent.objects.filter(action__startswith="contest.flag").values_list("action", flat=True))
    assert actions == ["contest.flag.confer", "contest.flag.revoke"]
    assert audit.verify().ok


def test_a_flag_not_won_cannot_be_conferred_and_a_nomination_follows_a_flag(world, campaign, east_wins, login):
    with at(2026, 11, 30, 9):
        r = api(world.district_admin).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.west.pk,
                                                              "period": "2026"}, format="json")
        assert r.status_code == 400 and "未达到夺旗条件" in r.content.decode() and "0/2" in r.content.decode()
        r = api(world.district_admin).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.east.pk,
                                                              "period": "2026", "kind": "nomination"}, format="json")
        assert r.status_code == 400 and "先授旗" in r.content.decode()
        page = login(world.district_admin)
        page.post(reverse("contest:flag_confer", args=[campaign.pk]), {"office": world.east.pk, "period": "2026",
                                                                       "kind": "flag"})
        page.post(reverse("contest:flag_confer", args=[campaign.pk]), {"office": world.east.pk, "period": "2026",
                                                                       "kind": "nomination", "note": "推荐参加市级争创"})
        r = api(world.district_admin).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.east.pk,
                                                              "period": "2026"}, format="json")
        assert r.status_code == 400 and "已授旗" in r.content.decode()
    assert sorted(FlagAward.objects.values_list("kind", flat=True)) == ["flag", "nomination"]
    # Revoking the flag takes the nomination that rested on it.
    services.revoke_flag(world.district_admin, FlagAward.objects.get(kind="flag"), "撤销")
    assert not FlagAward.objects.filter(revoked_at__isnull=True).exists()


def test_only_the_district_admin_confers_and_only_periods_begun(world, campaign, east_wins):
    campaign.flag_period = "quarter"
    campaign.save()
    with at(2026, 8, 3, 9):
        for user in (world.office_admin, world.branch_user, world.star_reviewer):
            r = api(user).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.east.pk,
                                                  "period": "2026-Q3"}, format="json")
            assert r.status_code == 404
        r = api(world.district_admin).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.east.pk,
                                                              "period": "2026-Q4"}, format="json")
        assert r.status_code == 400 and "尚未开始" in r.content.decode()
        r = api(world.district_admin).post("/api/v1/flags/", {"campaign": campaign.pk, "office": world.east.pk,
                                                              "period": "2026"}, format="json")
        assert r.status_code == 400 and "授旗周期" in r.content.decode()
    assert not FlagAward.objects.exists()


def test_the_flags_page_shows_one_page_of_offices_and_finds_one_by_name(world, campaign, login):
    from tests.conftest import SYSTEM
    from wuxing.core.roles import Level
    from wuxing.orgs import services as orgs

    for i in range(25):
        orgs.create_unit(SYSTEM, parent=world.district, code=f"TX{i:02d}", name=f"新区{i:02d}办事处", level=Level.OFFICE)
    client = login(world.district_admin)
    url = reverse("contest:flags", args=[campaign.pk])
    first = client.get(url).content.decode()
    assert first.count('class="card flag-card"') == 20 and "第 1 / 2 页" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="card flag-card"') == 7
    found = client.get(url, {"q": "东城"}).content.decode()
    assert found.count('class="card flag-card"') == 1 and "东城办事处" in found
    assert "没有符合条件的办事处" in client.get(url, {"q": "不存在"}).content.decode()
    assert client.get(url, {"page": 3}).status_code == 404


def _untokened(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def test_the_cached_flags_page_shows_a_conferral_and_a_revocation_on_the_next_read(
        world, campaign, east_wins, login, settings):
    """The page is cached (rollups' stamp, the epoch, the campaign unit's number): a flag conferred or revoked, by
    the page or by the service from any process, shows on the next read of the same page by another session."""
    settings.WUXING_PAGE_CACHE = True
    url = reverse("contest:flags", args=[campaign.pk])
    admin, viewer = login(world.district_admin), login(world.district_admin)
    with at(2026, 11, 30, 9):
        first = viewer.get(url).content.decode()
        assert "已授旗" not in first and 'name="kind" value="flag"' in first
        with CaptureQueriesContext(connection) as second:
            assert _untokened(viewer.get(url).content.decode()) == _untokened(first)
        assert not any("contest_flagaward" in q["sql"] for q in second.captured_queries)  # the body was cached
        r = admin.post(reverse("contest:flag_confer", args=[campaign.pk]),
                       {"office": world.east.pk, "period": "2026", "kind": "flag", "note": ""})
        assert r.status_code == 302
        page = viewer.get(url).content.decode()
    award = FlagAward.objects.get()
    assert "已授旗 2026-11-30" in page and f'action="{reverse("contest:flag_revoke", args=[award.pk])}"' in page
    with at(2026, 11, 30, 10):
        services.revoke_flag(world.district_admin, award, "复查发现台账造假")
        page = viewer.get(url).content.decode()
    assert "已于 2026-11-30 撤销：复查发现台账造假" in page
    # Each session's own token in the forms, never the stand-in the cached body was built with.
    assert "wuxing-csrf-token-placeholder" not in page and 'name="csrfmiddlewaretoken" value="' in page


def test_a_renamed_office_shows_on_the_next_read_of_the_cached_area_pages(world, campaign, login, settings):
    """A rename is on the dashboards, rankings and flags pages (cached under the rollups' stamp, which a rename
    does not move): it moves the epoch they also key on."""
    from wuxing.orgs import services as orgs

    settings.WUXING_PAGE_CACHE = True
    client = login(world.district_admin)
    urls = [reverse("contest:district", args=[campaign.pk]), reverse("contest:flags", args=[campaign.pk]),
            reverse("contest:rankings", args=[campaign.pk])]
    with at(2026, 11, 30, 9):
        for url in urls:
            assert "东城办事处" in client.get(url).content.decode()
        u = world.east
        orgs.update_unit(world.district_admin, u, name="东城街道", kind=u.kind, area_code=u.area_code,
                         is_active=True)
        for url in urls:
            page = client.get(url).content.decode()
            assert "东城街道" in page and "东城办事处" not in page, url
