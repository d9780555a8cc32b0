"""Hostile input: random and malformed data into the parser, the importers and the forms. Nothing may
crash; every rejection is a message a person can read (Chinese, no stack trace)."""


import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.conftest import SYSTEM
from tests.xlsx import UNIT_HEADER, USER_HEADER
from wuxing.activities.parsing import parse
from wuxing.casefiles import services as casefiles
from wuxing.orgs.importers import import_units, import_users

CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 200))
TEXT = st.text(alphabet=st.sampled_from(list(CJK + "　 \n\t#（）()《》，。、；：0123456789abcXYZ-—=*本报讯记者通讯员主持月日人")),
               max_size=400)
CELL = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                 st.booleans(), st.dates(), st.datetimes(),
                 st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
                 st.sampled_from(["=HYPERLINK(\"http://x\")", "=1+1", "@SUM(A1)", "../../etc/passwd", "'; DROP TABLE x;--"]))


@settings(deadline=None)
@given(TEXT)
def test_the_brief_parser_never_crashes(text):
    clean, articles = parse(text, ["明湖办事处", "经开区"], 2026)
    for a in articles:
        assert a.title or a.body
        if a.date:
            month, day = (int(x) for x in a.date.split("-"))
            assert 1 <= month and 1 <= day


def workbook(header, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        values = []
        for v in row:
            if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                v = str(v)  # the file format has no NaN or infinity
            if isinstance(v, str):
                from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

                v = ILLEGAL_CHARACTERS_RE.sub("", v)
            values.append(v)
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def readable(report) -> None:
    for e in report.errors:
        text = str(e)
        assert "Traceback" not in text and "Error" not in text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=8))
def test_the_unit_importer_answers_any_sheet_without_crashing(world, rows):
    report = import_units(world.office_admin, workbook(UNIT_HEADER, rows), dry_run=True)
    readable(report)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=8))
def test_the_user_importer_answers_any_sheet_without_crashing(world, rows):
    report = import_users(world.office_admin, workbook(USER_HEADER, rows), dry_run=True)
    readable(report)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=18, max_size=18), min_size=1, max_size=5))
def test_the_case_file_importer_answers_any_sheet_without_crashing(world, rows):
    report = casefiles.import_files(SYSTEM, workbook([c.header for c in casefiles.FILE_COLUMNS], rows), dry_run=True)
    readable(report)


@pytest.mark.django_db
def test_merged_cells_formulas_and_a_huge_sheet(world):
    wb = Workbook()
    ws = wb.active
    ws.append(UNIT_HEADER)
    ws.append(["X1", "=CONCAT(\"a\",\"b\")", "社区", "T1", "", ""])
    ws.merge_cells("A3:C3")
    ws["A3"] = "合并单元格"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    report = import_units(world.office_admin, buffer, dry_run=True)
    readable(report)
    assert report.errors  # the merged row has no level and no name where they belong


@pytest.mark.django_db
def test_fifty_thousand_rows_are_read_and_answered(world):
    rows = [[f"Z{i}", f"单位{i}", "社区", "T1", "", ""] for i in range(50_000)]
    report = import_units(world.office_admin, workbook(UNIT_HEADER, rows), dry_run=True)
    assert report.ok and report.created == 50_000


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["code", "name", "level", "kind", "area_code"]),
                       st.text(max_size=80), max_size=5))
def test_the_unit_form_never_answers_500(world, client, data):
    client.force_login(world.office_admin)
    from django.urls import reverse

    r = client.post(reverse("orgs:unit_create", args=[world.east.pk]), {k: v.replace("\x00", "") for k, v in data.items()})
    assert r.status_code in (200, 302)


def test_nul_bytes_are_refused_with_a_message():
    from django.core.exceptions import ValidationError

    from wuxing.orgs.validators import no_nul

    with pytest.raises(ValidationError, match="空字符"):
        no_nul("甲\x00乙")

