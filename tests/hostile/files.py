"""The three hostile files of issue 18 finding 5, built the way the probe built them (also used by
bench/hostile.py, which measures time and memory)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

UNIT_HEADER = ["单位编码", "单位名称", "层级", "上级编码", "城乡类型", "区划代码"]


def _small_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(UNIT_HEADER)
    wb.active.append(["X1", "x", "community", "T1", "urban", ""])
    plain = io.BytesIO()
    wb.save(plain)
    return plain.getvalue()


def _rewritten(name: str, edit: Callable[[str, bytes], bytes], extra: Callable | None = None,
               source: bytes | None = None) -> io.BytesIO:
    """A copy of a workbook (default: a header and one row) with each part passed through `edit`, and
    `extra(archive)` writing more parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source or _small_workbook())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item, edit(item.filename, src.read(item.filename)))
        if extra is not None:
            extra(dst)
    out.seek(0)
    out.name = name
    return out


def xlsx_bomb(megabytes: int = 200) -> io.BytesIO:
    """A small workbook whose one shared string, used by a cell, unpacks to `megabytes` MB (≈ 205 KB)."""
    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b'</Relationships>')
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="B2" t="s"><v>0</v></c>')
        return data

    def shared_strings(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</t></si></sst>")

    return _rewritten("bomb.xlsx", edit, shared_strings)


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
    return _rewritten("rows.xlsx", lambda name, data: sheet if name == "xl/worksheets/sheet1.xml" else data)


def yaml_aliases(levels: int = 6) -> bytes:
    """A few hundred bytes whose nested aliases expand 9**levels-fold."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def truncated_sheet() -> io.BytesIO:
    """A workbook whose sheet XML stops halfway through."""
    return _rewritten("broken.xlsx", lambda name, data: data[: len(data) // 2]
                      if name == "xl/worksheets/sheet1.xml" else data)


def external_entity() -> io.BytesIO:
    """A workbook whose sheet declares an external entity and uses it in a cell."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        assert b"<t>x</t>" in data
        return (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + data.replace(b"<t>x</t>", b"<t>&x;</t>"))

    return _rewritten("entity.xlsx", edit)
