import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import SYSTEM, make_campaign
from wuxing.creation import gaps, plans_io, selectors, services
from wuxing.creation.models import PlanTask, Target, TargetStatus, TaskStatus
from wuxing.evaluation.services import add_evidence, save_self_results

pytestmark = pytest.mark.django_db

# Urban sample standard: stars zbgy, gjgx, yjyy, pafz, wmxf.
URBAN_3 = ["zbgy", "pafz", "wmxf"]


def set_target(world, campaign, stars=URBAN_3, user=None):
    return services.save_target(user or world.branch_user, campaign, world.community, star_codes=stars,
                                strengths="班子团结", goal="争创三星")


def test_branch_sets_a_three_star_target_and_adds_tasks_and_the_office_matrix_changes(world, campaign):
    columns, rows = selectors.office_matrix(world.office_admin, campaign, world.east)
    before = next(r for r in rows if r.unit == world.community)
    assert before.target is None and before.tasks == 0
    target = set_target(world, campaign)
    assert target.level == 3 and target.star_codes == URBAN_3
    services.create_task(world.branch_user, campaign, world.community, title="完善网格党支部", star_code="zbgy",
                         due_date=dt.date(2026, 12, 31), responsible_name="张三", indicator_codes=["U-ZBGY-04"])
    _, rows = selectors.office_matrix(world.office_admin, campaign, world.east)
    after = next(r for r in rows if r.unit == world.community)
    assert after.target.level == 3 and after.tasks == 1
    assert after.cells == ["todo", "", "", "todo", "todo"]


def test_target_stars_are_kept_in_standard_order_without_duplicates(world, campaign):
    target = set_target(world, campaign, ["wmxf", "zbgy", "wmxf"])
    assert target.star_codes == ["zbgy", "wmxf"] and target.level == 2


def test_an_unknown_star_is_refused(world, campaign):
    with pytest.raises(ValidationError):
        set_target(world, campaign, ["cyxw"])  # a rural star, not in the urban standard


def test_target_review_submit_return_fix_confirm(world, campaign):
    target = set_target(world, campaign)
    assert services.target_flags(world.office_admin, target) == {
        "may_edit": False, "may_submit": False, "may_confirm": False, "may_return": False}
    services.submit_target(world.branch_user, target)
    target.refresh_from_db()
    assert services.target_flags(world.office_admin, target)["may_confirm"]
    assert not services.target_flags(world.branch_user, target)["may_edit"]
    with pytest.raises(ValidationError):
        services.return_target(world.office_admin, target, "  ")  # a note is required
    services.return_target(world.office_admin, target, "请补充创建措施")
    target.refresh_from_db()
    assert target.status == TargetStatus.RETURNED and services.target_flags(world.branch_user, target)["may_edit"]
    set_target(world, campaign, ["zbgy", "gjgx", "pafz", "wmxf"])
    services.submit_target(world.branch_user, target)
    services.confirm_target(world.office_admin, target)
    target.refresh_from_db()
    assert target.status == TargetStatus.CONFIRMED and target.level == 4
    with pytest.raises(ValidationError):
        set_target(world, campaign)


def test_the_branch_cannot_confirm_and_another_office_cannot_review(world, campaign):
    target = services.submit_target(world.branch_user, set_target(world, campaign))
    with pytest.raises(PermissionDenied):
        services.confirm_target(world.branch_user, target)  # in scope, out of role: the step does not exist for it
    west_admin = services_user(world, "west_admin")
    with pytest.raises(PermissionDenied):
        services.confirm_target(west_admin, target)


def services_user(world, username):
    from wuxing.orgs.services import create_user

    return create_user(SYSTEM, username=username, real_name="西城管理员", mobile="", password="Office2026pwd",
                       role="office_admin", unit=world.west)


def test_other_branches_cannot_write_this_plan(world, campaign):
    with pytest.raises(PermissionDenied):
        set_target(world, campaign, user=world.village_user)
    with pytest.raises(PermissionDenied):
        services.create_task(world.other_branch_user, campaign, world.community, title="x", star_code="zbgy",
                             due_date=dt.date(2026, 12, 1), responsible_name="x")


