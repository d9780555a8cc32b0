import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import SYSTEM
from tests.xlsx import xlsx
from wuxing.core.roles import Level
from wuxing.orgs import services
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User

pytestmark = pytest.mark.django_db


def test_office_admin_adds_a_community_under_its_office(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:unit_create", args=[world.east.pk]),
                    {"code": "T103", "name": "新建社区", "level": "community", "kind": "", "area_code": ""})
    assert r.status_code == 302
    unit = OrgUnit.objects.get(code="T103")
    assert unit.parent_id == world.east.pk and unit.kind == "urban" and unit.path.startswith(world.east.path)


def test_a_duplicate_code_is_a_form_error_in_chinese(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:unit_create", args=[world.east.pk]),
                    {"code": "T101", "name": "重复", "level": "community"})
    assert r.status_code == 200
    assert "已存在" in r.content.decode()


def test_a_village_cannot_be_placed_under_a_community(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:unit_create", args=[world.community.pk]),
                    {"code": "T109", "name": "错位村", "level": "village"})
    assert r.status_code == 200 and "不能设在" in r.content.decode()
    assert not OrgUnit.objects.filter(code="T109").exists()


def test_unit_list_search_finds_by_name(world, login):
    r = login(world.district_admin).get(reverse("orgs:unit_list"), {"q": "李家"})
    html = r.content.decode()
    assert "李家村" in html and "东城社区" not in html


