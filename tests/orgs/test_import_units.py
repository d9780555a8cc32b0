import datetime as dt
import io
import time

import pytest

from tests.conftest import SYSTEM
from tests.xlsx import xlsx
from wuxing.core.exports import xlsx_bytes
from wuxing.core.models import AuditEvent
from wuxing.orgs.importers import import_units, unit_rows
from wuxing.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def messages(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_a_valid_tree_imports_with_paths_and_kinds(world):
    f = xlsx([
        ["N", "新区", "区/县", "", "", "410100000000"],
        ["N1", "新办事处", "办事处", "N", "", ""],
        ["N101", "新社区", "社区", "N1", "", ""],
        ["N102", "新村", "村", "N1", "农村", ""],
        ["N10101", "新网格", "网格", "N101", "", ""],
    ])
    report = import_units(SYSTEM, f, dry_run=False)
    assert report.ok, messages(report)
    assert report.created == 5
    grid = OrgUnit.objects.get(code="N10101")
    assert grid.kind == "urban" and grid.depth == 3
    assert grid.ancestor_ids() == [OrgUnit.objects.get(code=c).pk for c in ("N", "N1", "N101")]
    assert OrgUnit.objects.get(code="N102").kind == "rural"
    assert AuditEvent.objects.filter(action="orgs.unit.import").count() == 1


def test_dry_run_reports_counts_and_writes_nothing(world):
    before = OrgUnit.objects.count()
    report = import_units(world.district_admin, xlsx([["T103", "新社区", "社区", "T1", "", ""]]), dry_run=True)
    assert report.ok and report.created == 1
    assert OrgUnit.objects.count() == before


def test_every_bad_row_is_reported_and_nothing_changes(world):
    before = list(OrgUnit.objects.values_list("code", "name", "path"))
    f = xlsx([
        ["T103", "好社区", "社区", "T1", "", ""],         # row 2: fine on its own
        ["T103", "重复", "社区", "T1", "", ""],           # row 3: duplicate code
        ["X9", "孤儿", "社区", "NOPE", "", ""],           # row 4: unknown parent
        ["C1", "甲", "社区", "C2", "", ""],              # row 5: cycle C1 -> C2 -> C1
        ["C2", "乙", "社区", "C1", "", ""],              # row 6
        [1.5, "小数编码", "社区", "T1", "", ""],          # row 7: wrong type
        ["T104", "", "社区", "T1", "", ""],              # row 8: empty name
        ["T105", "错层级", "星球", "T1", "", ""],          # row 9: unknown level
        ["T106", "错日期", "社区", "T1", "", dt.datetime(2020, 1, 1)],  # row 10: a date where text belongs
        ["T107", "村挂在区下", "村", "T", "", ""],          # row 11: village directly under a district
        ["T108", "短区划", "社区", "T1", "", "4101"],       # row 12: bad area code
        ["T101", "东城社区", "村", "T1", "", ""],          # row 13: level change of an existing unit
    ])
    report = import_units(world.district_admin, f, dry_run=False)
    rows = {e.row for e in report.errors}
    assert rows == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, messages(report)
    assert any("重复" in e.message for e in report.errors if e.row == 3)
    assert any("不存在" in e.message for e in report.errors if e.row == 4)
    assert any("循环" in e.message for e in report.errors if e.row in (5, 6))
    assert any("小数" in e.message for e in report.errors if e.row == 7)
    assert list(OrgUnit.objects.values_list("code", "name", "path")) == before


def test_a_missing_required_column_is_reported():
    f = xlsx([["A", "甲", "区/县"]], header=["单位编码", "单位名称", "上级编码"])
    report = import_units(SYSTEM, f, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(1, "层级")]


def test_an_empty_sheet_is_reported():
    report = import_units(SYSTEM, xlsx([], header=None), dry_run=False)
    assert "表格为空" in report.errors[0].message


def test_a_header_without_rows_is_reported():
    report = import_units(SYSTEM, xlsx([]), dry_run=False)
    assert "没有数据行" in report.errors[0].message


def test_a_file_that_is_not_xlsx_is_reported():
    report = import_units(SYSTEM, io.BytesIO(b"MZ\x90\x00 not a workbook"), dry_run=False)
    assert "无法读取" in report.errors[0].message


def test_reimport_updates_by_code_instead_of_duplicating(world):
    count = OrgUnit.objects.count()
    report = import_units(world.district_admin, xlsx([["T101", "东城社区（更名）", "社区", "T1", "", ""]]), dry_run=False)
    assert report.ok and report.updated == 1 and report.created == 0
    assert OrgUnit.objects.count() == count
    assert OrgUnit.objects.get(code="T101").name == "东城社区（更名）"


def test_reimport_can_move_a_subtree_and_rewrites_descendant_paths(world):
    report = import_units(world.district_admin, xlsx([["T101", "东城社区", "社区", "T2", "", ""]]), dry_run=False)
    assert report.ok, messages(report)
    west = OrgUnit.objects.get(code="T2")
    community = OrgUnit.objects.get(code="T101")
    grid = OrgUnit.objects.get(code="T10101")
    assert community.parent_id == west.pk and community.path.startswith(west.path)
    assert grid.path == community.path + grid.path[len(community.path):] and grid.path.startswith(community.path)
    assert grid.depth == 3


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(world):
    report = import_units(SYSTEM, xlsx([["T1", "东城办事处", "办事处", "T", "", ""],
                                        ["T", "测试区", "区/县", "T10101", "", ""]]), dry_run=False)
    assert not report.ok


def test_an_office_admin_cannot_import_into_another_office(world):
    report = import_units(world.office_admin, xlsx([["T203", "越权社区", "社区", "T2", "", ""]]), dry_run=False)
    assert not report.ok and "无权" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="T203").exists()