def test_gap_analysis_lists_exactly_the_unmet_indicators_of_the_target_stars(world, campaign):
    target = set_target(world, campaign, ["zbgy", "pafz"])
    # Hand-worked: zbgy has U-ZBGY-01..05 (pass) and -06 (points, pass mark 90); pafz has U-PAFZ-01..05.
    save_self_results(world.branch_user, campaign, world.community, {
        "U-ZBGY-01": True, "U-ZBGY-02": True, "U-ZBGY-03": False, "U-ZBGY-04": True, "U-ZBGY-05": True,
        "U-ZBGY-06": 89.5,  # below the pass mark: a gap
        "U-PAFZ-01": True, "U-PAFZ-02": True, "U-PAFZ-03": True, "U-PAFZ-04": True,  # -05 not filled in
        "U-WMXF-01": False,  # not a target star: never listed
    })
    services.create_task(world.branch_user, campaign, world.community, title="补齐三会一课记录", star_code="zbgy",
                         due_date=dt.date(2026, 12, 20), responsible_name="李四", indicator_codes=["U-ZBGY-03"])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-05", "消防台账.png", png)
    result = selectors.gap_analysis(campaign, world.community, target)
    assert [s.code for s in result] == ["zbgy", "pafz"]
    assert {s.code: [(g.code, g.state) for g in s.gaps] for s in result} == {
        "zbgy": [("U-ZBGY-03", gaps.PLANNED), ("U-ZBGY-06", gaps.NONE)],
        "pafz": [("U-PAFZ-05", gaps.EVIDENCE)],
    }


def test_gap_analysis_uses_the_most_advanced_stage(world, campaign):
    from wuxing.evaluation.models import Assessment, IndicatorResult

    target = set_target(world, campaign, ["pafz"])
    save_self_results(world.branch_user, campaign, world.community, {f"U-PAFZ-0{i}": True for i in range(1, 6)})
    office = Assessment.objects.create(campaign=campaign, branch=world.community, stage="office")
    IndicatorResult.objects.create(assessment=office, indicator_code="U-PAFZ-02", met=False)
    result = selectors.gap_analysis(campaign, world.community, target)
    assert [g.code for g in result[0].gaps] == [f"U-PAFZ-0{i}" for i in range(1, 6)]


def test_mark_overdue_run_twice_changes_nothing_the_second_time(world, campaign, capsys):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc)):
        late = services.create_task(world.branch_user, campaign, world.community, title="a", star_code="zbgy",
                                    due_date=dt.date(2026, 6, 30), responsible_name="x")
        services.create_task(world.branch_user, campaign, world.community, title="b", star_code="zbgy",
                             due_date=dt.date(2026, 12, 30), responsible_name="x")
        done = services.create_task(world.branch_user, campaign, world.community, title="c", star_code="zbgy",
                                    due_date=dt.date(2026, 6, 2), responsible_name="x")
        services.add_progress(world.branch_user, done, "完成", done=True)
    with time_machine.travel(dt.datetime(2026, 7, 10, 9, tzinfo=dt.timezone.utc)):
        call_command("tasks", "mark-overdue")
        first = {t.title: (t.status, t.updated_at) for t in PlanTask.objects.all()}
        call_command("tasks", "mark-overdue")
        second = {t.title: (t.status, t.updated_at) for t in PlanTask.objects.all()}
    out = capsys.readouterr().out
    assert "marked overdue: 1" in out and "marked overdue: 0" in out
    assert first == second
    assert first["a"][0] == TaskStatus.OVERDUE and first["b"][0] == TaskStatus.NOT_STARTED
    assert first["c"][0] == TaskStatus.DONE
    late.refresh_from_db()
    assert late.status == TaskStatus.OVERDUE


def test_moving_a_time_node_later_clears_overdue(world, campaign):
    with time_machine.travel(dt.datetime(2026, 7, 10, 9, tzinfo=dt.timezone.utc)):
        task = services.create_task(world.branch_user, campaign, world.community, title="a", star_code="zbgy",
                                    due_date=dt.date(2026, 7, 1), responsible_name="x")
        assert task.status == TaskStatus.OVERDUE
        services.update_task(world.branch_user, task, title="a", star_code="zbgy", due_date=dt.date(2026, 9, 1),
                             responsible_name="x")
        assert task.status == TaskStatus.NOT_STARTED


