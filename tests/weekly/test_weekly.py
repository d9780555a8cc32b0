import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from tests.conftest import api_as
from wuxing.core import weeks as deadlines
from wuxing.core.models import Notification
from wuxing.creation.models import TaskStatus
from wuxing.creation.services import create_task
from wuxing.weekly import selectors, services
from wuxing.weekly.models import ReportStatus, WeeklyReport

pytestmark = pytest.mark.django_db
SH = deadlines.SHANGHAI


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SH), tick=False)


def write(world, campaign, branch=None, user=None, week=(2026, 20), **kw):
    return services.save_report(user or world.branch_user, campaign, branch or world.community, *week,
                                summary=kw.pop("summary", "本周开展主题党日"), **kw)


@pytest.mark.parametrize("when, expected", [
    ((2026, 5, 18, 12, 0, 0), deadlines.ON_TIME),   # exactly at Monday 12:00 of the following week
    ((2026, 5, 18, 12, 0, 1), deadlines.LATE),      # one second after
    ((2026, 5, 15, 9, 0, 0), deadlines.ON_TIME),
])
def test_submission_time_decides_on_time_or_late(world, campaign, when, expected):
    with at(2026, 5, 15, 9):
        report = write(world, campaign)
    with at(*when):
        services.submit_report(world.branch_user, report)
    report.refresh_from_db()
    assert deadlines.status(report.submitted_at, report.due_at, report.submitted_at) == expected


def test_a_returned_report_keeps_its_first_submission_time(world, campaign):
    with at(2026, 5, 17, 9):
        report = services.submit_report(world.branch_user, write(world, campaign))
    with at(2026, 5, 19, 9):
        services.return_report(world.office_admin, report, "补充照片")
        write(world, campaign, summary="补充后")
        report = services.submit_report(world.branch_user, report)
    assert report.submitted_at == dt.datetime(2026, 5, 17, 9, tzinfo=SH)
    assert Notification.objects.filter(user=world.branch_user, title__contains="退回").exists()


def test_an_accepted_report_is_locked(world, campaign):
    with at(2026, 5, 17, 9):
        report = services.submit_report(world.branch_user, write(world, campaign))
        services.accept_report(world.office_admin, report)
        with pytest.raises(ValidationError):
            write(world, campaign)
        with pytest.raises(ValidationError):
            services.return_report(world.office_admin, report, "x")


def test_week_53_and_the_new_year_week_are_reportable(world, campaign):
    with at(2027, 1, 2, 10):
        report = write(world, campaign, week=(2026, 53))
        assert report.week_start == dt.date(2026, 12, 28)
        assert report.due_at == dt.datetime(2027, 1, 4, 12, tzinfo=SH)
    with pytest.raises(ValidationError):
        with at(2026, 5, 17, 9):
            write(world, campaign, week=(2026, 30))  # has not begun


def test_a_concurrent_edit_is_refused_with_a_clear_message(world, campaign):
    with at(2026, 5, 16, 9):
        report = write(world, campaign)
        stale = report.version
        write(world, campaign, user=world.village_user, branch=world.village)  # unrelated
        write(world, campaign, summary="第二人保存", version=stale)
        with pytest.raises(ValidationError, match="已被他人修改"):
            write(world, campaign, summary="第一人保存", version=stale)


def test_linked_task_gets_progress_once_and_can_be_completed(world, campaign):
    with at(2026, 5, 16, 9):
        task = create_task(world.branch_user, campaign, world.community, title="网格全覆盖", star_code="zbgy",
                           due_date=dt.date(2026, 9, 1), responsible_name="张三", indicator_codes=["U-ZBGY-04"])
        report = write(world, campaign, items=[services.ItemInput("新建两个网格党支部", task=task, task_done=True)])
        services.submit_report(world.branch_user, report)
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE and task.progress.count() == 1
        assert report.items.get().indicator_codes == ["U-ZBGY-04"]
    with at(2026, 5, 19, 9):
        services.return_report(world.office_admin, report, "补充")
        services.submit_report(world.branch_user, report)
    assert task.progress.count() == 1  # resubmitting does not write the same progress twice