def test_an_office_admin_can_import_into_its_own_office(world):
    report = import_units(world.office_admin, xlsx([["T103", "新社区", "社区", "T1", "", ""]]), dry_run=False)
    assert report.ok


def test_codes_stored_as_numbers_by_excel_come_back_as_text(world):
    report = import_units(SYSTEM, xlsx([[4101, "数字编码社区", "社区", "T1", "", 410100000000]]), dry_run=False)
    assert report.ok, messages(report)
    assert OrgUnit.objects.get(code="4101").area_code == "410100000000"


def test_export_reimports_unchanged(world):
    data = xlsx_bytes([("t", ["单位编码", "单位名称", "层级", "上级编码", "城乡类型", "区划代码"],
                        unit_rows(OrgUnit.objects.all()))])
    report = import_units(SYSTEM, io.BytesIO(data), dry_run=True)
    assert report.ok, messages(report)
    assert report.unchanged == OrgUnit.objects.count() and report.created == report.updated == 0


def ten_thousand_rows():
    rows = [["P", "大区", "区/县", "", "", ""]]
    for o in range(50):
        rows.append([f"P{o:02d}", f"办事处{o}", "办事处", "P", "", ""])
        for b in range(199):
            level = "社区" if b % 3 else "村"
            rows.append([f"P{o:02d}{b:03d}", f"单位{o}-{b}", level, f"P{o:02d}", "", ""])
    return rows


def test_a_ten_thousand_unit_tree_imports_in_one_go(capsys):
    rows = ten_thousand_rows()
    assert len(rows) == 10_001
    f = xlsx(rows)
    started = time.perf_counter()
    report = import_units(SYSTEM, f, dry_run=False)
    elapsed = time.perf_counter() - started
    assert report.ok, messages(report)[:5]
    assert report.created == 10_001
    assert OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(code="P").path).count() == 10_001
    # The time is printed, not asserted: speed targets are measured in bench/, not by unit tests.
    with capsys.disabled():
        print(f"\n  10,001-unit import: {elapsed:.2f} s")
