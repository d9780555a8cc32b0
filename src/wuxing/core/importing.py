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
    choices: tuple[str, ...] = ()  # the template offers these in a drop-down list (others are still read)


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

    @property
    def shown_errors(self) -> list[RowError]:
        """The errors a page or the command lists: the first IMPORT_ERRORS_SHOWN."""
        return self.errors[:settings.IMPORT_ERRORS_SHOWN]

    @property
    def hidden_errors(self) -> int:
        """How many more errors there are than are listed ("另有 N 处错误未列出")."""
        return max(0, len(self.errors) - settings.IMPORT_ERRORS_SHOWN)


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
    problem = unpack_problem(fileobj)
    if problem:
        report.add(0, "", problem)
        return []
    try:
        return _read_rows(fileobj, columns, report)
    except ImportFileError as exc:
        report.add(0, "", str(exc))
        return []
    except Exception:  # noqa: BLE001 - a malformed part deep in the file (truncated XML, entities, ...)
        report.add(0, "", _("文件已损坏或格式不正确，无法读取：请用 Excel 另存为 .xlsx 后重新上传（可先下载模板）。"))
        return []


def unpack_problem(fileobj: IO[bytes]) -> str:
    """Why the workbook must not be opened, judged from its zip directory alone ('' when it may)."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
    finally:
        fileobj.seek(0)
    total = sum(m.file_size for m in members)
    if total > settings.IMPORT_MAX_UNZIPPED:
        return _("文件解压后过大（{mb} MB，上限 {limit} MB），请拆分后分批导入。").format(
            mb=total // (1024 * 1024), limit=settings.IMPORT_MAX_UNZIPPED // (1024 * 1024))
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > settings.IMPORT_MAX_RATIO * max(m.compress_size, 1):
            return _("文件压缩比异常（{name} 压缩了 {ratio} 倍），不予读取。请用 Excel 另存后重新上传。").format(
                name=m.filename, ratio=m.file_size // max(m.compress_size, 1))
    try:
        rows = _most_rows(fileobj, [m for m in members if m.filename.startswith("xl/worksheets/")
                                    and m.filename.endswith(".xml")])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _("文件已损坏或格式不正确，无法读取：请用 Excel 另存为 .xlsx 后重新上传（可先下载模板）。")
    finally:
        fileobj.seek(0)
    if rows > settings.IMPORT_MAX_ROWS + 1:
        return _("数据超过 {cap} 行，请拆分后分批导入。").format(cap=settings.IMPORT_MAX_ROWS)
    return ""


def _most_rows(fileobj: IO[bytes], sheets: list[zipfile.ZipInfo]) -> int:
    """The most <row> elements in any worksheet, counted on the decompressed stream (already bounded by
    the size checks) without parsing: a sheet's <dimension> may be missing or wrong."""
    most = 0
    with zipfile.ZipFile(fileobj) as archive:
        for info in sheets:
            count, tail = 0, b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    buf = tail + chunk
                    count += buf.count(b"<row ") + buf.count(b"<row>")
                    tail = buf[-4:]  # shorter than a match: a tag split across chunks is counted once
            most = max(most, count)
    return most


def _read_rows(fileobj: IO[bytes], columns: Sequence[Column], report: ImportReport) -> list[SheetRow]:
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        report.add(0, "", _("无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        return []
    cap = settings.IMPORT_MAX_ROWS
    too_many = _("数据超过 {cap} 行，请拆分后分批导入。").format(cap=cap)
    try:
        ws = wb.worksheets[0]
        declared = ws.max_row  # the sheet's own <dimension>: known before a row is read
        if declared is not None and declared > cap + 1:
            raise ImportFileError(too_many)
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
            if number > cap + 1:  # a sheet whose dimension under-states its rows
                raise ImportFileError(too_many)
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


TEMPLATE_ROWS = 1000  # rows of the data sheet that carry the drop-down lists


def template_bytes(title: str, columns: Sequence[Column], examples: Sequence[Sequence[str]],
                   choices: dict[str, Sequence[str]] | None = None) -> bytes:
    """A template workbook ready to fill in: the data sheet holds only the headers (required ones starred),
    frozen, with drop-down lists where a column has a fixed set of values; the examples stand on their own
    sheet (示例), so they can never be imported by mistake; then a notes sheet. `choices` adds lists known
    only at run time (the star names of a campaign)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from wuxing.core.exports import display_width

    lists = {c.key: list(c.choices) for c in columns if c.choices} | {k: list(v) for k, v in (choices or {}).items()}
    headers = [f"{c.header}*" if c.required else c.header for c in columns]
    wb = Workbook()
    data = wb.active
    data.title = title[:31]
    sample = wb.create_sheet(_("示例"))
    notes = wb.create_sheet(_("填写说明"))
    options = wb.create_sheet(_("选项"))
    options.sheet_state = "hidden"
    for sheet in (data, sample):
        sheet.append(headers)
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for row in examples:
        sample.append(list(row))
    options_used = 0
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        width = max([display_width(headers[i - 1])] + [display_width(r[i - 1]) for r in examples if len(r) >= i])
        for sheet in (data, sample):
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 40)
        values = lists.get(column.key)
        if not values:
            continue
        target = options_used = options_used + 1
        options.cell(row=1, column=target, value=column.header)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=target, value=value)
        col = get_column_letter(target)
        rule = DataValidation(type="list", formula1=f"'{options.title}'!${col}$2:${col}${len(values) + 1}",
                              allow_blank=True, showErrorMessage=False,
                              promptTitle=column.header, prompt=_("从下拉列表中选择"), showInputMessage=True)
        rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(rule)
    notes.append([_("列"), _("是否必填"), _("说明")])
    for c in columns:
        notes.append([c.header, _("必填") if c.required else _("选填"),
                      c.help + ((" " + _("（可从下拉列表选择）")) if c.key in lists else "")])
    notes.append([])
    notes.append([_("请在第一张表“{title}”中填写，“示例”表中的行不会被导入。").format(title=data.title)])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 16, 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


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
