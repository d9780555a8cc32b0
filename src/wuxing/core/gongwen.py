"""Official documents (公文) in the layout of GB/T 9704-2012, as .docx. A pure engine: python-docx only.

The page is A4 with the standard's margins (top 37 mm, binding 28 mm, type area 156 × 225 mm), 22 lines of
28 characters in 3号 仿宋; the head (发文机关标志 in red, 发文字号, red separator line), the title in 2号 小标宋,
the addressees, the body with its heading levels, the attachment list, the signing body and date, the colophon
(抄送, 印发机关 and 印发日期) and page numbers "— 1 —" outside the type area, odd pages right, even pages left.
See docs/domain and ../shared/domain/official-documents.md for the figures and their source.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

# The faces the standard names; a government PC has them, the server maps them to Noto CJK (deploy/fonts.conf).
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

# Sizes in points: 初号 42, 2号 22, 3号 16, 4号 14.
SIZE_MARK_MAX, SIZE_TITLE, SIZE_BODY, SIZE_SMALL = 42, 22, 16, 14

PAGE_W, PAGE_H = 210, 297                      # mm
TOP, LEFT, TYPE_W, TYPE_H = 37, 28, 156, 225   # mm
RIGHT, BOTTOM = PAGE_W - LEFT - TYPE_W, PAGE_H - TOP - TYPE_H  # 26, 35
LINES, CHARS = 22, 28
LINE_PITCH = Emu(Mm(TYPE_H) // LINES)               # EMU; ≈ 28.9 pt, one 3号 character plus 7/8 of one
CHAR_PITCH_PT = Mm(TYPE_W).pt / CHARS          # ≈ 15.8 pt
RED = RGBColor(0xE6, 0x00, 0x12)               # the red of the head


def document_number(prefix: str, year: int, number: int | None) -> str:
    """发文字号: prefix, the year in six-angle brackets, the running number without leading zeros or 第, 号.
    A document not yet issued keeps a blank where the number goes (经开审〔2026〕　号)."""
    return f"{prefix}〔{year}〕{number if number else '　'}号"


def chinese_number(n: int) -> str:
    """The numbers of headings (一、 （一）) up to 九十九."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("十" if n < 20 else digits[n // 10] + "十") + (digits[n % 10] if n % 10 else "")


def date_words(day: dt.date) -> str:
    """成文日期 in Arabic numerals, year, month and day in full: 2026年11月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Official:
    """One document. `body` holds paragraphs; a paragraph starting with 一、 is a first-level heading (黑体),
    one starting with （一） a second-level heading (楷体); a Table is set as a table."""

    mark: str                              # 发文机关标志, e.g. 郑州经开区党工委组织部文件
    number: str                            # 发文字号, from document_number()
    title: str
    addressees: str                        # 主送机关, without the colon
    body: list[str | Table]
    signer: str                            # 发文机关署名
    date: dt.date                          # 成文日期
    attachments: list[str] = field(default_factory=list)
    cc: str = ""                           # 抄送
    printer: str = ""                      # 印发机关
    printed: dt.date | None = None         # 印发日期
    note: str = ""                         # 附注, in parentheses under the date
    draft: str = ""                        # a line above the head marking a draft (未定稿), empty when issued


H1 = re.compile(r"^[一二三四五六七八九十]+、")
H2 = re.compile(r"^（[一二三四五六七八九十]+）")


def _fonts(run, east: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = LATIN if east not in (SONGTI,) else SONGTI
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east)
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _line(p, pitch=LINE_PITCH) -> None:
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch


def _indent_chars(p, chars: int) -> None:
    """First-line indent of `chars` characters (w:firstLineChars, with the length for readers that ignore it)."""
    p.paragraph_format.first_line_indent = Pt(CHAR_PITCH_PT * chars)
    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _para(doc_or_cell, text: str = "", *, east: str = FANGSONG, size: float = SIZE_BODY, align=None,
          indent: int = 0, bold: bool = False, color: RGBColor | None = None, pitch=LINE_PITCH):
    p = doc_or_cell.add_paragraph()
    _line(p, pitch)
    if align is not None:
        p.alignment = align
    if indent:
        _indent_chars(p, indent)
    if text:
        _fonts(p.add_run(text), east, size, bold=bold, color=color)
    return p


def _border(p, side: str, *, color: str, size_eighths: int) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _page_number(paragraph, *, align) -> None:
    """ "— N —" in 4号 宋体, one character in from the edge of the type area."""
    _line(paragraph, Pt(SIZE_SMALL * 1.2))
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(SIZE_SMALL)
    else:
        paragraph.paragraph_format.left_indent = Pt(SIZE_SMALL)
    _fonts(paragraph.add_run("— "), SONGTI, SIZE_SMALL)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _fonts(run, SONGTI, SIZE_SMALL)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _fonts(paragraph.add_run(" —"), SONGTI, SIZE_SMALL)


def width_chars(text: str) -> float:
    """Width in characters of the type: CJK and full-width count one, ASCII half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


