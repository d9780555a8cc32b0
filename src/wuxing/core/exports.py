"""Excel and CSV exports shared by every list, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WRAP = Alignment(wrap_text=True, vertical="top")


def csv_safe(value) -> str:
    """OWASP's rule for CSV: a text cell that a spreadsheet would run as a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _xlsx_cell(ws, value, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, Promise):
        value = str(value)  # a lazy translation (a status label): openpyxl knows only real strings
    if isinstance(value, str):
        # Control characters are illegal in the file format; drop them rather than fail the export.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        # openpyxl turns any text starting with '=' into a formula; keep it as plain text.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    elif isinstance(value, str) and ("\n" in value or display_width(value) + 2 > _MAX_WIDTH):
        cell.alignment = _WRAP
    return cell


# Column widths are measured on the first rows (the rest stream); wider text wraps instead of widening.
_MEASURED_ROWS = 200
_MAX_WIDTH = 50


def display_width(value) -> int:
    """Width in Excel's character units: a CJK (or other wide) character takes two."""
    text = "" if value is None else str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Build a workbook from (title, headers, rows) triples, streaming rows (write-only mode). The header row is
    frozen and bold, columns are as wide as their content (Chinese counted double, at most 50) and longer text
    wraps, so that a sheet opens ready to read and print."""
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        rows = iter(rows)
        head = list(itertools.islice(rows, _MEASURED_ROWS))
        widths = [display_width(h) for h in headers]
        for row in head:
            for i, value in enumerate(row):
                if i < len(widths):
                    widths[i] = max(widths[i], display_width(value))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, width + 2)
        ws.freeze_panes = "A2"
        ws.append([_xlsx_cell(ws, h, bold=True) for h in headers])
        for row in itertools.chain(head, rows):
            ws.append([_xlsx_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback plus the UTF-8 name for Chinese file names.
    return f"attachment; filename=\"export.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


def sheet_name(text: str) -> str:
    """A worksheet name Excel accepts: without []:*?/\\ and at most 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(text)).strip(" _'")
    return cleaned[:31] or _("数据")


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], title: str | None = None):
    """One sheet named for what it holds (`title`, or the file's name without its extension)."""
    title = sheet_name(title or filename.rsplit(".", 1)[0])
    response = HttpResponse(xlsx_bytes([(title, headers, rows)]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    return response


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def export_response(fmt: str, filename_stem: str, headers, rows, title: str | None = None):
    """`fmt` is 'xlsx' or 'csv' (anything else is treated as xlsx)."""
    if fmt == "csv":
        return csv_response(f"{filename_stem}.csv", headers, rows)
    return xlsx_response(f"{filename_stem}.xlsx", headers, rows, title=title)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_response(request, fmt: str, filename_stem: str, docx: bytes):
    """An official document as .docx, or as PDF for printing (`fmt` 'pdf'), converted by LibreOffice. Where
    the server cannot convert, the reader is sent back with the reason and the Word version still works."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from wuxing.core import pdf

    if fmt == "pdf":
        try:
            data = pdf.from_docx(docx)
        except pdf.PdfUnavailable:
            messages.error(request, _("暂时无法生成 PDF（服务器未安装排版组件或转换失败），请下载 Word 版本打印。"))
            return redirect(request.path)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = _disposition(f"{filename_stem}.pdf")
        return response
    response = HttpResponse(docx, content_type=DOCX_TYPE)
    response["Content-Disposition"] = _disposition(f"{filename_stem}.docx")
    return response
