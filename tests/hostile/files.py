"""The three hostile files of issue 18 finding 5, built the way the probe built them (also used by
bench/hostile.py, which measures time and memory)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

UNIT_HEADER = ["单位编码", "单位名称", "层级", "上级编码", "城乡类型", "区划代码"]


def xlsx_bomb(megabytes: int = 200) -> io.BytesIO:
    """A small workbook whose one shared string, used by a cell, unpacks to `megabytes` MB (≈ 205 KB)."""
    wb = Workbook()
    ws = wb.active
    ws.append(UNIT_HEADER)
    ws.append(["X1", "x", "community", "T1", "urban", ""])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            elif item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="B2" t="s"><v>0</v></c>')
            dst.writestr(item, data)
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + ns + b' count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    out.seek(0)
    out.name = "bomb.xlsx"
    return out


def many_bad_rows(n: int = 100_000) -> io.BytesIO:
    """A workbook of `n` rows, every one of them wrong (an unknown level). The sheet XML is written directly
    (as a generator script would), without a <dimension>, so nothing but the rows tells how many there are."""
    def cell(ref, text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    head = "".join(cell(f"{c}1", h) for c, h in zip("ABCDEF", UNIT_HEADER))
    body = "".join(f'<row r="{i + 2}">{cell(f"A{i + 2}", f"B{i}")}{cell(f"B{i + 2}", "坏行")}{cell(f"C{i + 2}", "nope")}'
                   f'{cell(f"D{i + 2}", "T1")}{cell(f"E{i + 2}", "urban")}</row>' for i in range(n))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{head}</row>{body}</sheetData></worksheet>').encode()
    plain = io.BytesIO()
    Workbook().save(plain)
    plain.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, sheet if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename))
    out.seek(0)
    out.name = "rows.xlsx"
    return out


def yaml_aliases(levels: int = 6) -> bytes:
    """A few hundred bytes whose nested aliases expand 9**levels-fold."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def truncated_sheet() -> io.BytesIO:
    """A workbook whose sheet XML stops halfway through."""
    wb = Workbook()
    wb.active.append(UNIT_HEADER)
    wb.active.append(["X1", "x", "community", "T1", "urban", ""])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    out.seek(0)
    out.name = "broken.xlsx"
    return out


def external_entity() -> io.BytesIO:
    """A workbook whose sheet declares an external entity and uses it in a cell."""
    wb = Workbook()
    wb.active.append(UNIT_HEADER)
    wb.active.append(["X1", "x", "community", "T1", "urban", ""])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<t>x</t>" in data
                data = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        + data.replace(b"<t>x</t>", b"<t>&x;</t>"))
            dst.writestr(item, data)
    out.seek(0)
    out.name = "entity.xlsx"
    return out
