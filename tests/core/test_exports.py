import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from wuxing.core.exports import csv_response, csv_safe, xlsx_bytes


def test_formula_text_stays_text_in_xlsx():
    data = xlsx_bytes([("表", ["名称"], [["=HYPERLINK(\"http://x\")"], ["+1"], ["普通"]])])
    ws = load_workbook(io.BytesIO(data)).active
    cells = [ws.cell(row=r, column=1) for r in (2, 3, 4)]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == "=HYPERLINK(\"http://x\")"


def test_csv_cells_that_look_like_formulas_get_a_quote():
    response = csv_response("x.csv", ["a"], [["=1+1"], ["-2"], ["@SUM"], ["正常"]])
    text = response.content.decode("utf-8-sig")
    assert "'=1+1" in text and "'-2" in text and "'@SUM" in text and "\n正常" in text.replace("\r", "")


@given(st.text())
def test_csv_safe_never_starts_with_a_formula_trigger(value):
    assert not csv_safe(value).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_control_characters_are_dropped_instead_of_failing_the_export():
    data = xlsx_bytes([("表", ["名称"], [["坏\x00名\x07"]])])
    assert load_workbook(io.BytesIO(data)).active.cell(row=2, column=1).value == "坏名"