def test_another_branch_can_neither_read_nor_write(world, campaign, login):
    with at(2026, 5, 16, 9):
        report = write(world, campaign)
        with pytest.raises(PermissionDenied):
            write(world, campaign, user=world.other_branch_user)
        with pytest.raises(PermissionDenied):
            services.submit_report(world.other_branch_user, report)
        client = login(world.other_branch_user)
        url = reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20])
        assert client.get(url).status_code == 404
        assert client.post(url, {"summary": "冒名", "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}).status_code == 404
        api = APIClient()
        api.force_authenticate(world.other_branch_user)
        assert api.get(reverse("api:weekly-report-detail", args=[report.pk])).status_code == 404
        assert api.post(reverse("api:weekly-report-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                                            "iso_year": 2026, "iso_week": 20, "summary": "x"},
                        format="json").status_code == 404
    assert WeeklyReport.objects.get().summary == "本周开展主题党日"


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_docx_rollup_holds_every_submitted_report_of_the_office_and_nothing_else(world, campaign, login):
    with at(2026, 5, 16, 9):
        services.submit_report(world.branch_user, write(world, campaign, summary="东城社区本周事项"))
        write(world, campaign, user=world.village_user, branch=world.village, summary="李家村草稿未提交")
        services.submit_report(world.other_branch_user, write(world, campaign, user=world.other_branch_user,
                                                              branch=world.west_village, summary="王家村本周事项"))
        services.submit_report(world.branch_user, write(world, campaign, week=(2026, 19), summary="上周的事项"))
    with at(2026, 5, 19, 9):
        r = login(world.office_admin).get(reverse("weekly:rollup", args=[campaign.pk, world.east.pk, 2026, 20]),
                                          {"format": "docx"})
    assert r.status_code == 200
    text = _docx_text(r.content)
    assert "东城办事处2026年第20周工作动态汇总" in text and "5月11日至5月17日" in text
    assert "东城社区本周事项" in text
    assert "王家村" not in text and "上周的事项" not in text and "李家村草稿未提交" not in text
    assert "三、未报送党支部\n李家村。" in text  # the missing list


@pytest.mark.parametrize("moment", [(2026, 5, 18, 3, 0), (2026, 5, 18, 11, 59), (2026, 5, 17, 23, 30)])
def test_rollup_of_a_week_not_yet_due_calls_nobody_missing(world, campaign, login, moment):
    """Before Monday 12:00 the week is pending: the roll-up says who has reported so far and who has not yet,
    as the weekly page (未到截止) and the dashboard (pending) do, and names nobody as 未报送."""
    with at(2026, 5, 16, 9):
        services.submit_report(world.branch_user, write(world, campaign, summary="东城社区本周事项"))
    with at(*moment):
        rows = selectors.rollup(world.office_admin, campaign, world.east, (2026, 20))
        r = login(world.office_admin).get(reverse("weekly:rollup", args=[campaign.pk, world.east.pk, 2026, 20]),
                                          {"format": "docx"})
        page = login(world.office_admin).get(reverse("weekly:rollup", args=[campaign.pk, world.east.pk, 2026, 20]))
    assert [(b.code, s) for b, _r, s in rows] == [("T102", deadlines.PENDING), ("T101", deadlines.ON_TIME)]
    text = _docx_text(r.content)
    assert "三、未报送党支部" not in text and "未报送0个" not in text
    assert "已报送1个（其中按时1个），尚未报送1个（截止时间5月18日12时）" in text
    assert "三、尚未报送党支部\n李家村。" in text
    assert "未到截止" in page.content.decode()


def test_rollup_lists_missing_first(world, campaign):
    with at(2026, 5, 16, 9):
        services.submit_report(world.branch_user, write(world, campaign))
    with at(2026, 5, 19, 9):
        rows = selectors.rollup(world.office_admin, campaign, world.east, (2026, 20))
    assert [(b.code, s) for b, _r, s in rows] == [("T102", deadlines.MISSING), ("T101", deadlines.ON_TIME)]


def test_remind_twice_sends_nothing_the_second_time(world, campaign, capsys):
    with at(2026, 5, 17, 20):  # Sunday evening: week 20 due tomorrow noon
        services.submit_report(world.branch_user, write(world, campaign))
        call_command("weekly", "remind")
        first = Notification.objects.count()
        call_command("weekly", "remind")
        assert Notification.objects.count() == first
    week20 = Notification.objects.filter(title__contains="第20周")
    assert week20.filter(user=world.village_user, title__contains="前报送").count() == 1
    assert not week20.filter(user=world.branch_user).exists()  # already submitted
    with at(2026, 5, 18, 15):  # past due: the village was already reminded this week, its office now hears
        call_command("weekly", "remind")
        call_command("weekly", "remind")
    assert week20.filter(user=world.village_user).count() == 1
    office = week20.filter(user=world.office_admin)
    assert office.count() == 1 and "1 个支部未报送" in office.get().title and office.get().body == "李家村"
    out = capsys.readouterr().out
    assert "reminded: 0 branches (0 without accounts, reported to their office), 0 offices; reached 0 people" in out


def test_office_rates_match_an_independent_count(world, campaign):
    with at(2026, 5, 17, 9):
        services.submit_report(world.branch_user, write(world, campaign))
    with at(2026, 5, 18, 13):
        services.submit_report(world.village_user, write(world, campaign, user=world.village_user, branch=world.village))
    with at(2026, 5, 20, 9):
        rates = selectors.unit_rates(campaign, [world.east, world.west], [(2026, 20), (2026, 21)])
    east = next(r for r in rates if r.office == world.east)
    west = next(r for r in rates if r.office == world.west)
    w20 = east.weeks[0]
    # Independent: 2 east branches, one before noon Monday, one after; week 21 not yet due.
    assert (w20.expected, w20.on_time, w20.late, w20.missing) == (2, 1, 1, 0)
    assert (w20.report_rate, w20.on_time_rate) == (100.0, 50.0)
    assert east.weeks[1].expected == 0
    assert (west.weeks[0].expected, west.weeks[0].missing) == (2, 2)


def test_pages_write_and_submit_a_report(world, campaign, login):
    with at(2026, 5, 16, 9):
        task = create_task(world.branch_user, campaign, world.community, title="网格", star_code="zbgy",
                           due_date=dt.date(2026, 9, 1), responsible_name="张三")
        client = login(world.branch_user)
        url = reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20])
        assert "本周工作" in client.get(url).content.decode()
        data = {"summary": "开展主题党日", "problems": "", "next_plan": "走访", "highlights": "",
                "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-text": "新建网格支部", "form-0-task": task.pk,
                "form-1-text": "", "submit": "1"}
        assert client.post(url, data).status_code == 302
    report = WeeklyReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED and report.items.get().task == task
    html = login(world.office_admin).get(reverse("weekly:office", args=[campaign.pk, world.east.pk])).content.decode()
    assert "东城社区" in html and "西城" not in html


def test_empty_report_is_refused_in_chinese(world, campaign, login):
    with at(2026, 5, 16, 9):
        r = login(world.branch_user).post(reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20]),
                                          {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"})
    assert "请填写本周工作" in r.content.decode() and not WeeklyReport.objects.exists()


def test_attachments_are_checked_by_content(world, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(2026, 5, 16, 9):
        report = write(world, campaign)
        with pytest.raises(ValidationError, match="可执行"):
            services.add_attachment(world.branch_user, report, "照片.jpg", b"MZ" + b"\0" * 64)
        att = services.add_attachment(world.branch_user, report, "照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert att.size == 72 and report.attachments.count() == 1


def test_api_saves_submits_and_reports_compliance(world, campaign):
    api = APIClient()
    api.force_authenticate(world.branch_user)
    with at(2026, 5, 16, 9):
        r = api.post(reverse("api:weekly-report-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                                         "iso_year": 2026, "iso_week": 20, "summary": "接口填报",
                                                         "items": [{"text": "事项一"}]}, format="json")
        assert r.status_code == 200, r.json()
        assert r.json()["flags"]["may_submit"]
        assert api.post(reverse("api:weekly-report-submit", args=[r.json()["id"]])).json()["status"] == "submitted"
    with at(2026, 5, 26, 9):
        office = APIClient()
        office.force_authenticate(world.office_admin)
        body = office.get(reverse("api:weekly-compliance"), {"campaign": campaign.pk, "weeks": 2}).json()
    # On Tue 26 May the two most recent weeks are W21 (past due) and W22 (the current week, pending).
    assert body["weeks"] == ["2026-W21", "2026-W22"]
    assert {b["code"] for b in body["branches"]} == {"T101", "T102"}  # the east office's branches, no grid
    assert all(b["statuses"] == ["missing", "pending"] for b in body["branches"])


def test_the_office_matrix_and_history_name_statuses_in_chinese_never_by_code(world, campaign, login):
    """Each cell's tooltip said the status code (title="on_time"); the tables say 按时/迟报/未报/未到截止, and
    every week links to its roll-up or report."""
    with at(2026, 5, 16, 9):
        services.submit_report(world.branch_user, write(world, campaign))
    with at(2026, 5, 19, 9):  # week 20 due Monday 18 May 12:00: submitted on time; the community's week 21 pending
        office = login(world.office_admin).get(reverse("weekly:office", args=[campaign.pk, world.east.pk]))
        history = login(world.branch_user).get(reverse("weekly:branch", args=[campaign.pk, world.community.pk]))
    office, history = office.content.decode(), history.content.decode()
    for html in (office, history):
        assert not re.search(r"(title=\"|>)\s*(on_time|late|missing|pending|None)\s*<", html)
    assert 'title="按时">按时</td>' in office and 'title="未报">未报</td>' in office
    assert 'title="未到截止">未到截止</td>' in office
    assert reverse("weekly:rollup", args=[campaign.pk, world.east.pk, 2026, 20]) in office
    assert reverse("weekly:branch", args=[campaign.pk, world.community.pk]) in office
    assert '<span class="wk wk-on_time">按时</span>' in history
    assert reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 21]) + '">填写</a>' in history
    assert reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20]) + '">查看</a>' in history


