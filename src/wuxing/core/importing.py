"""Shared machinery of every Excel importer: reading, header matching, cell coercion, row errors.

An importer reads the whole sheet, collects every problem as (row, column, reason), and writes
only when there are none; the write runs in one transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    help: str = ""


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # the spreadsheet's own row number (header is row 1); 0 for file-level errors
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第 {row} 行").format(row=self.row) if self.row else _("文件")
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


@dataclass
class SheetRow:
    number: int
    values: dict[str, object]


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing row-level to report."""


def _normalise_header(text: object) -> str:
    return str(text or "").strip().replace("*", "").replace("＊", "").replace(" ", "").replace("\u3000", "")


def read_sheet(fileobj: IO[bytes], columns: Sequence[Column], report: ImportReport) -> list[SheetRow]:
    """Read the first worksheet into row dicts keyed by column key; header problems go to `report`."""
    size = getattr(fileobj, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        report.add(0, "", _("文件过大（上限 {mb} MB）。").format(mb=settings.IMPORT_MAX_BYTES // (1024 * 1024)))
        return []
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        report.add(0, "", _("无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        return []
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            report.add(0, "", _("表格为空：第 1 行应为表头。"))
            return []
        positions: dict[str, int] = {}
        names = [_normalise_header(h) for h in header]
        for col in columns:
            for candidate in (col.header, *col.aliases, col.key):
                if _normalise_header(candidate) in names:
                    positions[col.key] = names.index(_normalise_header(candidate))
                    break
        for col in columns:
            if col.required and col.key not in positions:
                report.add(1, col.header, _("缺少必填列“{header}”。").format(header=col.header))
        if report.errors:
            return []
        out: list[SheetRow] = []
        for number, raw in enumerate(rows, start=2):
            if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                continue
            values = {key: (raw[pos] if pos < len(raw) else None) for key, pos in positions.items()}
            out.append(SheetRow(number, values))
        if not out:
            report.add(0, "", _("表格中没有数据行。"))
        return out
    finally:
        wb.close()


def text_cell(value: object, *, digits_only: bool = False) -> str:
    """Coerce a cell to text; Excel turns codes like 410100 into numbers, which we turn back.

    Raises ValueError with a Chinese reason for values of the wrong type.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(_("应为文本，实际为逻辑值。"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise ValueError(_("应为文本或整数，实际为小数 {value}。").format(value=value))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise ValueError(_("应为文本，实际为日期或时间。"))
    text = str(value).strip()
    if "\x00" in text:
        raise ValueError(_("包含不可见的空字符（NUL）。"))
    if digits_only and text and not text.isdigit():
        raise ValueError(_("应为数字。"))
    return text


def template_bytes(title: str, columns: Sequence[Column], examples: Sequence[Sequence[str]]) -> bytes:
    """A template workbook: headers (required ones starred), example rows, and a notes sheet."""
    from wuxing.core.exports import xlsx_bytes

    headers = [f"{c.header}*" if c.required else c.header for c in columns]
    notes = [(c.header, _("必填") if c.required else _("选填"), c.help) for c in columns]
    return xlsx_bytes([(title, headers, examples), (_("填写说明"), [_("列"), _("是否必填"), _("说明")], notes)])


def date_cell(value) -> dt.date | None:
    """A date from an Excel cell: a real date, or text such as 2026-03-02, 2026/3/2 or 2026年3月2日."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_cell(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“{value}”不是有效日期，请写成 2026-06-30。").format(value=text))
