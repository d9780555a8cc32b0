import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from wuxing.contest import services
from wuxing.core import events
from wuxing.evaluation.models import Award, Submission
from wuxing.rollups import rules

pytestmark = pytest.mark.django_db


def award(campaign, branch, stars):
    sub, _ = Submission.objects.get_or_create(campaign=campaign, branch=branch, defaults={"status": "awarded"})
    award = Award.objects.create(submission=sub, campaign=campaign, branch=branch, star_codes=stars, level=len(stars),
                                 effective_star_codes=stars, effective_level=len(stars))
    events.branch_changed(campaign.pk, branch.pk)  # as the naming service announces it
    return award


def test_the_flag_changes_when_one_branch_crosses_the_line_and_the_page_says_why(world, campaign, login):
    from wuxing.evaluation.services import reinstate_star, remove_star

    award(campaign, world.community, ["zbgy", "pafz", "wmxf"])
    village = award(campaign, world.village, ["stjy", "pafz", "wmxf"])
    remove_star(world.district_admin, village, star_code="pafz", category="petition", description="越级上访",
                occurred_on=dt.date(2026, 1, 1))
    client = login(world.district_admin)
    html = client.get(reverse("contest:flags", args=[campaign.pk])).content.decode()
    east = html[html.index(f'id="flag-{world.east.pk}"'):html.index(f'id="flag-{world.west.pk}"')]
    assert "当前计算：未达到" in east and "1/2 个支部达到三星级及以上，占 50%（要求不低于 80%）：未达到" in east
    reinstate_star(world.district_admin, village.removals.get(), "复核撤销")
    html = client.get(reverse("contest:flags", args=[campaign.pk])).content.decode()
    east = html[html.index(f'id="flag-{world.east.pk}"'):html.index(f'id="flag-{world.west.pk}"')]
    assert "当前计算：达到夺旗条件" in east and "2/2 个支部达到三星级及以上，占 100%（要求不低于 80%）：达到" in east
    assert "零星支部 0 个（要求没有零星支部）：达到" in east


def test_flag_rule_parameters_come_from_the_campaign(world, campaign):
    award(campaign, world.community, ["zbgy", "pafz", "wmxf"])
    award(campaign, world.village, ["stjy", "pafz"])
    from wuxing.contest.selectors import office_dashboard

    assert not office_dashboard(world.office_admin, campaign, world.east)[1]["flag"].won
    campaign.flag_min_share = Decimal("0.5")
    campaign.save()
    assert office_dashboard(world.office_admin, campaign, world.east)[1]["flag"].won


def test_flag_rule_table():
    assert rules.flag([3, 3, 3, 3, 2]).won  # 80% exactly
    assert not rules.flag([3, 3, 3, 2, 2]).won
    assert not rules.flag([5, 5, 5, 5, 5, 0]).won  # a zero-star branch blocks the flag
    assert rules.flag([5, 5, 5, 5, 5, 0], min_share=0.8, allow_zero=True).won
    assert not rules.flag([]).won


@given(st.lists(st.integers(0, 5), max_size=40), st.integers(0, 5))
def test_raising_one_branch_never_loses_a_flag(levels, i):
    if not levels:
        return
    i %= len(levels)
    better = list(levels)
    better[i] = min(5, better[i] + 1)
    assert rules.flag(better).won >= rules.flag(levels).won


def test_contest_drops_highest_and_lowest_and_ranks_ties():
    r = rules.contest_results({"a": [Decimal(90), Decimal(80), Decimal(70), Decimal(100)],
                               "b": [Decimal(85), Decimal(85), Decimal(85)],
                               "c": [Decimal(80), Decimal(90)]}, drop_extremes=True)
    assert [(x.key, x.final, x.rank) for x in r] == [("a", Decimal("85.00"), 1), ("b", Decimal("85.00"), 1),
                                                     ("c", Decimal("85.00"), 1)]
    assert r[0].dropped == (Decimal(70), Decimal(100))
    assert r[2].dropped == ()  # two judges only: nothing dropped
    plain = rules.contest_results({"a": [Decimal(90), Decimal(60), Decimal(60)]}, drop_extremes=False)
    assert plain[0].final == Decimal("70.00")