_BREAK_AFTER = ("关于", "年度", "开展", "的")
_BREAK_BEFORE = ("情况", "工作", "的通报", "的通知", "汇总")


def title_lines(title: str, limit: int = 18) -> list[str]:
    """The title broken into lines at a word boundary near the middle (a trapezoid, never a word split
    mid-way where a natural break exists); short titles stay one line."""
    if width_chars(title) <= limit:
        return [title]
    middle = len(title) / 2
    cuts = set()
    for word in _BREAK_AFTER:
        cuts |= {m.end() for m in re.finditer(re.escape(word), title)}
    for word in _BREAK_BEFORE:
        cuts |= {m.start() for m in re.finditer(re.escape(word), title)}
    cuts = {c for c in cuts if 3 <= c <= len(title) - 3 and width_chars(title[:c]) <= limit + 4}
    cut = min(cuts, key=lambda c: (abs(c - middle), c)) if cuts else int(middle)
    return [title[:cut], *title_lines(title[cut:], limit)]


def _table(doc, table: Table) -> None:
    """A table across the type area, columns as wide as their longest entry asks, rows never split."""
    t = doc.add_table(rows=1, cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    need = [max([width_chars(h) for h in table.headers] + [width_chars(str(r[i])) for r in table.rows]) + 1
            for i in range(len(table.headers))]
    widths = [Mm(TYPE_W) * n // sum(need) for n in need]
    for column, width in zip(t.columns, widths):
        column.width = width  # the grid LibreOffice lays out by
    pitch = Pt(SIZE_SMALL * 1.5)
    for row_values, east in [(table.headers, HEITI)] + [(r, FANGSONG) for r in table.rows]:
        row = t.rows[0] if east == HEITI else t.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, value, width in zip(row.cells, row_values, widths):
            cell.width = width
            p = cell.paragraphs[0]
            _line(p, pitch)
            if east == HEITI:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(p.add_run(str(value)), east, SIZE_SMALL)
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # the head repeats on each page


def _page(doc: Document, *, author: str, title: str) -> None:
    """A4 with the standard's margins and line grid, 3号 仿宋 body, page numbers "— n —"."""
    doc.core_properties.author = author
    doc.core_properties.title = title
    doc.core_properties.comments = ""
    # The Normal style carries the body face, so empty lines keep the grid's height.
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = LATIN, Pt(SIZE_BODY)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    _line(normal)
    # The character grid's pitch is reckoned from the default size: make it the body's 3号.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    size_el = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:sz"))
    if size_el is None:
        size_el = OxmlElement("w:sz")
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).append(size_el)
    size_el.set(qn("w:val"), str(SIZE_BODY * 2))
    # 28 characters to the line: 3号 type set a quarter point tighter fills the 156 mm exactly.
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round((CHAR_PITCH_PT - SIZE_BODY) * 20) - 1))
    normal.element.get_or_add_rPr().append(spacing)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance, section.footer_distance = Mm(15), Mm(BOTTOM - 7 - 6)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))

    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT)


