"""The circular (通报) as .docx: summary, unit table, common problems by dimension, causes."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def _run(p, text, size=12, bold=False):
    run = p.add_run(text)
    run.font.name = "SimSun"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    run.font.size, run.bold = Pt(size), bold
    return run


def docx_bytes(campaign, r: dict) -> bytes:
    doc = Document()
    if not r["finished"]:
        # An unfinished review says so first, so no one reads a partial result as final.
        _run(doc.add_paragraph(), f"（评查尚未完成：共抽取 {r['drawn']} 份，已评定 {r['reviewed']} 份"
                                  + (f"，{len(r['arbitration'])} 份待仲裁" if r.get("arbitration") else "")
                                  + "。以下为阶段性结果，不作为最终结论。）", 12, True)
    p = doc.add_paragraph()
    _run(p, f"关于{campaign.title}情况的通报", 18, True)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bands = {}
    for _s, sheet in r["files"]:
        if sheet is not None:
            bands[sheet.band] = bands.get(sheet.band, 0) + 1
    _run(doc.add_paragraph(), "一、基本情况", 14, True)
    # The figures come from the sample itself: units that had files drawn, files drawn, files scored.
    _run(doc.add_paragraph(), (f"本次评查采取随机抽取方式（随机种子 {campaign.seed}，可据此复核抽取结果），从 "
                               f"{r['sampled_units']} 个单位抽取案卷 {r['drawn']} 份，已评定 {r['reviewed']} 份"
                               + ("，其中" + "，".join(f"{band} {n} 份" for band, n in bands.items()) if bands else "")
                               + "。"))
    _run(doc.add_paragraph(), "二、各单位评查结果", 14, True)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ["名次", "单位", "平均分", "等次"]):
        _run(cell.paragraphs[0], head, 11, True)
    for unit, (mean, band, rank) in r["units"]:
        cells = table.add_row().cells
        for cell, value in zip(cells, [str(rank), unit, str(mean), band]):
            _run(cell.paragraphs[0], value, 11)
    _run(doc.add_paragraph(), "三、存在的主要问题", 14, True)
    for section in r["sections"]:
        n = r["problems"].get(section, 0)
        if n:
            _run(doc.add_paragraph(), f"（{section}）共发现问题 {n} 处。", 12)
    for code, text, section, n in r["common"]:
        _run(doc.add_paragraph(), f"{section}：{text}（{n} 处，评查标准第 {code} 项）", 12)
    if r["excellent"]:
        _run(doc.add_paragraph(), "四、优秀案卷", 14, True)
        _run(doc.add_paragraph(), "、".join(f"{s.file.unit.name} {s.file.file_no}" for s, _sh in r["excellent"]))
    _run(doc.add_paragraph(), "五、原因分析和整改要求", 14, True)
    _run(doc.add_paragraph(), campaign.causes or "部分单位对行政许可法规定的办理时限、送达和公示要求把握不准，"
                                                 "案卷归档意识不强。请各单位对照问题清单逐项整改，按期报送整改情况。")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