def test_contest_scores_are_checked_and_ranked(world, campaign, login):
    contest = services.create_contest(world.office_admin, campaign, world.east, kind="arena", title="书记擂台赛",
                                      held_on=dt.date(2026, 6, 1), drop_extremes=True,
                                      criteria=[("内容", Decimal(40)), ("语言", Decimal(30)), ("整体印象", Decimal(20)),
                                                ("时间", Decimal(10))],
                                      judges=["甲", "乙", "丙"], entries=[world.community, world.village])
    criteria = list(contest.criteria.all())
    entries = list(contest.entries.all())
    with pytest.raises(ValidationError, match="0 到 40"):
        services.record_scores(world.office_admin, contest, contest.judges.first(), {(entries[0].pk, criteria[0].pk): "41"})
    for judge, base in zip(contest.judges.all(), (30, 35, 38)):
        services.record_scores(world.office_admin, contest, judge, {
            (e.pk, c.pk): str(min(c.max_points, base // (i + 1) if c.order == 0 else c.max_points - i))
            for i, e in enumerate(entries) for c in criteria})
    results = services.contest_results(contest)
    assert [e.branch for _r, e in results] == [world.community, world.village]
    # First entry: 内容 = judge base, full marks elsewhere → totals 90, 95, 98; drop 90 and 98 → 95.
    assert results[0][0].final == Decimal("95.00") and results[0][0].dropped == (Decimal(90), Decimal(98))
    html = login(world.office_admin).get(reverse("contest:contest", args=[contest.pk])).content.decode()
    assert "书记擂台赛" in html and "东城社区" in html
    with pytest.raises(PermissionDenied):
        services.create_contest(world.office_admin, campaign, world.west, kind="arena", title="x",
                                held_on=dt.date(2026, 6, 1), drop_extremes=True, criteria=[("内容", Decimal(1))],
                                judges=["甲"], entries=[world.west_village])


def test_a_mentor_sees_its_mentees_progress_through_the_pairing(world, campaign, login):
    award(campaign, world.community, ["zbgy", "gjgx", "yjyy", "pafz"])  # 四星级: may mentor
    pairing = services.create_pairing(world.office_admin, campaign, world.community, [world.village], "五星带四星")
    html = login(world.branch_user).get(reverse("contest:pairing", args=[pairing.pk])).content.decode()
    assert "李家村" in html and "东城社区" in html
    assert login(world.village_user).get(reverse("contest:pairing", args=[pairing.pk])).status_code == 200
    assert login(world.other_branch_user).get(reverse("contest:pairing", args=[pairing.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.create_pairing(world.office_admin, campaign, world.community, [world.west_village], "跨办事处")


def test_highlights_take_photos_only_and_the_district_features_them(world, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = services.create_highlight(world.branch_user, campaign, world.community, title="红色物业", story="物业服务进小区",
                                  star_codes=["gjgx"])
    with pytest.raises(ValidationError, match="照片"):
        services.add_highlight_photo(world.branch_user, h, "a.pdf", b"%PDF-1.7\n")
    services.add_highlight_photo(world.branch_user, h, "a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    with pytest.raises(PermissionDenied):
        services.feature_highlight(world.office_admin, h, True)
    assert services.feature_highlight(world.district_admin, h, True).featured


def test_sanctions_are_recorded_scoped_and_exported(world, campaign, login):
    services.record_sanction(world.office_admin, campaign, kind="reward", unit=world.community, reason="亮赛比一等奖",
                             decided_on=dt.date(2026, 6, 1), amount=Decimal("2000"))
    services.record_sanction(world.district_admin, campaign, kind="penalty", unit=world.west_village, reason="台账造假",
                             decided_on=dt.date(2026, 6, 2))
    with pytest.raises(PermissionDenied):
        services.record_sanction(world.office_admin, campaign, kind="reward", unit=world.west_village, reason="x",
                                 decided_on=dt.date(2026, 6, 1))
    text = login(world.office_admin).get(reverse("contest:sanctions", args=[campaign.pk]), {"format": "csv"}).content.decode("utf-8-sig")
    assert "亮赛比一等奖" in text and "台账造假" not in text


def test_rankings_order_by_level_stars_then_progress(world, campaign, login):
    award(campaign, world.community, ["zbgy", "pafz"])
    award(campaign, world.village, ["stjy", "pafz", "wmxf"])
    award(campaign, world.west_community, ["zbgy", "pafz"])
    from wuxing.creation.services import add_progress, create_task

    t = create_task(world.branch_user, campaign, world.community, title="t", star_code="pafz",
                    due_date=dt.date(2099, 1, 1), responsible_name="x")
    add_progress(world.branch_user, t, "完成", done=True)
    html = login(world.district_admin).get(reverse("contest:rankings", args=[campaign.pk])).content.decode()
    table = html[html.index('id="branch-ranking"'):]
    assert table.index("李家村") < table.index("东城社区") < table.index("西城社区")


def test_office_ranking_puts_flag_holders_first_and_ignores_the_branch_filter(world, campaign, login):
    import io

    from openpyxl import load_workbook

    award(campaign, world.community, ["zbgy", "pafz", "wmxf"])
    award(campaign, world.village, ["stjy", "pafz", "wmxf", "xfzy"])
    award(campaign, world.west_community, ["zbgy", "pafz", "wmxf", "xfzy"])
    client = login(world.district_admin)
    # East holds the flag (2/2 at 3+); west does not (1/2) though its 4-star share equals east's.
    r = client.get(reverse("contest:rankings", args=[campaign.pk]), {"table": "offices", "format": "xlsx",
                                                                   "kind": "rural"})
    rows = [list(v) for v in load_workbook(io.BytesIO(r.content)).active.values]
    assert rows[1:] == [[1, "东城办事处", 2, 100, 50, "是"], [2, "西城办事处", 2, 50, 50, "否"]]


# --- 五星带四星: the pairing rule (issue 17, item 8) ----------------------------------------------------------

def test_a_mentor_below_the_campaigns_mentor_level_is_refused_with_the_reason(world, campaign):
    from wuxing.contest.models import Pairing

    award(campaign, world.community, ["zbgy", "gjgx", "yjyy"])  # 三星级
    with pytest.raises(ValidationError, match="帮带支部须达到四星级，东城社区现为三星级"):
        services.create_pairing(world.office_admin, campaign, world.community, [world.village], "五星带四星")
    assert not Pairing.objects.exists()


def test_a_mentee_as_strong_as_its_mentor_is_refused(world, campaign):
    from wuxing.contest.models import Pairing

    award(campaign, world.community, ["zbgy", "gjgx", "yjyy", "pafz"])
    award(campaign, world.village, ["zbgy", "cyxw", "stjy", "pafz"])  # 四星 too
    with pytest.raises(ValidationError, match="结对支部的星级须低于帮带支部（四星级）：李家村"):
        services.create_pairing(world.office_admin, campaign, world.community, [world.village], "五星带四星")
    assert not Pairing.objects.exists()


def test_the_pairing_rule_holds_on_the_page_and_in_the_api(world, campaign, login):
    from rest_framework.test import APIClient

    from wuxing.contest.models import Pairing
    from wuxing.core.models import AuditEvent

    award(campaign, world.community, ["zbgy", "gjgx", "yjyy"])
    body = {"campaign": campaign.pk, "mentor": world.community.pk, "mentees": [world.village.pk], "goals": "五星带四星"}
    page = login(world.office_admin).post(reverse("contest:pairing_create", args=[campaign.pk]), body)
    assert page.status_code == 200 and "帮带支部须达到四星级" in page.content.decode()
    api = APIClient()
    api.force_authenticate(world.office_admin)
    r = api.post("/api/v1/pairings/", body, format="json")
    assert r.status_code == 400 and "帮带支部须达到四星级" in r.content.decode()
    assert not Pairing.objects.exists() and not AuditEvent.objects.filter(action="contest.pairing.create").exists()
    award(campaign, world.west_community, ["zbgy", "gjgx", "yjyy", "pafz"])  # another office's: not this admin's
    from wuxing.creation.services import update_campaign

    update_campaign(world.district_admin, campaign, pairing_mentor_level=3)  # the campaign's own rule: 三星 may mentor
    r = api.post("/api/v1/pairings/", body, format="json")
    assert r.status_code == 201
    assert Pairing.objects.get().mentor_id == world.community.pk
    assert AuditEvent.objects.filter(action="contest.pairing.create").count() == 1



def test_levels_are_spoken_in_words():
    from wuxing.core.templatetags.wuxing import star_level

    assert [star_level(n) for n in range(6)] == ["无星级", "一星级", "二星级", "三星级", "四星级", "五星级"]
    assert star_level(None) == "" and star_level(9) == ""