def _one_request_body(campaign, world, week=20, **extra):
    return {"campaign": campaign.pk, "branch": world.community.pk, "iso_year": 2026, "iso_week": week,
            "summary": "开展主题党日", "submit": True, **extra}


def test_the_api_saves_and_submits_in_one_request(world, campaign):
    """Issue 21 §2: submitting a week is one request (create + submit), its effect the same as the two."""
    from wuxing.core.models import AuditEvent
    from wuxing.rollups.models import UnitWeekStat
    from wuxing.rollups.services import rebuild

    rebuild(campaign)
    client = APIClient()
    client.force_authenticate(world.branch_user)
    with at(2026, 5, 18, 11, 59):
        r = client.post("/api/v1/weekly-reports/", _one_request_body(campaign, world), format="json")
    assert r.status_code == 200, r.content
    report = WeeklyReport.objects.get()
    assert r.json()["status"] == ReportStatus.SUBMITTED == report.status and "submit" not in r.json()
    assert report.submitted_at is not None and report.summary == "开展主题党日"
    assert list(AuditEvent.objects.filter(object_id=str(report.pk), action__startswith="weekly.").order_by("seq")
                .values_list("action", flat=True)) == [
        "weekly.report.save", "weekly.report.submit"]
    office_week = UnitWeekStat.objects.get(campaign=campaign, unit=world.east, iso_year=2026, iso_week=20)
    assert (office_week.on_time, office_week.late) == (1, 0)  # the rollups counted it, in the same request


