"""Exports too long for a request (我的导出): the list's export link queues them past EXPORT_INLINE_ROWS, `wuxing
exports run` builds them with the owner's scope as it is then, the owner is told and alone downloads the file, a
failure is told and never half-stored, and finished files go after EXPORT_KEEP_DAYS."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import SYSTEM, at
from wuxing.core import services as jobs
from wuxing.core.models import AuditEvent, ExportJob, Notification
from wuxing.creation import services as creation
from wuxing.orgs import services as orgs

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world, campaign):
    with at(2026, 3, 2, 9):
        for i, (user, branch) in enumerate([(world.branch_user, world.community), (world.village_user, world.village),
                                            (world.branch_user, world.community)]):
            creation.create_task(user, campaign, branch, title=f"任务{i}", star_code="zbgy",
                                 due_date=dt.date(2026, 6, 30), responsible_name="张三")
        creation.create_task(world.other_branch_user, campaign, world.west_village, title="西城任务", star_code="zbgy",
                             due_date=dt.date(2026, 6, 30), responsible_name="李四")


def _rows(data: bytes) -> list[tuple]:
    return [tuple(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]


def test_a_long_export_is_queued_built_told_and_downloaded_by_its_owner_only(world, campaign, tasks, login, settings):
    client = login(world.office_admin)
    url = reverse("creation:plan_export", args=[campaign.pk, world.east.pk])
    inline = client.get(url)
    assert inline.status_code == 200 and inline["Content-Type"].startswith("application/vnd.openxmlformats")
    settings.EXPORT_INLINE_ROWS = 2
    with at(2026, 3, 2, 10):
        queued = client.get(url)
    assert queued.status_code == 302 and queued["Location"] == reverse("exports")
    job = ExportJob.objects.get()
    assert (job.user, job.kind, job.params, job.status, job.file.name) == (
        world.office_admin, "creation.plans", {"campaign": campaign.pk, "unit": world.east.pk}, "queued", "")
    assert job.name == f"创建规划_东城办事处_{campaign.year}"
    assert AuditEvent.objects.filter(action="export.queue", object_id=str(job.pk), actor=world.office_admin).exists()
    page = client.get(reverse("exports")).content.decode()
    assert "已转入后台生成" in page and "排队中" in page and 'hx-trigger="every 5s"' in page

    with at(2026, 3, 2, 10, 1):
        call_command("exports", "run")
    job.refresh_from_db()
    assert (job.status, job.rows, job.error) == ("done", 3, "")
    notice = Notification.objects.get(user=world.office_admin, title__startswith="导出已完成")
    assert notice.url == reverse("export_download", args=[job.pk])
    page = client.get(reverse("exports")).content.decode()
    assert f'href="{notice.url}"' in page and "排队中" not in page
    assert 'hx-trigger="every 5s"' not in page

    exported = client.get(notice.url)
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"] and job.size == len(exported.content)
    assert _rows(exported.content) == _rows(inline.content)  # the same sheet the page gives when short
    assert AuditEvent.objects.filter(action="export", actor=world.office_admin,
                                     data__path=notice.url).exists()
    for other in (world.district_admin, world.superuser, world.branch_user):
        assert login(other).get(notice.url).status_code == 404
        assert job.name not in login(other).get(reverse("exports")).content.decode()


def test_a_csv_export_is_queued_as_csv(world, campaign, tasks, login, settings):
    settings.EXPORT_INLINE_ROWS = 1
    client = login(world.district_admin)
    client.get(reverse("creation:plan_export_all", args=[campaign.pk]) + "?format=csv")
    jobs.run_exports()
    job = ExportJob.objects.get()
    got = client.get(reverse("export_download", args=[job.pk]))
    assert (job.fmt, job.rows) == ("csv", 4)
    assert got["Content-Type"].startswith("text/csv") and got.content.decode("utf-8-sig").count("\n") == 5


def test_the_job_reads_with_the_owners_scope_when_it_runs(world, campaign, tasks, login, settings):
    """Queued by the east office's admin, who then loses the role: the job fails, says why, stores nothing."""
    settings.EXPORT_INLINE_ROWS = 1
    login(world.office_admin).get(reverse("creation:plan_export", args=[campaign.pk, world.east.pk]))
    for grant in world.office_admin.role_assignments.all():
        orgs.revoke_role(SYSTEM, grant)
    jobs.run_exports()
    job = ExportJob.objects.get()
    assert (job.status, job.file.name, job.rows) == ("failed", "", None)
    assert "无权查看" in job.error
    assert Notification.objects.filter(user=world.office_admin, title__startswith="导出失败").exists()


def test_a_builder_that_breaks_fails_the_job_and_nothing_else(world, campaign, tasks, settings, monkeypatch):
    settings.EXPORT_INLINE_ROWS = 1

    def broken(user, params):
        def rows():
            yield ["一行"]
            raise RuntimeError("disk on fire")

        return jobs.Sheet(["列"], rows(), "表", size=2)

    monkeypatch.setitem(jobs._BUILDERS, "creation.plans", broken)
    job = jobs.queue_export(world.district_admin, "creation.plans", {"campaign": campaign.pk, "unit": None}, "计划", "xlsx")
    assert jobs.run_exports() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.error and not job.file
    stored = settings.MEDIA_ROOT / "exports"
    assert not stored.exists() or not [f for f in stored.rglob("*") if f.is_file()]