def article_docx(titles: list[str], paragraphs: list[str]) -> bytes:
    """A news brief on the same page: the headline in 2号 小标宋, a subtitle (——…) in 3号 楷体, centred;
    each paragraph in 3号 仿宋 with a first-line indent of two characters."""
    doc = Document()
    _page(doc, author="", title=titles[0] if titles else "")
    for line in titles:
        _para(doc, line, east=XIAOBIAOSONG, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in paragraphs:
        if line.startswith("——"):
            _para(doc, line, east=KAITI, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _para(doc, line, indent=2)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build(d: Official) -> Document:
    doc = Document()
    _page(doc, author=d.signer, title=d.title)
    if d.draft:
        _para(doc, d.draft, east=HEITI, size=SIZE_SMALL)
    # 版头: the issuing body's mark in red, sized to stay inside the type area.
    size = min(SIZE_MARK_MAX, int(Mm(TYPE_W).pt * 0.95 / max(width_chars(d.mark), 1)))
    _para(doc, d.mark, east=XIAOBIAOSONG, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
          pitch=Pt(size * 1.25))
    _para(doc)
    _para(doc)
    number = _para(doc, d.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", color="E60012", size_eighths=8)  # the red separator line, 1 pt
    _para(doc)
    for line in title_lines(d.title):
        _para(doc, line, east=XIAOBIAOSONG, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc)
    if d.addressees:
        _para(doc, d.addressees.rstrip("：:") + "：")
    for block in d.body:
        if isinstance(block, Table):
            _table(doc, block)
        elif H1.match(block) or H2.match(block):
            # A heading in 黑体 (一、) or 楷体 (（一）); text run on after its full stop stays in 仿宋.
            head, stop, rest = block.partition("。")
            p = _para(doc, head + stop, east=HEITI if H1.match(block) else KAITI, indent=2)
            if rest:
                _fonts(p.add_run(rest), FANGSONG, SIZE_BODY)
        else:
            _para(doc, block, indent=2)
    if d.attachments:
        _para(doc)
        for i, name in enumerate(d.attachments, 1):
            label = "附件：" if i == 1 else "　　　"
            item = f"{i}．{name}" if len(d.attachments) > 1 else name
            _para(doc, label + item, indent=2)
    # 署名 centred over the date; the date right-aligned with four characters' space on its right.
    date = date_words(d.date)
    _para(doc)
    _para(doc)
    name = _para(doc, d.signer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    name.paragraph_format.right_indent = Pt(CHAR_PITCH_PT * max(2.0, 4 + (width_chars(date) - width_chars(d.signer)) / 2))
    day = _para(doc, date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    day.paragraph_format.right_indent = Pt(CHAR_PITCH_PT * 4)
    if d.note:
        _para(doc, f"（{d.note.strip('（）()')}）", indent=2)
    # 版记: thick lines first and last, a thin one between; 抄送 in 4号, then 印发机关 left and 印发日期 right.
    if d.cc or d.printer:
        _para(doc)
        if d.cc:
            cc = _para(doc, f"抄送：{d.cc.rstrip('。')}。", size=SIZE_SMALL)
            cc.paragraph_format.left_indent = Pt(SIZE_SMALL)
            _border(cc, "top", color="000000", size_eighths=8)
            _border(cc, "bottom", color="000000", size_eighths=4)
        printed = date_words(d.printed or d.date) + "印发"
        line = _para(doc, size=SIZE_SMALL)
        line.paragraph_format.left_indent = line.paragraph_format.right_indent = Pt(SIZE_SMALL)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_W) - Pt(SIZE_SMALL * 2), alignment=WD_TAB_ALIGNMENT.RIGHT)
        _fonts(line.add_run(f"{d.printer}\t{printed}"), FANGSONG, SIZE_SMALL)
        if not d.cc:
            _border(line, "top", color="000000", size_eighths=8)
        _border(line, "bottom", color="000000", size_eighths=8)
    return doc


def docx_bytes(d: Official) -> bytes:
    buffer = io.BytesIO()
    build(d).save(buffer)
    return buffer.getvalue()
