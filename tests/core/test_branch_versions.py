"""A branch's own pages (its workspace, its weekly history) are cached under the branch's version number
(wuxing.core.versions): every write of the branch's work shows on the very next read, from whichever process it
came, and nothing else's writes empty them."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import at, met_results
from wuxing.core import versions
from wuxing.creation import services as creation
from wuxing.evaluation import services as evaluation
from wuxing.weekly import services as weekly

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
# A process started without REDIS_URL (a cron job, the command line) has a cache of its own.
OWN_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cron-job"}}


def _state(html: str, code: str) -> str | None:
    """The 找差距 state of one indicator in the workspace: met, evidence, planned, none (未着手) — or None if not listed."""
    found = re.search(rf'<li class="gap-(\w+)"><span class="state">[^<]*</span>\s*<code>{code}</code>', html)
    return found.group(1) if found else None


@pytest.fixture
def workspace(world, campaign, login):
    client = login(world.branch_user)
    url = reverse("creation:branch", args=[campaign.pk, world.community.pk])
    return lambda: client.get(url).content.decode()


def test_versions_move_in_the_writes_transaction_only(world):
    before = versions.of(world.community.pk)
    with transaction.atomic():
        versions.touch(world.community.pk)
        transaction.set_rollback(True)
    assert versions.of(world.community.pk) == before  # a rolled-back write leaves cached parts valid
    versions.touch(world.community.pk, world.village.pk)
    epoch, mine = versions.of(world.community.pk)
    assert (epoch, mine) == (before[0], before[1] + 1)
    assert versions.of(world.village.pk)[1] == 1
    assert versions.of(world.west_village.pk) == (epoch, 0)  # a branch nobody wrote for


def test_the_epoch_never_repeats_a_number_of_an_earlier_database(world):
    versions.touch_all()
    first = versions.of(world.community.pk)[0]
    versions.touch_all()
    assert versions.of(world.community.pk)[0] > first > 10 ** 15  # microseconds of the clock, at least


def test_every_write_of_the_branch_shows_on_the_next_read_of_its_workspace(world, campaign, workspace):
    b, c = world.community, campaign
    assert "设定争创目标后" in workspace()
    creation.save_target(world.branch_user, c, b, star_codes=["zbgy", "pafz"], strengths="有阵地")
    html = workspace()
    assert _state(html, "U-PAFZ-01") == "none" and "有阵地" in html

    evidence = evaluation.add_evidence(world.branch_user, c, b, "U-PAFZ-01", "台账.png", PNG)
    assert _state(workspace(), "U-PAFZ-01") == "evidence"
    evaluation.withdraw_evidence(world.branch_user, evidence)
    assert _state(workspace(), "U-PAFZ-01") == "none"

    with at(2026, 6, 1, 9):
        task = creation.create_task(world.branch_user, c, b, title="规范三会一课", star_code="pafz",
                                    due_date=dt.date(2026, 6, 30), responsible_name="张三",
                                    indicator_codes=["U-PAFZ-01"])
    html = workspace()
    assert _state(html, "U-PAFZ-01") == "planned" and "规范三会一课" in html
    with at(2026, 6, 2, 9):
        creation.add_progress(world.branch_user, task, "已开两次支委会")
    assert "1 条进展" in workspace()
    creation.delete_task(world.branch_user, task)
    assert "规范三会一课" not in workspace()

    evaluation.save_self_results(world.branch_user, c, b, {"U-PAFZ-01": True})
    assert _state(workspace(), "U-PAFZ-01") == "met"

    creation.comment(world.leader, c, b, "抓紧补齐阵地建设台账")
    assert "抓紧补齐阵地建设台账" in workspace()

    target = creation.submit_target(world.branch_user, creation.get_target(c, b))
    assert "提交办事处</button>" not in workspace()
    creation.return_target(world.office_admin, target, "目标偏低，请再研判")
    assert "目标偏低，请再研判" in workspace()


def test_a_write_from_a_process_with_its_own_cache_shows_on_the_next_read(world, campaign, workspace):
    assert "还在研判" not in workspace()
    with override_settings(CACHES=OWN_CACHE):
        creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"], strengths="还在研判")
    assert "还在研判" in workspace()


def test_another_branchs_write_leaves_the_cached_workspace_alone(world, campaign, workspace):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workspace()
    creation.save_target(world.village_user, campaign, world.village, star_codes=["zbgy"])
    with CaptureQueriesContext(connection) as ctx:
        workspace()
    assert not any("creation_target" in q["sql"] for q in ctx.captured_queries)  # served from the cache


def test_one_cached_workspace_serves_each_session_its_own_csrf_token(world, campaign):
    """The body holds forms (批注, 确认目标) and is shared by everyone with the same grants: each session gets the
    page with its own token, and a form posted from the second session is accepted."""
    url = reverse("creation:branch", args=[campaign.pk, world.community.pk])
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.leader)
        html = client.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert "placeholder" not in html
        tokens.append((client, token))
    (first, token1), (second, token2) = tokens
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    response = second.post(reverse("creation:comment", args=[campaign.pk, world.community.pk]),
                           {"text": "第二个会话的批注", "csrfmiddlewaretoken": token2})
    assert response.status_code == 302
    assert "第二个会话的批注" in second.get(url).content.decode()


def test_a_campaign_change_reaches_every_branchs_cached_pages(world, campaign, login):
    """A changed deadline rule moves the epoch (through the recount it sends): the history shows the new due time."""
    client = login(world.branch_user)
    url = reverse("weekly:branch", args=[campaign.pk, world.community.pk])
    with at(2026, 5, 20, 9):
        assert "05-18 12:00" in client.get(url).content.decode()
        creation.update_campaign(world.district_admin, campaign, weekly_due_time=dt.time(18, 0))
        assert "05-18 18:00" in client.get(url).content.decode()


def _history_row(html: str, week: int) -> str:
    return re.search(rf"<tr><td>第{week}周（[^<]*</td>(.*?)</tr>", html, re.S).group(1)


def test_every_write_of_a_weekly_report_shows_on_the_next_read_of_the_branchs_history(world, campaign, login):
    client = login(world.branch_user)
    url = reverse("weekly:branch", args=[campaign.pk, world.community.pk])
    with at(2026, 5, 15, 9):  # week 20, due Monday 18 May 12:00
        assert "—" in _history_row(client.get(url).content.decode(), 20)
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="开展巡河")
        assert "草稿" in _history_row(client.get(url).content.decode(), 20)
        report = weekly.submit_report(world.branch_user, report)
        row = _history_row(client.get(url).content.decode(), 20)
        assert "已提交" in row and "按时" in row
        report = weekly.return_report(world.office_admin, report, "请补充照片")
        assert "已退回" in _history_row(client.get(url).content.decode(), 20)
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="开展巡河，附照片",
                                    version=report.version, submit=True)
        assert "已提交" in _history_row(client.get(url).content.decode(), 20)
        weekly.accept_report(world.office_admin, report)
        assert "已采纳" in _history_row(client.get(url).content.decode(), 20)


@pytest.mark.parametrize("moment, word", [((2026, 5, 18, 11, 59), "未到截止"), ((2026, 5, 18, 12, 1), "未报")])
def test_a_deadline_passing_shows_on_the_cached_history_without_any_write(world, campaign, login, moment, word):
    """Monday 18 May 2026 in Shanghai: week 20 is due at 12:00. The history cached at 11:58 says 未到截止; one
    read later, past the deadline and with no write, it says 未报."""
    client = login(world.branch_user)
    url = reverse("weekly:branch", args=[campaign.pk, world.community.pk])
    with at(2026, 5, 18, 11, 58):
        assert "未到截止" in _history_row(client.get(url).content.decode(), 20)
    with at(*moment):
        assert word in _history_row(client.get(url).content.decode(), 20)


def test_the_workspace_gap_analysis_follows_met_results(world, campaign, workspace):
    creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"])
    workspace()
    evaluation.save_self_results(world.branch_user, campaign, world.community, met_results(campaign, world.community))
    assert "已全部达标" in workspace()


def test_an_offices_cached_matrix_follows_each_of_its_branches_writes(world, campaign, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxing.orgs import services as orgs

    client = login(world.office_admin)
    url = reverse("creation:office", args=[campaign.pk, world.east.pk])

    def cells(name):
        html = client.get(url).content.decode()
        row = re.search(rf"<tr><td><a [^>]*>{name}</a>.*?</tr>", html, re.S)
        return re.findall(r'class="cell (\w+)"', row.group(0)) if row else None

    assert cells("李家村") == []
    creation.save_target(world.village_user, campaign, world.village, star_codes=["zbgy"])
    assert cells("李家村") == ["todo"]
    evaluation.save_self_results(world.village_user, campaign, world.village,
                                 met_results(campaign, world.village, stars=["zbgy"]))
    assert cells("李家村") == ["hit"]
    versions.touch(world.west_village.pk)  # a write in another office: this office's matrix stays cached
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert not any("creation_target" in q["sql"] for q in ctx.captured_queries)
    orgs.update_unit(world.district_admin, world.village, name="李家新村", kind=world.village.kind,
                     area_code=world.village.area_code, is_active=True)
    assert cells("李家新村") == ["hit"] and cells("李家村") is None


def _target(world, campaign):
    creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"], strengths="还在研判")


def _draft(world, campaign):
    weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="本周开展主题党日")


def _without_tokens(html: bytes) -> str:
    """A page without its CSRF tokens (masked afresh on every response)."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html.decode())