def test_unit_list_answers_htmx_with_the_rows_only(world, login):
    r = login(world.district_admin).get(reverse("orgs:unit_list"), {"q": "李家"},
                                        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-rows")
    assert "<html" not in r.content.decode() and "李家村" in r.content.decode()


def test_branch_user_page_shows_only_its_own_unit(world, login):
    html = login(world.branch_user).get(reverse("orgs:unit_list")).content.decode()
    assert "东城社区" in html and "李家村" not in html and "西城" not in html


def test_unit_export_reimports_and_escapes(world, login):
    OrgUnit.objects.filter(pk=world.grid.pk).update(name="=1+2")
    r = login(world.office_admin).get(reverse("orgs:unit_export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("单位编码", "单位名称", "层级")
    assert {row[0] for row in rows[1:]} == {"T1", "T101", "T102", "T10101"}
    grid = next(c for c in ws["B"] if c.value == "=1+2")
    assert grid.data_type == "s"


def test_user_export_masks_mobiles(world, login):
    r = login(world.office_admin).get(reverse("orgs:user_export"), {"format": "csv"})
    text = r.content.decode("utf-8-sig")
    assert "139****5678" in text and "13912345678" not in text
    assert "other_branch_user" not in text


def test_import_page_dry_run_then_commit(world, login):
    client = login(world.office_admin)
    f = xlsx([["T103", "导入社区", "社区", "T1", "", ""]])
    r = client.post(reverse("orgs:unit_import"), {"file": f})
    assert "校验通过" in r.content.decode() and not OrgUnit.objects.filter(code="T103").exists()
    f = xlsx([["T103", "导入社区", "社区", "T1", "", ""]])
    r = client.post(reverse("orgs:unit_import"), {"file": f, "confirm": "on"})
    assert r.status_code == 302 and OrgUnit.objects.filter(code="T103").exists()


def test_import_page_lists_row_errors(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:unit_import"), {"file": xlsx([["T103", "", "社区", "NOPE", "", ""]]), "confirm": "on"})
    html = r.content.decode()
    assert "未导入任何数据" in html and "不存在" in html and "不能为空" in html


def test_import_page_refuses_other_file_types(world, login):
    f = io.BytesIO(b"a,b")
    f.name = "units.csv"
    r = login(world.office_admin).post(reverse("orgs:unit_import"), {"file": f})
    assert ".xlsx" in r.content.decode()


def test_import_template_downloads_and_reimports_its_examples(world, login):
    from wuxing.orgs import importers

    client = login(world.district_admin)
    r = client.get(reverse("orgs:unit_import_template"))
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["组织架构", "示例", "填写说明", "选项"] and wb["选项"].sheet_state == "hidden"
    data = wb["组织架构"]
    # The data sheet holds only the headers: its examples can never be imported by mistake.
    assert data.max_row == 1 and data.freeze_panes == "A2"
    assert [c.value for c in data[1]][:3] == ["单位编码*", "单位名称*", "层级*"]
    # 层级 and 城乡类型 offer their values in drop-down lists from the hidden sheet.
    rules = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert set(rules) == {"C2:C1001", "E2:E1001"}
    options = wb["选项"]
    listed = {options.cell(1, col).value: [options.cell(r, col).value for r in range(2, options.max_row + 1)
                                            if options.cell(r, col).value] for col in range(1, options.max_column + 1)}
    assert listed["层级"][:3] == ["省", "市"] + listed["层级"][2:3] and "社区" in listed["层级"]
    assert listed["城乡类型"] == ["城市", "农村", "城乡混合"]
    # Imported as downloaded, the template adds nothing.
    report = importers.import_units(world.district_admin, io.BytesIO(r.content), dry_run=True)
    assert report.total == 0
    # Its examples, copied onto the data sheet, are a valid file (here: one under the test district).
    sample = [[c.value for c in row] for row in wb["示例"].iter_rows(min_row=2)]
    assert sample[1][:3] == ["JK01", "明湖办事处", "办事处"]
    data.append(["T9", "新办事处", "办事处", "T", "城乡混合", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    report = importers.import_units(world.district_admin, buffer, dry_run=True)
    assert report.ok and report.total == 1, report.errors


def test_office_admin_creates_a_user_in_its_office(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:user_create"), {
        "username": "newclerk", "real_name": "新填报员", "mobile": "13600000000", "role": "reporter",
        "unit": world.village.pk, "password": "Clerk2026ok"})
    assert r.status_code == 302
    assert RoleAssignment.objects.filter(user__username="newclerk", unit=world.village, role="reporter").exists()


def test_office_admin_cannot_create_a_user_in_another_office(world, login):
    client = login(world.office_admin)
    r = client.post(reverse("orgs:user_create"), {
        "username": "spy", "real_name": "越权", "role": "reporter", "unit": world.west_village.pk,
        "password": "Clerk2026ok"})
    assert r.status_code == 200 and not User.objects.filter(username="spy").exists()


def test_a_bad_mobile_and_weak_password_are_explained(world, login):
    r = login(world.office_admin).post(reverse("orgs:user_create"), {
        "username": "weak", "real_name": "弱", "mobile": "12345", "role": "reporter", "unit": world.village.pk,
        "password": "12345678"})
    html = r.content.decode()
    assert "11 位" in html and "密码" in html
    assert not User.objects.filter(username="weak").exists()


def test_a_role_at_the_wrong_level_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.grant_role(world.district_admin, world.branch_user, "office_admin", world.community)


def test_leader_assignment_needs_the_leader_role(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.assign_leader(world.district_admin, world.branch_user, world.village)


def test_leader_assignment_from_the_unit_page(world, login):
    r = login(world.office_admin).post(reverse("orgs:assignment_create", args=[world.village.pk]),
                                       {"leader": world.leader.pk, "note": "周二走访"})
    assert r.status_code == 302
    assert Assignment.objects.filter(leader=world.leader, unit=world.village).exists()


def test_moving_a_subtree_keeps_paths_consistent(world):
    services.move_subtree(world.community, world.west)
    for unit in OrgUnit.objects.all():
        expected = (unit.parent.path if unit.parent else "") + f"{unit.pk:08d}/"
        assert unit.path == expected and unit.depth == unit.path.count("/") - 1


def test_unit_list_query_count_does_not_grow_with_rows(world, login):
    client = login(world.district_admin)
    client.get(reverse("orgs:unit_list"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgs:unit_list"))
    for i in range(30):
        services.create_unit(SYSTEM, parent=world.east, code=f"Q{i}", name=f"批量{i}", level=Level.COMMUNITY)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgs:unit_list"))
    # session, user, grants, unread count (bell), count, rows
    assert len(large) == len(small) <= 6


def test_user_list_query_count_does_not_grow_with_rows(world, login):
    client = login(world.district_admin)
    client.get(reverse("orgs:user_list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgs:user_list"))
    for i in range(20):
        services.create_user(SYSTEM, username=f"u{i}", real_name=f"人{i}", mobile="", password="Many2026users",
                             role="reporter", unit=world.village)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgs:user_list"))
    # session, user, grants, bell, count, users, roles, units
    assert len(large) == len(small) <= 8


def test_unit_detail_query_count_is_bounded(world, login):
    client = login(world.district_admin)
    client.get(reverse("orgs:unit_detail", args=[world.community.pk]))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("orgs:unit_detail", args=[world.community.pk]))
    assert len(ctx) <= 11


def test_home_shows_roles(world, login):
    html = login(world.leader).get(reverse("home")).content.decode()
    assert "包联领导" in html and "东城办事处" in html


def test_api_unit_list_query_count_is_bounded(world, login):
    client = login(world.district_admin)
    client.get(reverse("api:unit-list"))  # the first request after login refreshes the session once
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("api:unit-list"))
    assert len(ctx) <= 5  # session, user, grants, count, rows


def test_a_star_reviewer_is_granted_with_the_stars_they_decide(world, campaign, login):
    from wuxing.orgs.models import RoleAssignment

    client = login(world.district_admin)
    url = reverse("orgs:role_grant", args=[world.village_user.pk])
    client.post(url, {"role": "star_reviewer", "unit": world.district.pk})
    assert not RoleAssignment.objects.filter(user=world.village_user, role="star_reviewer").exists()
    client.post(url, {"role": "star_reviewer", "unit": world.district.pk, "star_codes": ["pafz", "wmxf"]})
    grant = RoleAssignment.objects.get(user=world.village_user, role="star_reviewer")
    assert grant.star_codes == ["pafz", "wmxf"]
    client.post(url, {"role": "star_reviewer", "unit": world.district.pk, "star_codes": ["zbgy"]})
    grant.refresh_from_db()
    assert grant.star_codes == ["zbgy"]
