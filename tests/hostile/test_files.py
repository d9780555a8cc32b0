"""Issue 18 finding 5: small hostile uploads are refused with a Chinese message, on the page and on the
command line, before they can exhaust the server (time and memory: bench/hostile.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.conftest import SYSTEM
from tests.hostile import files
from wuxing.orgs.importers import import_units
from wuxing.orgs.models import OrgUnit
from wuxing.standards.models import Standard
from wuxing.standards.services import load_standard

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bomb():
    return files.xlsx_bomb().getvalue()


@pytest.fixture(scope="module")
def rows():
    return files.many_bad_rows().getvalue()


def upload(data, name):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_an_xlsx_bomb_is_refused_from_its_zip_directory(world, bomb, login, tmp_path):
    assert len(bomb) < 400_000
    report = import_units(SYSTEM, upload(bomb, "bomb.xlsx"))
    assert [e.message for e in report.errors] == ["文件解压后过大（200 MB，上限 100 MB），请拆分后分批导入。"]
    page = login(world.district_admin).post(reverse("orgs:unit_import"), {"file": upload(bomb, "bomb.xlsx")})
    assert page.status_code == 200 and "文件解压后过大" in page.content.decode()

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(CommandError):
        call_command("import", "units", str(path))
    assert not OrgUnit.objects.filter(code="X1").exists()


def test_a_part_compressed_beyond_the_ratio_is_refused_even_under_the_size_limit(world, settings):
    settings.IMPORT_MAX_UNZIPPED = 500 * 1024 * 1024  # the size check alone would let it through
    report = import_units(SYSTEM, files.xlsx_bomb(20))
    assert len(report.errors) == 1 and "压缩比异常" in report.errors[0].message

def test_a_hundred_thousand_bad_rows_are_refused_by_the_row_cap(world, rows, login, tmp_path):
    report = import_units(SYSTEM, upload(rows, "rows.xlsx"))
    assert len(report.errors) == 1 and "数据超过 50000 行" in report.errors[0].message
    html = login(world.district_admin).post(reverse("orgs:unit_import"), {"file": upload(rows, "rows.xlsx")})
    assert "数据超过 50000 行" in html.content.decode() and len(html.content) < 200_000


def test_errors_are_listed_up_to_200_then_counted(world, login, settings):
    data = files.many_bad_rows(450).getvalue()
    html = login(world.district_admin).post(reverse("orgs:unit_import"), {"file": upload(data, "r.xlsx")}).content.decode()
    assert "另有 250 处错误未列出" in html
    assert html.count("<tr><td>") <= 205


def test_a_row_cap_holds_even_when_the_sheet_understates_its_rows(world, settings):
    settings.IMPORT_MAX_ROWS = 100
    data = files.many_bad_rows(150)
    report = import_units(SYSTEM, data)
    assert "数据超过 100 行" in report.errors[0].message


@pytest.mark.parametrize("make", [files.truncated_sheet, files.external_entity])
def test_malformed_workbooks_answer_in_chinese_never_500(world, login, make):
    data = make().getvalue()
    report = import_units(SYSTEM, upload(data, "x.xlsx"))
    assert report.errors and all("\u4e00" <= ch <= "\u9fff" for ch in report.errors[0].message[:2])
    r = login(world.district_admin).post(reverse("orgs:unit_import"), {"file": upload(data, "x.xlsx")})
    assert r.status_code == 200
    assert "root:" not in r.content.decode()  # no entity was expanded into the page


def test_yaml_aliases_are_refused_before_they_expand(world, login, tmp_path):
    raw = files.yaml_aliases(6)
    assert len(raw) < 400
    result = load_standard(SYSTEM, raw)
    assert result.errors and "不支持 YAML 别名" in result.errors[0].message
    page = login(world.district_admin).post(reverse("standards:standard_upload"),
                                            {"file": SimpleUploadedFile("s.yaml", raw, content_type="text/yaml")})
    assert "不支持 YAML 别名" in page.content.decode()
    path = tmp_path / "s.yaml"
    path.write_bytes(raw)
    with pytest.raises(CommandError):
        call_command("standards", "load", str(path))
    from wuxing.casefiles import rubric

    _obj, errors, _created = rubric.load(SYSTEM, raw)
    assert errors and "不支持 YAML 别名" in errors[0].message
    assert not Standard.objects.exists()