def test_a_refused_submit_in_the_same_request_saves_nothing(world, campaign):
    """Saved and submitted, or neither: an office admin may not declare for the branch, and a second save of a
    submitted week is refused without touching it."""
    client = APIClient()
    client.force_authenticate(world.branch_user)
    with at(2026, 5, 16, 9):
        assert client.post("/api/v1/weekly-reports/", _one_request_body(campaign, world), format="json"
                           ).status_code == 200
        again = client.post("/api/v1/weekly-reports/", _one_request_body(campaign, world, summary="改写"),
                            format="json")
    assert again.status_code == 400 and "不能再修改" in again.content.decode()
    assert WeeklyReport.objects.get().summary == "开展主题党日"
    office = APIClient()
    office.force_authenticate(world.office_admin)
    with at(2026, 5, 16, 9):
        r = office.post("/api/v1/weekly-reports/", _one_request_body(campaign, world, week=19), format="json")
    assert r.status_code in (403, 404) and not WeeklyReport.objects.filter(iso_week=19).exists()


def test_the_page_saves_and_submits_in_one_transaction(world, campaign, login):
    """保存并提交 is one transaction: when the submission fails, the draft is not left saved either."""
    client = login(world.branch_user)
    url = reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20])
    data = {"summary": "开展主题党日", "problems": "", "next_plan": "", "highlights": "", "form-TOTAL_FORMS": "0",
            "form-INITIAL_FORMS": "0", "submit": "1"}
    original = services._transition

    def failing(*args, **kwargs):
        raise ValidationError("提交失败（测试）")

    services._transition = failing
    try:
        with at(2026, 5, 16, 9):
            page = client.post(url, data)
    finally:
        services._transition = original
    assert "提交失败（测试）" in page.content.decode() and not WeeklyReport.objects.exists()
    with at(2026, 5, 16, 9):
        assert client.post(url, data).status_code == 302
    assert WeeklyReport.objects.get().status == ReportStatus.SUBMITTED


