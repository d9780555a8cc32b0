"""The scale seed, and pages read from the rollups staying within a fixed number of queries."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from wuxing.campaigns.models import Campaign
from wuxing.orgs.models import OrgUnit, User
from wuxing.rollups import metrics, rules, selectors, services
from wuxing.rollups.models import BranchStat, UnitStat
from wuxing.seed import scale
from wuxing.weekly.models import WeeklyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(client):
    call_command("seed", scale="district", quiet=True)
    campaign = Campaign.objects.select_related("unit").get(unit__code="SD")
    client.force_login(User.objects.get(username="sd_admin"))
    return campaign, client


def test_the_same_seed_draws_the_same_tree_and_another_seed_another():
    a = scale._tree("city", random.Random(7), 1)
    assert a == scale._tree("city", random.Random(7), 1)
    assert a != scale._tree("city", random.Random(8), 1)
    province_like = scale._split(2400, 160, (9, 21), random.Random(1))
    assert sum(province_like) == 2400 and min(province_like) >= 9 and max(province_like) <= 21


def test_district_seed_is_a_whole_campaign_year_with_rollups_that_match_the_raw_tables(seeded):
    campaign, _client = seeded
    branches = OrgUnit.objects.filter(level__in=["community", "village"], path__startswith=campaign.unit.path).count()
    assert 12 * 20 <= branches <= 12 * 30
    assert UnitStat.objects.get(campaign=campaign, unit=campaign.unit).n_branches == branches
    reports = WeeklyReport.objects.filter(campaign=campaign).count()
    assert 0.85 * 52 * branches <= reports <= 52 * branches  # 0–10 % missing per branch
    assert services.drift(campaign).total == 0
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed", scale="district", quiet=True)


def test_dashboard_ranking_and_lists_take_a_fixed_number_of_queries(seeded, django_assert_max_num_queries):
    campaign, client = seeded
    office = OrgUnit.objects.filter(level="office", path__startswith=campaign.unit.path).order_by("path").first()
    for url, most in [
        (reverse("contest:district", args=[campaign.pk]), 14),
        (reverse("contest:rankings", args=[campaign.pk]), 12),
        (reverse("contest:matrix", args=[campaign.pk]), 10),
        (reverse("contest:flags", args=[campaign.pk]), 12),
        (reverse("contest:sanctions", args=[campaign.pk]), 9),
        (reverse("contest:pairing_create", args=[campaign.pk]), 7),
        (reverse("creation:campaign", args=[campaign.pk]), 7),
        (reverse("weekly:district", args=[campaign.pk]), 12),
        (reverse("contest:office", args=[campaign.pk, office.pk]), 14),
        (reverse("api:rankings") + f"?campaign={campaign.pk}", 10),
        (reverse("api:weekly-report-list") + f"?campaign={campaign.pk}", 8),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


def rank_in_python(rows):
    """The ranking rule on a plain list: level, stars held, plan progress (descending); equal keys share a rank."""
    ordered = sorted(rows, key=lambda m: (-m.level, -len(m.stars), -m.progress, m.branch.path))
    ranked, previous, rank = [], None, 0
    for i, m in enumerate(ordered, start=1):
        if (m.level, len(m.stars), m.progress) != previous:
            rank, previous = i, (m.level, len(m.stars), m.progress)
        ranked.append((rank, m))
    return ranked


def test_ranking_pages_share_ranks_across_page_breaks_like_the_full_ranking(seeded):
    campaign, _client = seeded
    user = User.objects.get(username="sd_admin")
    everything = rank_in_python(metrics.branch_metrics(user, campaign))
    paged = []
    page, pages = 1, 1
    while page <= pages:
        rows, total, page, pages = selectors.ranking_page(user, campaign, campaign.unit, page=page, per_page=37)
        paged += [(r, s.branch_id) for r, s in rows]
        page += 1
    assert total == len(everything)
    assert paged == [(r, m.branch.pk) for r, m in everything]


def test_office_ranking_in_sql_agrees_with_the_flag_rule(seeded):
    campaign, _client = seeded
    user = User.objects.get(username="sd_admin")
    rows = selectors.office_ranking(user, campaign, campaign.unit)
    expected = []
    for o in OrgUnit.objects.filter(level="office", path__startswith=campaign.unit.path):
        levels = list(BranchStat.objects.filter(campaign=campaign, office=o).values_list("level", flat=True))
        n = len(levels) or 1
        f = rules.flag(levels, campaign.flag_min_level, float(campaign.flag_min_share), campaign.flag_allow_zero)
        expected.append((o.pk, round(100 * sum(lv >= 3 for lv in levels) / n, 1),
                         round(100 * sum(lv >= 4 for lv in levels) / n, 1), f.won, o.path))
    expected.sort(key=lambda r: (not r[3], -r[1], -r[2], r[4]))
    assert [(o.pk, p3, p4, f.won) for o, _n, p3, p4, f in rows] == [e[:4] for e in expected]


def test_api_lists_page_by_keyset_every_row_once_and_any_page_as_cheap_as_the_first(seeded, monkeypatch,
                                                                                     django_assert_max_num_queries):
    from wuxing.api import pagination

    campaign, client = seeded
    monkeypatch.setattr(pagination, "PAGE_SIZE", 500)
    url = reverse("api:weekly-report-list") + f"?campaign={campaign.pk}"
    seen, pages, link = [], 0, url
    while link:
        with django_assert_max_num_queries(8):  # the same few queries on the last page as on the first
            body = client.get(link).json()
        seen += [r["id"] for r in body["results"]]
        pages, link = pages + 1, body["next"]
    expected = list(WeeklyReport.objects.filter(campaign=campaign).order_by("campaign_id", "-iso_year", "-iso_week", "branch_id", "pk")
                    .values_list("pk", flat=True))
    assert pages > 3 and seen == expected
    assert client.get(url + "&cursor=bm90LWEtY3Vyc29y").status_code == 400  # "not-a-cursor"