@pytest.mark.parametrize("page, write", [("creation:branch", _target), ("weekly:branch", _draft)])
def test_a_cached_branch_page_reads_its_numbers_with_the_campaigns(world, campaign, login, page, write):
    """Served from the cache, a branch's workspace or history reads the session, its user and, in one statement, the
    epoch, the campaign unit's number and the branch's — not the epoch twice; and a write of the branch still shows
    on the next read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(2026, 5, 20, 9):
        client = login(world.branch_user)
        url = reverse(page, args=[campaign.pk, world.community.pk])
        client.get(url)
        before = _without_tokens(client.get(url).content)
        with CaptureQueriesContext(connection) as ctx:
            assert _without_tokens(client.get(url).content) == before
        numbers = [q["sql"] for q in ctx.captured_queries if "core_unitversion" in q["sql"]]
        assert len(numbers) == 1, numbers
        others = [q["sql"][:80] for q in ctx.captured_queries if "django_session" not in q["sql"]]
        assert len(others) == 2, others
        write(world, campaign)
        assert _without_tokens(client.get(url).content) != before


def test_a_new_week_shows_on_the_cached_history_at_midnight_without_any_write(world, campaign, login):
    """The history lists the newest week first. Cached on Sunday 17 May 2026 at 23:59 in Shanghai, it must list week
    21 (pending) one read after midnight, with no write in between."""
    client = login(world.branch_user)
    url = reverse("weekly:branch", args=[campaign.pk, world.community.pk])
    with at(2026, 5, 17, 23, 59):
        assert "第21周" not in client.get(url).content.decode()
    with at(2026, 5, 18, 0, 1):
        assert "未到截止" in _history_row(client.get(url).content.decode(), 21)