def test_progress_moves_a_task_forward(world, campaign):
    task = services.create_task(world.branch_user, campaign, world.community, title="a", star_code="zbgy",
                                due_date=dt.date(2099, 1, 1), responsible_name="x")
    services.add_progress(world.branch_user, task, "已召开推进会")
    assert task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.add_progress(world.branch_user, task, "  ")


def test_exported_plan_reimports_into_an_empty_campaign_with_the_same_tasks(world, campaign):
    from wuxing.core.exports import xlsx_bytes

    set_target(world, campaign)
    services.create_task(world.branch_user, campaign, world.community, title="完善网格党支部", star_code="zbgy",
                         due_date=dt.date(2026, 5, 31), responsible_name="张三", indicator_codes=["U-ZBGY-04", "U-ZBGY-05"],
                         measures="每网格一个支部", tags=["网格化基层治理"])
    services.create_task(world.village_user, campaign, world.village, title="发展集体经济", star_code="cyxw",
                         due_date=dt.date(2026, 9, 30), responsible_name="李四", indicator_codes=["R-CYXW-02"])
    t3 = services.create_task(world.branch_user, campaign, world.community, title="三零创建", star_code="pafz",
                              due_date=dt.date(2026, 10, 31), responsible_name="王五")
    services.add_progress(world.branch_user, t3, "已完成", done=True)
    data = xlsx_bytes([("创建规划", [c.header for c in plans_io.COLUMNS],
                        plans_io.export_rows(campaign, selectors.visible_branches(world.office_admin, campaign, world.east)))])
    fields = ["branch_id", "star_code", "title", "measures", "indicator_codes", "responsible_name", "due_date", "status",
              "tags"]
    original = sorted(tuple(str(v) for v in row) for row in PlanTask.objects.filter(campaign=campaign).values_list(*fields))
    empty = make_campaign(world, year=2027)
    report = plans_io.import_plans(world.office_admin, empty, io.BytesIO(data), dry_run=False)
    assert report.ok, report.errors
    assert report.created == 3
    copied = sorted(tuple(str(v) for v in row) for row in PlanTask.objects.filter(campaign=empty).values_list(*fields))
    assert copied == original


def test_plan_import_reports_bad_rows_and_writes_nothing(world, campaign):
    from tests.xlsx import xlsx

    header = [c.header for c in plans_io.COLUMNS]
    f = xlsx([
        ["", "T101", "", "", "平安法治星", "好任务", "", "U-PAFZ-01", "张三", "2026-06-30", "", ""],
        ["", "T201", "", "", "平安法治星", "越权", "", "", "张三", "2026-06-30", "", ""],        # other office
        ["", "T101", "", "", "产业兴旺星", "错星", "", "", "张三", "2026-06-30", "", ""],       # rural star
        ["", "T101", "", "", "平安法治星", "错指标", "", "R-PAFZ-01", "张三", "2026-06-30", "", ""],
        ["", "T101", "", "", "平安法治星", "错日期", "", "", "张三", "六月底", "", ""],
        ["", "T101", "", "", "平安法治星", "无人", "", "", "", "2026-06-30", "", ""],
        ["", "T101", "", "", "平安法治星", "错状态", "", "", "张三", "2026-06-30", "搁置", ""],
        ["", "T101", "", "", "平安法治星", "好任务", "", "", "张三", "2026-06-30", "", ""],       # duplicate of row 2
        ["", "T101", "", "", "平安法治星", "无期限", "", "", "张三", "", "", ""],                # no time node
    ], header=header)
    report = plans_io.import_plans(world.office_admin, campaign, f, dry_run=False)
    assert {e.row for e in report.errors} == {3, 4, 5, 6, 7, 8, 9, 10}
    assert not PlanTask.objects.exists()


