"""Pages cached under the rollups' version stamp are fresh after a write from any process: the stamp lives in the
database and changes in the write's own transaction, so a cron job or command line without the shared cache
(no REDIS_URL) invalidates them as surely as a request does."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.conftest import at
from wuxing.creation.services import create_task
from wuxing.rollups import services as rollups

pytestmark = pytest.mark.django_db

# The cron job's process: a cache of its own, as any process started without REDIS_URL has.
OWN_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cron-job"}}


def _overdue(html: str, office: str) -> str:
    """The 已逾期 cell of an office's row in the dashboard's task-progress table."""
    table = html[html.index("创建任务进度"):]
    row = re.search(rf"<tr>\s*<td[^>]*>{office}</td>(.*?)</tr>", table, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)[2].strip()


def test_a_task_marked_overdue_by_the_cron_job_shows_on_the_next_read_of_the_cached_dashboard(world, campaign, login):
    with at(2026, 6, 1, 9):
        create_task(world.branch_user, campaign, world.community, title="建设党员活动室", star_code="zbgy",
                    due_date=dt.date(2026, 6, 30), responsible_name="张三")
    with at(2026, 7, 10, 9):
        client = login(world.district_admin)
        url = reverse("contest:district", args=[campaign.pk])
        assert _overdue(client.get(url).content.decode(), "东城办事处") == "0"
        stamp = rollups.version()
        with override_settings(CACHES=OWN_CACHE):
            call_command("tasks", "mark-overdue")
        assert rollups.version() > stamp
        assert _overdue(client.get(url).content.decode(), "东城办事处") == "1"


def test_the_stamp_moves_with_the_write_and_not_without_it(world, campaign):
    stamp = rollups.version()
    with transaction.atomic():
        rollups.changed()
        rollups.changed()
        transaction.set_rollback(True)
    assert rollups.version() == stamp  # a rolled-back write leaves cached pages valid
    with transaction.atomic():
        rollups.changed()
    assert rollups.version() > stamp


def test_a_submission_moves_the_stamp_once(world, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxing.weekly import services as weekly

    with at(2026, 5, 15, 9):
        task = create_task(world.branch_user, campaign, world.community, title="建设党员活动室", star_code="zbgy",
                           due_date=dt.date(2026, 6, 30), responsible_name="张三")
        items = [weekly.ItemInput(text="推进任务", task=task, indicator_codes=(), task_done=False)]
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="本周", items=items)
        stamp = rollups.version()
        with CaptureQueriesContext(connection) as ctx:
            weekly.submit_report(world.branch_user, report)
    assert rollups.version() == stamp + 1
    assert sum(q["sql"].startswith("UPDATE") and "rollups_stamp" in q["sql"] for q in ctx.captured_queries) == 1


@pytest.mark.parametrize("name", ["contest:branch", "contest:office", "contest:district"])
def test_a_deadline_passing_shows_on_cached_dashboards_without_any_write(world, campaign, login, name):
    """Week 20 is due Monday 18 May 12:00. A dashboard cached at 11:59 counts it pending; at 12:01, with no write
    in between (the stamp unchanged), it is missing: the cache key knows which deadlines have passed, not only
    the current week's."""
    from wuxing.core.weeks import label

    args = {"contest:branch": [campaign.pk, world.community.pk], "contest:office": [campaign.pk, world.east.pk],
            "contest:district": [campaign.pk]}[name]
    client = login(world.district_admin)
    url = reverse(name, args=args)
    week = label(2026, 20)

    def row(html):  # the weekly dataset's row of week 20 (of 东城办事处 on the district's week matrix)
        html = html[html.index('id="ds-weekly"'):]
        first = "东城办事处" if name == "contest:district" else week
        return re.search(rf"<tr>\s*<td[^>]*>{re.escape(first)}</td>(.*?)</tr>", html, re.S).group(1)

    with at(2026, 5, 18, 11, 59):
        stamp = rollups.version()
        before = row(client.get(url).content.decode())
    with at(2026, 5, 18, 12, 1):
        after = row(client.get(url).content.decode())
        assert rollups.version() == stamp
    assert before != after, before
    if name == "contest:branch":
        assert "未到截止" in before and "未报" in after


