"""The office's weekly roll-up (周工作动态汇总) as .docx and .xlsx."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from wuxing.core import weeks as deadlines

STATUS_LABEL = {deadlines.ON_TIME: "按时", deadlines.LATE: "迟报", deadlines.MISSING: "未报", deadlines.PENDING: "未到截止"}


def _cjk(run, size: float | None = None, bold: bool = False) -> None:
    # Word picks the East Asian font from w:eastAsia; without it Chinese falls back to a Latin font.
    run.font.name = "SimSun"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _para(doc, text: str, size: float = 12, bold: bool = False, center: bool = False):
    p = doc.add_paragraph()
    _cjk(p.add_run(text), size, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def docx_bytes(office, week: tuple[int, int], rows) -> bytes:
    monday = deadlines.week_start(*week)
    sunday = monday.fromordinal(monday.toordinal() + 6)
    doc = Document()
    _para(doc, _("{office}周工作动态汇总").format(office=office.name), 18, bold=True, center=True)
    _para(doc, _("{y}年第{w}周（{a} 至 {b}）").format(y=week[0], w=week[1], a=monday.strftime("%Y年%m月%d日"),
                                                     b=sunday.strftime("%Y年%m月%d日")), 12, center=True)
    missing = [b.name for b, report, status in rows if report is None or report.submitted_at is None]
    submitted = [(b, r, s) for b, r, s in rows if r is not None and r.submitted_at is not None]
    _para(doc, _("应报 {n} 个，已报 {k} 个，未报 {m} 个。").format(n=len(rows), k=len(submitted), m=len(missing)))
    for branch, report, status in submitted:
        _para(doc, f"{branch.name}（{STATUS_LABEL[status]}）", 14, bold=True)
        for heading, text in ((_("本周工作"), report.summary), (_("问题和困难"), report.problems),
                              (_("下周计划"), report.next_plan), (_("亮点"), report.highlights)):
            lines = [text] if text else []
            if heading == _("本周工作"):
                lines += [f"{i + 1}. {item.text}" for i, item in enumerate(report.items.all())]
            if lines:
                _para(doc, heading, 12, bold=True)
                for line in lines:
                    _para(doc, line)
    _para(doc, _("未报送名单"), 14, bold=True)
    _para(doc, "、".join(missing) if missing else _("无"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_rows(rows):
    for branch, report, status in rows:
        items = "\n".join(i.text for i in report.items.all()) if report else ""
        yield [branch.name, branch.code, STATUS_LABEL[status],
               timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report and report.submitted_at else "",
               report.get_status_display() if report else "", (report.summary + ("\n" + items if items else "")) if report else "",
               report.problems if report else "", report.next_plan if report else "", report.highlights if report else ""]


XLSX_HEADERS = ["支部", "编码", "报送情况", "提交时间", "审阅状态", "本周工作", "问题和困难", "下周计划", "亮点"]
