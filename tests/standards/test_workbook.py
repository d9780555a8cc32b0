"""Standards without YAML: a standard written in Excel is checked (dry run, errors at sheet, row and column),
loaded all or nothing and versioned exactly like its YAML, and every loaded standard exports back to it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import SYSTEM
from wuxing.standards import workbook
from wuxing.standards.library import shipped_files
from wuxing.standards.models import Standard
from wuxing.standards.services import load_standard, load_standard_workbook

pytestmark = pytest.mark.django_db


def _urban():
    path = next(p for p in shipped_files() if "urban" in p.name)
    return load_standard(SYSTEM, path.read_bytes()).standard


def _book(standard, edit=None) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(workbook.write(Standard.objects.get(pk=standard.pk))))
    if edit:
        edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _version(wb, n):
    for row in wb["标准"].iter_rows():
        if row[0].value == "版本":
            row[1].value = n


def _spec(standard):
    return [(s.code, s.name, [(i.code, i.text, i.kind, i.max_points, i.pass_mark, i.required, i.evidence_hint)
                              for i in s.indicators.all()], [(v.code, v.text, v.category) for v in s.vetoes.all()])
            for s in standard.stars.all()]


def test_a_standard_exports_to_excel_and_comes_back_as_its_next_version(world):
    v1 = _urban()
    unchanged = load_standard_workbook(SYSTEM, _book(v1), dry_run=False)
    assert unchanged.ok and unchanged.result.standard == v1 and not unchanged.result.created  # same content: no-op
    check = load_standard_workbook(SYSTEM, _book(v1, lambda wb: _version(wb, 2)))
    assert check.ok and "第 2 版" in check.summary and "5 颗星" in check.summary
    assert Standard.objects.count() == 1  # a dry run writes nothing
    loaded = load_standard_workbook(SYSTEM, _book(v1, lambda wb: _version(wb, 2)), dry_run=False)
    v2 = loaded.result.standard
    assert loaded.result.created and (v2.code, v2.version) == (v1.code, 2) and _spec(v2) == _spec(v1)
    assert (v2.applies_to, v2.effective_year) == (v1.applies_to, v1.effective_year)


def test_changing_a_loaded_version_is_refused_as_for_yaml(world):
    v1 = _urban()

    def reword(wb):
        wb["指标"]["C2"] = "改过的指标内容"

    check = load_standard_workbook(SYSTEM, _book(v1, reword), dry_run=False)
    assert not check.ok and "“版本”）加 1" in check.errors[0]
    assert Standard.objects.count() == 1


def test_every_problem_is_named_at_its_sheet_row_and_column_and_nothing_loads(world):
    v1 = _urban()

    def spoil(wb):
        _version(wb, 5)
        ind = wb["指标"]
        ind["E3"], ind["F3"], ind["G3"] = "计分制", None, 80  # points without a maximum
        ind["B4"] = ind["B2"].value                           # a duplicate indicator code
        ind.append(["nosuch", "X-1", "不存在的星的指标", None, "达标制", None, None, "是"])
        wb["一票否决"]["A2"] = "zzz"

    check = load_standard_workbook(SYSTEM, _book(v1, spoil), dry_run=False)
    text = "\n".join(check.errors)
    assert "“指标”表第" in text and "“nosuch”不在“星”表中" in text
    spoiled = load_standard_workbook(SYSTEM, _book(v1, lambda wb: (_version(wb, 5), wb["指标"].__setitem__("E3", "计分制"))),
                                     dry_run=False)
    messages = "\n".join(spoiled.errors)
    assert "“指标”表第 3 行（满分）" in messages, messages
    assert Standard.objects.count() == 1


def test_a_workbook_missing_a_sheet_or_column_says_which(world):
    _urban()
    check = load_standard_workbook(SYSTEM, _book(Standard.objects.get(), lambda wb: wb.remove(wb["一票否决"])))
    assert check.errors == ["缺少“一票否决”表（可先导出一个标准作为模板）。"]
    garbage = io.BytesIO(b"not a workbook")
    assert "请上传 .xlsx" in load_standard_workbook(SYSTEM, garbage).errors[0]


def test_the_upload_page_checks_then_loads_a_workbook(world, login):
    v1 = _urban()
    client = login(world.district_admin)
    book = _book(v1, lambda wb: _version(wb, 2))
    book.name = "标准.xlsx"
    r = client.post(reverse("standards:standard_upload"), {"file": book, "dry_run": "on"})
    assert "检查通过，未加载" in r.content.decode() and Standard.objects.count() == 1
    book = _book(v1, lambda wb: _version(wb, 2))
    book.name = "标准.xlsx"
    r = client.post(reverse("standards:standard_upload"), {"file": book})
    assert r.status_code == 302 and Standard.objects.filter(version=2).exists()
    exported = client.get(reverse("standards:standard_workbook", args=[v1.pk]))
    assert load_workbook(io.BytesIO(exported.content)).sheetnames == ["标准", "星", "指标", "一票否决"]
    assert login(world.branch_user).post(reverse("standards:standard_upload"), {"file": book}).status_code == 404


def test_one_version_rule_for_yaml_and_excel_and_a_dry_run_for_both(world, login):
    v1 = _urban()
    path = next(p for p in shipped_files() if "urban" in p.name)
    # The same standard with other comments is the same version, not a refused change.
    recommented = b"# a comment the loaded file does not have\n" + path.read_bytes()
    again = load_standard(SYSTEM, recommented)
    assert again.ok and again.standard == v1 and not again.created
    client = login(world.district_admin)
    f = io.BytesIO(path.read_bytes().replace(b"version: 1", b"version: 7"))
    f.name = "v7.yaml"
    r = client.post(reverse("standards:standard_upload"), {"file": f, "dry_run": "on"})
    assert "检查通过，未加载" in r.content.decode() and "第 7 版" in r.content.decode()
    assert not Standard.objects.filter(version=7).exists()