def test_leader_view_shows_targets_overdue_tasks_and_open_gaps(world, campaign):
    set_target(world, campaign, ["pafz"])
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=dt.timezone.utc)):
        services.create_task(world.branch_user, campaign, world.community, title="逾期任务", star_code="pafz",
                             due_date=dt.date(2026, 7, 1), responsible_name="x")
    rows = selectors.leader_view(world.leader, campaign)
    assert [r.unit for r in rows] == [world.community]
    assert rows[0].target.level == 1 and [t.title for t in rows[0].overdue] == ["逾期任务"]
    assert rows[0].open_gaps == 5
    assert selectors.leader_view(world.office_admin, campaign) == []


def test_the_area_matrix_counts_targets_and_stars_held_from_the_rollups(world, campaign, login):
    from openpyxl import load_workbook

    from wuxing.contest.selectors import area_matrix

    def xlsx_rows(data):
        return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]

    set_target(world, campaign, ["zbgy", "wmxf"])
    services.save_target(world.village_user, campaign, world.village, star_codes=["wmxf"])
    save_self_results(world.branch_user, campaign, world.community, {f"U-WMXF-0{i}": True for i in range(1, 5)} | {
        "U-WMXF-05": 95})
    columns, rows, whole = area_matrix(world.district_admin, campaign, world.district)
    east = next(r.totals for r in rows if r.unit == world.east)
    west = next(r.totals for r in rows if r.unit == world.west)
    assert (east.n_branches, east.with_target, east.target_sum, east.level_sum) == (2, 2, 3, 1)
    assert east.targeted == [1, 0, 0, 0, 2] and east.held == [0, 0, 0, 0, 1]
    assert west.n_branches == 2 and west.with_target == 0
    assert (whole.totals.n_branches, whole.totals.target_sum) == (4, 3)
    _, office_only, _ = area_matrix(world.office_admin, campaign, world.district)
    assert [r.unit for r in office_only] == [world.east]
    # The page: the district's offices link to their own matrix; the export holds the same numbers.
    client = login(world.district_admin)
    page = client.get(reverse("contest:matrix", args=[campaign.pk])).content.decode()
    assert reverse("creation:office", args=[campaign.pk, world.east.pk]) in page and "1 → 0" in page
    export = xlsx_rows(client.get(reverse("contest:matrix", args=[campaign.pk]), {"export": "matrix"}).content)
    assert export[0][:3] == ["单位", "支部数", "已定目标"] and export[-1][0] == "测试区"
    assert export[1][0] == "东城办事处" and export[1][-2:] == [3, 1]
    # An office admin asking for the district's matrix lands on their office's own branch matrix.
    r = login(world.office_admin).get(reverse("contest:matrix", args=[campaign.pk]), {"unit": world.east.pk})
    assert r.status_code == 302 and r.url == reverse("creation:office", args=[campaign.pk, world.east.pk])


# --- pages and API ------------------------------------------------------------------------------------