def test_the_cached_office_matrix_follows_deadlines_and_submissions(world, campaign, login):
    """The office's week matrix is cached under the rollups' stamp: a deadline passing (no write) and a first
    submission each show on the next read."""
    client = login(world.office_admin)
    url = reverse("weekly:office", args=[campaign.pk, world.east.pk])
    link = reverse("weekly:branch", args=[campaign.pk, world.community.pk])

    def community_week_20(html):  # the community's cells, week 20 being the second to last column
        row = re.search(rf'<a href="{link}">东城社区</a></td>(.*?)</tr>', html, re.S).group(1)
        return re.findall(r'title="([^"]+)"', row)[-2]

    with at(2026, 5, 18, 11, 59):
        assert community_week_20(client.get(url).content.decode()) == "未到截止"
    with at(2026, 5, 18, 12, 1):
        assert community_week_20(client.get(url).content.decode()) == "未报"
        services.submit_report(world.branch_user, write(world, campaign))
        assert community_week_20(client.get(url).content.decode()) == "迟报"


def test_the_api_list_rows_equal_the_serializer(world, campaign):
    """The weekly-report list builds its rows from value rows (weekly.api.report_rows): for drafts, submitted,
    returned and accepted reports, with and without items and tasks, as the branch, its office and the district,
    each row equals what ReportSerializer answers for the report."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from wuxing.weekly.api import ReportSerializer

    with at(2026, 5, 16, 9):
        task = create_task(world.branch_user, campaign, world.community, title="网格", star_code="zbgy",
                           due_date=dt.date(2026, 9, 1), responsible_name="张三")
        draft = write(world, campaign, week=(2026, 19), problems="场地不足",
                      items=[services.ItemInput(text="推进网格", task=task, task_done=True),
                             services.ItemInput(text="走访", indicator_codes=("zbgy-1",))])
        sent = services.submit_report(world.branch_user, write(world, campaign, week=(2026, 18)))
        returned = services.return_report(world.office_admin, services.submit_report(
            world.branch_user, write(world, campaign, week=(2026, 17))), "请补充")
        accepted = services.accept_report(world.office_admin, services.submit_report(
            world.village_user, write(world, campaign, branch=world.village, user=world.village_user)), "好")
    for user in (world.branch_user, world.office_admin, world.district_admin):
        request = APIRequestFactory().get("/api/v1/weekly-reports/")
        request.user = user
        listed = {row["id"]: row for row in api_as(user).get("/api/v1/weekly-reports/", {"campaign": campaign.pk}).json()[
            "results"]}
        shown = [r for r in (draft, sent, returned, accepted) if WeeklyReport.objects.for_user(user).filter(pk=r.pk).exists()]
        assert len(shown) >= 3 and set(listed) == {r.pk for r in shown}
        for report in shown:
            report = WeeklyReport.objects.select_related("branch").prefetch_related("items").get(pk=report.pk)
            expected = json.loads(JSONRenderer().render(ReportSerializer(report, context={"request": request}).data))
            assert listed[report.pk] == expected
    assert len(draft.items.all()) == 2