def test_office_and_branch_dashboards_are_cached_and_fresh_after_a_write(world, campaign, login):
    """Cached under the stamp like the district's: the second read costs a few queries, and a task written in
    between shows on the very next read of either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.office_admin)
    urls = [reverse("contest:office", args=[campaign.pk, world.east.pk]),
            reverse("contest:branch", args=[campaign.pk, world.community.pk])]

    def tasks(html):  # the number of tasks in the page's task table
        section = html[html.index('id="ds-'):]
        return sorted(re.findall(r"<td>(\d+)</td>", section))

    with at(2026, 6, 1, 9):
        first = [client.get(url).content.decode() for url in urls]
        with CaptureQueriesContext(connection) as again:
            for url in urls:
                client.get(url)
        assert len(again.captured_queries) <= 2 * 5, [q["sql"][:80] for q in again.captured_queries]
        create_task(world.branch_user, campaign, world.community, title="建设党员活动室", star_code="zbgy",
                    due_date=dt.date(2026, 6, 30), responsible_name="张三")
        after = [client.get(url).content.decode() for url in urls]
    for before, now in zip(first, after):
        assert tasks(before) != tasks(now)


def test_the_cached_api_dashboard_and_rankings_are_fresh_after_a_write(world, campaign):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.district_admin)

    def tasks_of_east():
        data = client.get(f"/api/v1/dashboard/?campaign={campaign.pk}").json()
        progress = next(d for d in data["datasets"] if d["key"] == "progress")
        return next(row for row in progress["rows"] if row[0] == "东城办事处")[1]

    def community_progress():
        data = client.get(f"/api/v1/rankings/?campaign={campaign.pk}").json()
        return next(b["progress"] for b in data["branches"] if b["id"] == world.community.pk)

    with at(2026, 6, 1, 9):
        task = create_task(world.branch_user, campaign, world.community, title="建设党员活动室", star_code="zbgy",
                           due_date=dt.date(2026, 6, 30), responsible_name="张三")
        assert (tasks_of_east(), community_progress()) == (1, 0.0)
        from wuxing.creation.services import add_progress

        add_progress(world.branch_user, task, "活动室已建成", done=True)
        create_task(world.branch_user, campaign, world.community, title="党员积分", star_code="zbgy",
                    due_date=dt.date(2026, 6, 30), responsible_name="张三")
        assert (tasks_of_east(), community_progress()) == (2, 50.0)


def test_the_cached_matrix_and_ranking_follow_a_new_target(world, campaign, login):
    """The creation matrix and the ranking are cached under the stamp: a target set and a task done in between show
    at once."""
    from wuxing.creation.services import save_target

    client = login(world.district_admin)
    matrix = reverse("contest:matrix", args=[campaign.pk])
    ranking = reverse("contest:rankings", args=[campaign.pk])
    with at(2026, 3, 1, 9):
        before = client.get(matrix).content.decode()
        htmx_before = client.get(matrix, HTTP_HX_REQUEST="true").content.decode()
        ranked_before = client.get(ranking).content.decode()
        from wuxing.creation.services import add_progress

        add_progress(world.branch_user, create_task(
            world.branch_user, campaign, world.community, title="建设党员活动室", star_code="zbgy",
            due_date=dt.date(2026, 6, 30), responsible_name="张三"), "已建成", done=True)  # progress 0 -> 100 %
        save_target(world.branch_user, campaign, world.community, star_codes=["zbgy", "pafz"], strengths="有基础")
        after = client.get(matrix).content.decode()
        htmx_after = client.get(matrix, HTTP_HX_REQUEST="true").content.decode()
        ranked_after = client.get(ranking).content.decode()
    def body(html):  # without the per-response CSRF tokens
        return re.sub(r'(value="|"X-CSRFToken": ")[^"]+"', "", html)

    assert body(before) != body(after) and htmx_before != htmx_after
    assert body(ranked_before) != body(ranked_after)
    assert htmx_after in after and "<html" not in htmx_after  # the fragment the campaign page embeds


def test_the_cached_api_weekly_compliance_follows_submissions_and_deadlines(world, campaign):
    """Week 20 is due Monday 18 May 12:00 in Shanghai. The API's compliance of the east office, cached under the
    stamp: pending at 11:58, on time right after a submission at 11:59, and the village still pending; at 12:01,
    with no write, the village's week is missing."""
    from tests.conftest import api_as
    from wuxing.weekly import services as weekly

    api = api_as(world.district_admin)

    def week20():
        body = api.get("/api/v1/weekly-compliance/", {"campaign": campaign.pk, "unit": world.east.pk}).json()
        column = body["weeks"].index("2026-W20")
        return {b["name"]: b["statuses"][column] for b in body["branches"]}

    with at(2026, 5, 18, 11, 58):
        assert week20() == {"东城社区": "pending", "李家村": "pending"}
    with at(2026, 5, 18, 11, 59):
        weekly.save_report(world.branch_user, campaign, world.community, 2026, 20, summary="巡河", submit=True)
        assert week20() == {"东城社区": "on_time", "李家村": "pending"}
    with at(2026, 5, 18, 12, 1):
        assert week20() == {"东城社区": "on_time", "李家村": "missing"}


def test_a_rebuild_moves_the_stamp_past_any_number_an_earlier_database_used(world, campaign):
    """A province re-seeded under a running Redis: its first stamps must not be the ones the old database's
    cached pages were filed under. A rebuild (every seed and demo load ends with one) moves the stamp to the
    clock's microseconds at least; writes after it count on from there."""
    rollups.rebuild(campaign)
    first = rollups.version()
    assert first > 10 ** 15
    with transaction.atomic():
        rollups.changed()
    assert rollups.version() == first + 1
    rollups.rebuild(campaign)
    assert rollups.version() > first + 1


@pytest.mark.parametrize("path", ["/api/v1/dashboard/?campaign={c}", "/api/v1/dashboard/?campaign={c}&office={o}",
                                  "/api/v1/rankings/?campaign={c}", "/api/v1/weekly-compliance/?campaign={c}"])
def test_a_cached_api_body_is_the_same_bytes_and_is_not_encoded_again(world, campaign, settings, monkeypatch, path):
    """The API's cached answers keep their JSON as sent: a hit sends the same bytes as an answer built afresh,
    without encoding the data again; a browser asking for HTML still gets DRF's page."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.district_admin)
    url = path.format(c=campaign.pk, o=world.east.pk)
    settings.WUXING_PAGE_CACHE = False
    fresh = client.get(url)
    settings.WUXING_PAGE_CACHE = True
    first = client.get(url)
    encoded = []
    original = JSONRenderer.render
    monkeypatch.setattr(JSONRenderer, "render", lambda self, *a, **k: encoded.append(1) or original(self, *a, **k))
    hit = client.get(url)
    assert fresh.status_code == first.status_code == hit.status_code == 200
    assert fresh.content == first.content == hit.content
    assert hit["Content-Type"] == fresh["Content-Type"] == "application/json"
    assert encoded == []
    page = client.get(url, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