def test_a_job_left_running_by_a_dead_process_is_built_again_then_given_up(world, campaign, tasks):
    job = jobs.queue_export(world.district_admin, "creation.plans", {"campaign": campaign.pk, "unit": None}, "计划", "xlsx")
    with at(2026, 3, 2, 10):
        ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=dt.datetime(2026, 3, 2, 1, 0,
                                                                                         tzinfo=dt.UTC), attempts=1)
        assert jobs.run_exports() == 1  # running for an hour: its runner died
        job.refresh_from_db()
        assert (job.status, job.attempts) == ("done", 2)
        ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=dt.datetime(2026, 3, 2, 1, 0,
                                                                                         tzinfo=dt.UTC), attempts=3)
        jobs.run_exports()
        job.refresh_from_db()
        assert job.status == "failed" and "多次生成" in job.error


def test_a_fresh_running_job_is_left_to_its_runner(world, campaign, tasks):
    job = jobs.queue_export(world.district_admin, "creation.plans", {"campaign": campaign.pk, "unit": None}, "计划", "xlsx")
    with at(2026, 3, 2, 10):
        ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=dt.datetime(2026, 3, 2, 1, 50,
                                                                                         tzinfo=dt.UTC))
        with at(2026, 3, 2, 10, 5):
            assert jobs.run_exports() == 0


def test_finished_exports_go_after_the_keeping_days(world, campaign, tasks, settings):
    job = jobs.queue_export(world.district_admin, "creation.plans", {"campaign": campaign.pk, "unit": None}, "计划", "xlsx")
    with at(2026, 3, 2, 10):
        jobs.run_exports()
    job.refresh_from_db()
    path = job.file.path
    with at(2026, 3, 2 + settings.EXPORT_KEEP_DAYS, 9):
        jobs.run_exports()
        assert ExportJob.objects.filter(pk=job.pk).exists()
    with at(2026, 3, 2 + settings.EXPORT_KEEP_DAYS, 11):
        jobs.run_exports()
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    import os

    assert not os.path.exists(path)


@pytest.mark.parametrize("name, kind", [("orgs:unit_export", "orgs.units"), ("orgs:user_export", "orgs.users")])
def test_the_unit_and_user_sheets_are_queued_past_the_limit_and_built_the_same(world, login, settings, name, kind):
    client = login(world.district_admin)
    url = reverse(name) + "?q=城"
    inline = client.get(url)
    assert inline.status_code == 200
    settings.EXPORT_INLINE_ROWS = 1
    assert client.get(url)["Location"] == reverse("exports")
    job = ExportJob.objects.get()
    assert (job.kind, job.params) == (kind, {"q": "城"})
    jobs.run_exports()
    job.refresh_from_db()
    assert job.status == "done" and job.rows == len(_rows(inline.content)) - 1 > 1
    assert _rows(client.get(reverse("export_download", args=[job.pk])).content) == _rows(inline.content)


def test_a_user_sheet_queued_by_an_admin_who_is_no_longer_one_fails(world, login, settings):
    settings.EXPORT_INLINE_ROWS = 1
    login(world.office_admin).get(reverse("orgs:user_export"))
    for grant in world.office_admin.role_assignments.all():
        orgs.revoke_role(SYSTEM, grant)
    jobs.run_exports()
    job = ExportJob.objects.get()
    assert (job.kind, job.status, job.file.name) == ("orgs.users", "failed", "")
    assert "无权导出用户" in job.error


@pytest.mark.parametrize("name, kind, query", [
    ("contest:rankings", "contest.branch_ranking", "?format=xlsx"),
    ("evaluation:queue", "evaluation.claims", "?format=xlsx"),
    ("evaluation:awards", "evaluation.awards", "?format=csv"),
])
def test_the_ranking_claims_and_naming_sheets_are_queued_past_the_limit_and_built_the_same(
        world, campaign, login, settings, name, kind, query):
    """A province's ranking, claims and named branches are about 50,000 rows each (6-8 s in the request)."""
    from tests.conftest import proposed
    from wuxing.evaluation import services as evaluation

    proposed(world, campaign)
    proposed(world, campaign, branch=world.village)
    if kind == "evaluation.awards":  # both named: the notice published and closed
        with at(2026, 10, 13, 9):
            notice = evaluation.publish_notice(world.district_admin, campaign, "", dt.date(2026, 10, 13))
        with at(2026, 10, 20, 9):
            assert len(evaluation.close_notice(world.district_admin, notice)) == 2
    client = login(world.district_admin)
    url = reverse(name, args=[campaign.pk]) + query
    inline = client.get(url)
    assert inline.status_code == 200
    settings.EXPORT_INLINE_ROWS = 1
    expected = inline.content
    assert client.get(url)["Location"] == reverse("exports")
    job = ExportJob.objects.get()
    assert job.kind == kind and job.params["campaign"] == campaign.pk
    assert jobs.run_exports() == 1
    job.refresh_from_db()
    assert job.status == "done", job.error
    got = client.get(reverse("export_download", args=[job.pk])).content
    if query.endswith("csv"):
        assert got == expected
    else:
        assert _rows(got) == _rows(expected) and len(_rows(got)) >= 2