def test_branch_workspace_flow_through_pages(world, campaign, login):
    client = login(world.branch_user)
    url = reverse("creation:target_edit", args=[campaign.pk, world.community.pk])
    r = client.post(url, {"star_codes": URBAN_3, "goal": "三星"})
    assert r.status_code == 302
    r = client.post(reverse("creation:task_create", args=[campaign.pk, world.community.pk]), {
        "title": "网格全覆盖", "star_code": "zbgy", "indicator_codes": ["U-ZBGY-04"], "responsible_name": "张三",
        "due_date": "2026-12-31", "tags": ["网格化基层治理"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    html = client.get(reverse("creation:branch", args=[campaign.pk, world.community.pk])).content.decode()
    assert "争创三星级" in html and "网格全覆盖" in html and "已列任务" in html
    client.post(reverse("creation:target_action", args=[campaign.pk, world.community.pk, "submit"]))
    assert Target.objects.get().status == TargetStatus.SUBMITTED
    office = login(world.office_admin)
    office.post(reverse("creation:target_action", args=[campaign.pk, world.community.pk, "return"]), {"note": ""})
    assert Target.objects.get().status == TargetStatus.SUBMITTED  # a return without a note is refused
    office.post(reverse("creation:target_action", args=[campaign.pk, world.community.pk, "confirm"]), {"note": "同意"})
    assert Target.objects.get().status == TargetStatus.CONFIRMED
    html = office.get(reverse("creation:office", args=[campaign.pk, world.east.pk])).content.decode()
    assert "东城社区" in html and "已确认" in html and "西城" not in html


def test_task_form_errors_are_in_chinese(world, campaign, login):
    r = login(world.branch_user).post(reverse("creation:task_create", args=[campaign.pk, world.community.pk]), {
        "title": "", "star_code": "zbgy", "due_date": "明天"})
    html = r.content.decode()
    assert "该字段是必填项" in html and "请填写责任人" in html and "日期" in html
    assert not PlanTask.objects.exists()


def test_office_matrix_query_count_does_not_grow_with_branches(world, campaign, login):
    from django.core.cache import cache

    from wuxing.orgs.services import create_unit

    client = login(world.office_admin)
    url = reverse("creation:office", args=[campaign.pk, world.east.pk])
    client.get(url)
    cache.clear()  # the matrix is cached under its branches' versions: measure building it
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(10):
        unit = create_unit(SYSTEM, parent=world.east, code=f"E{i}", name=f"社区{i}", level="community")
        services.create_task(SYSTEM, campaign, unit, title="t", star_code="wmxf", due_date=dt.date(2026, 12, 1),
                             responsible_name="x")
    cache.clear()
    client.get(url)  # the writes moved the epoch: the campaign kept by this process is read again, once
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached) < len(large)


def test_api_target_and_tasks_are_scoped(world, campaign):
    api = APIClient()
    api.force_authenticate(world.branch_user)
    r = api.post(reverse("api:target-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                              "star_codes": URBAN_3}, format="json")
    assert r.status_code == 200 and r.json()["level"] == 3 and r.json()["flags"]["may_submit"]
    target_id = r.json()["id"]
    again = api.post(reverse("api:target-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                                  "star_codes": URBAN_3 + ["gjgx"]}, format="json")
    assert again.status_code == 200 and again.json()["id"] == target_id and again.json()["level"] == 4
    r = api.post(reverse("api:task-list"), {"campaign": campaign.pk, "branch": world.community.pk, "title": "接口任务",
                                            "star_code": "pafz", "due_date": "2026-12-01", "responsible_name": "张三"},
                 format="json")
    assert r.status_code == 201, r.json()
    assert api.post(reverse("api:target-submit", args=[target_id])).json()["status"] == "submitted"
    gaps_body = api.get(reverse("api:gaps"), {"campaign": campaign.pk, "branch": world.community.pk}).json()
    assert [s["code"] for s in gaps_body["stars"]] == ["zbgy", "gjgx", "pafz", "wmxf"]
    other = APIClient()
    other.force_authenticate(world.other_branch_user)
    assert other.get(reverse("api:target-detail", args=[target_id])).status_code == 404
    assert other.get(reverse("api:task-list")).json()["results"] == []
    assert other.get(reverse("api:gaps"), {"campaign": campaign.pk, "branch": world.community.pk}).status_code == 404
    assert other.post(reverse("api:target-list"), {"campaign": campaign.pk, "branch": world.community.pk,
                                                   "star_codes": ["zbgy"]}, format="json").status_code == 404
    office = APIClient()
    office.force_authenticate(world.office_admin)
    r = office.post(reverse("api:target-return", args=[target_id]), {"note": "补充"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned"


def test_campaign_setup_validates_dates_and_standards(world):
    from wuxing.standards.library import shipped_files
    from wuxing.standards.models import Standard
    from wuxing.standards.services import load_standard

    for path in shipped_files():
        load_standard(SYSTEM, path.read_bytes())
    urban, rural = Standard.objects.get(applies_to="urban"), Standard.objects.get(applies_to="rural")
    with pytest.raises(ValidationError) as exc:
        services.create_campaign(world.district_admin, world.district, year=2026, name="x", urban_standard=rural,
                                 rural_standard=urban, plan_due=dt.date(2026, 3, 1),
                                 assessment_opens=dt.date(2026, 10, 31), assessment_closes=dt.date(2026, 10, 1),
                                 office_review_due=dt.date(2026, 11, 1), district_review_due=dt.date(2026, 12, 1))
    assert {"urban_standard", "rural_standard", "assessment_closes"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.create_campaign(world.office_admin, world.district, year=2026, name="x", urban_standard=urban,
                                 rural_standard=rural, plan_due=dt.date(2026, 3, 1),
                                 assessment_opens=dt.date(2026, 10, 1), assessment_closes=dt.date(2026, 10, 31),
                                 office_review_due=dt.date(2026, 11, 1), district_review_due=dt.date(2026, 12, 1))


def test_a_plan_import_refreshes_each_branch_once_and_the_rollups_match(world, campaign, monkeypatch):
    from tests.xlsx import xlsx
    from wuxing.rollups import services as rollups

    header = [c.header for c in plans_io.COLUMNS]
    rows = [["", "T101", "", "", "平安法治星", f"任务{i}", "", "", "张三", "2026-06-30", "", ""] for i in range(60)]
    rows += [["", "T102", "", "", "文明幸福星", f"村任务{i}", "", "", "李四", "2026-06-30", "", ""] for i in range(40)]
    refreshed = []
    real = rollups.refresh_branch
    monkeypatch.setattr(rollups, "refresh_branch", lambda c, b: (refreshed.append(b), real(c, b))[1])
    report = plans_io.import_plans(world.office_admin, campaign, xlsx(rows, header=header), dry_run=False)
    assert report.ok and report.created == 100, report.errors
    assert sorted(refreshed) == sorted([world.community.pk, world.village.pk])
    assert rollups.drift(campaign).total == 0
    from wuxing.rollups.models import UnitStat

    assert UnitStat.objects.get(campaign=campaign, unit=world.district).tasks == 100


def test_the_api_target_list_rows_equal_the_serializer(world, campaign):
    """The target list builds its rows from value rows (creation.api.target_rows): for a draft and a target
    submitted then returned, as each branch, their office and the district, each row equals what TargetSerializer
    answers for the target."""
    import json

    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from tests.conftest import api_as
    from wuxing.creation.api import TargetSerializer

    services.save_target(world.branch_user, campaign, world.community, star_codes=URBAN_3, goal="三星", strengths="有")
    services.submit_target(world.branch_user, services.get_target(campaign, world.community))
    services.save_target(world.village_user, campaign, world.village, star_codes=["zbgy"], weaknesses="短板")
    services.return_target(world.office_admin, services.get_target(campaign, world.community), "目标偏低")
    for user in (world.branch_user, world.village_user, world.office_admin, world.district_admin):
        request = APIRequestFactory().get("/api/v1/targets/")
        request.user = user
        listed = {row["id"]: row for row in api_as(user).get("/api/v1/targets/", {"campaign": campaign.pk}).json()[
            "results"]}
        shown = Target.objects.for_user(user).filter(campaign=campaign)
        assert listed and set(listed) == {t.pk for t in shown}
        for target in shown.select_related("branch"):
            expected = json.loads(JSONRenderer().render(TargetSerializer(target, context={"request": request}).data))
            assert listed[target.pk] == expected


def test_the_api_task_list_rows_equal_the_serializer(world, campaign):
    """The task list builds its rows from value rows (creation.api.task_rows): open, done and tagged tasks, with
    and without indicators and measures, each row equals what TaskSerializer answers."""
    import json

    from rest_framework.renderers import JSONRenderer

    from tests.conftest import api_as
    from wuxing.creation.api import TaskSerializer

    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc), tick=False):
        services.create_task(world.branch_user, campaign, world.community, title="网格全覆盖", star_code="zbgy",
                             due_date=dt.date(2026, 12, 31), responsible_name="张三", measures="每周巡查",
                             indicator_codes=["U-ZBGY-04"], tags=["网格化基层治理"])
        done = services.create_task(world.village_user, campaign, world.village, title="修路", star_code="pafz",
                                    due_date=dt.date(2026, 7, 1), responsible_name="李四")
        services.add_progress(world.village_user, done, "已完工", done=True)
    listed = {row["id"]: row for row in api_as(world.district_admin).get(
        "/api/v1/tasks/", {"campaign": campaign.pk}).json()["results"]}
    assert len(listed) == 2
    for task in PlanTask.objects.all():
        assert listed[task.pk] == json.loads(JSONRenderer().render(TaskSerializer(task).data))
    assert listed[done.pk]["completed_at"] is not None
