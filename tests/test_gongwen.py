"""Official documents (GB/T 9704-2012): the circular, rectification notices and the office's weekly roll-up
are A4 with the standard's margins — read from the .docx and measured on the PDF rendered to PNG — and
their document numbers run on per organisation and year."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.casefiles.test_review import _review_all
from wuxing.casefiles import services as casefiles
from wuxing.casefiles.models import CaseFile
from wuxing.core import gongwen, pdf
from wuxing.core.audit_words import VERBS
from wuxing.core.models import AuditEvent
from wuxing.orgs import services as orgs
from wuxing.orgs.models import IssuedDocument
from wuxing.weekly import services as weekly

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
A_DAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH)


# --- the pure engine ---------------------------------------------------------------------------------------

def test_document_numbers_have_six_angle_brackets_no_leading_zero_and_no_di():
    assert gongwen.document_number("经开审", 2026, 12) == "经开审〔2026〕12号"
    assert gongwen.document_number("经开审", 2026, 1) == "经开审〔2026〕1号"
    assert gongwen.document_number("经开审", 2026, None) == "经开审〔2026〕　号"
    assert gongwen.date_words(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert [gongwen.chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_long_titles_break_at_a_word_boundary_and_short_ones_stay_whole():
    assert gongwen.title_lines("关于开展评查的通知") == ["关于开展评查的通知"]
    # Broken after 年度, not mid-word; nothing lost.
    assert gongwen.title_lines("关于2026年度行政许可案卷评查情况的通报") == ["关于2026年度", "行政许可案卷评查情况的通报"]


# --- the .docx -----------------------------------------------------------------------------------------------

def _mm(length) -> float:
    return round(length / Mm(1), 1)


def _geometry(data: bytes) -> dict:
    doc = Document(io.BytesIO(data))
    s = doc.sections[0]
    grid = s._sectPr.find(qn("w:docGrid"))
    return {"page": (_mm(s.page_width), _mm(s.page_height)), "top": _mm(s.top_margin), "left": _mm(s.left_margin),
            "type_area": (_mm(s.page_width - s.left_margin - s.right_margin),
                          _mm(s.page_height - s.top_margin - s.bottom_margin)),
            "line_pitch_pt": int(grid.get(qn("w:linePitch"))) / 20, "doc": doc}


def _assert_gbt9704(data: bytes, *, mark: str, number: str, title: str):
    g = _geometry(data)
    assert g["page"] == (210.0, 297.0) and g["top"] == 37.0 and g["left"] == 28.0
    assert g["type_area"] == (156.0, 225.0)
    assert 225 / 22 * 72 / 25.4 - 0.1 < g["line_pitch_pt"] < 225 / 22 * 72 / 25.4 + 0.1  # 22 lines to the page
    doc = g["doc"]
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16 and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    paras = [p for p in doc.paragraphs if p.text.strip()]
    head = next(p for p in paras if p.text == mark)
    assert str(head.runs[0].font.color.rgb) == "E60012"
    assert head.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert any(p.text == number for p in paras)
    title_runs = [r for p in paras for r in p.runs if r.font.size and r.font.size.pt == 22]
    assert "".join(r.text for r in title_runs) == title
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = doc.sections[0].footer.paragraphs[0], doc.sections[0].even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert "PAGE" in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # odd pages right, even pages left
    return doc


@time_machine.travel(A_DAY, tick=False)
def test_the_circular_and_a_rectification_notice_are_gbt9704_and_numbered_when_issued(review, login):
    world_district = review.campaign.unit
    orgs.update_unit(_root(), world_district, name=world_district.name, kind=world_district.kind,
                     area_code=world_district.area_code, is_active=True,
                     doc_mark="中共测试区工委组织部文件", doc_prefix="测组")
    CaseFile.objects.filter(file_no__startswith="SC").update(published=None)  # 区市场监督管理局 loses points
    _review_all(review)
    client = login(review.organiser)
    url = reverse("casefiles:campaign", args=[review.campaign.pk])
    draft = client.get(url, {"format": "docx"})
    assert draft.status_code == 200 and "filename*=UTF-8''" in draft["Content-Disposition"]
    doc = _assert_gbt9704(draft.content, mark="中共测试区工委组织部文件", number="测组〔2026〕　号",
                          title="关于测试评查情况的通报")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "未编号稿" in text and "各单位对照问题清单" in text and "2026年12月1日" in text
    assert not IssuedDocument.objects.exists()  # printing a draft takes no number

    rects = casefiles.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    numbers = {d.key: str(d) for d in IssuedDocument.objects.all()}
    assert numbers == {f"casefiles.circular:{review.campaign.pk}": "测组〔2026〕1号",
                       f"casefiles.rectification:{rects[0].pk}": "测组〔2026〕2号"}
    event = AuditEvent.objects.filter(action="orgs.document.number").order_by("pk").first()
    assert event.data["number"] == "测组〔2026〕1号" and event.actor_id == review.organiser.pk
    assert "orgs.document.number" in VERBS

    issued = client.get(url, {"format": "docx"}).content
    text = "\n".join(p.text for p in _assert_gbt9704(issued, mark="中共测试区工委组织部文件", number="测组〔2026〕1号",
                                                     title="关于测试评查情况的通报").paragraphs)
    assert "未编号稿" not in text and "2026年12月1日印发" in text

    # The reviewed unit prints its own notice (numbered 2); another unit's people cannot open it.
    unit_client = login(review.unit_user)
    notice_url = reverse("casefiles:rectification", args=[rects[0].pk])
    assert "测组〔2026〕2号" in unit_client.get(notice_url).content.decode()
    data = unit_client.get(notice_url, {"format": "docx"}).content
    doc = _assert_gbt9704(data, mark="中共测试区工委组织部文件", number="测组〔2026〕2号",
                          title="关于测试评查发现问题整改的通知")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "区市场监督管理局：" in text and "2026年12月31日前" in text
    assert login(review.reviewers[1]).get(notice_url).status_code == 404

    # Issuing again keeps the numbers; the organisation's next document takes 3.
    casefiles.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    assert IssuedDocument.objects.count() == 2
    assert str(orgs.take_number(review.organiser, world_district, "other:1", "另一份文件")) == "测组〔2026〕3号"


def _root():
    from wuxing.orgs.models import User

    return User.objects.create_superuser("root_gw", password="x" * 20)


def test_numbers_run_per_organisation_and_start_again_each_year(world):
    admin = _root()
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 50, tzinfo=SH), tick=False):
        assert str(orgs.take_number(admin, world.district, "a", "甲")) == f"{world.district.name}〔2026〕1号"
        assert str(orgs.take_number(admin, world.district, "b", "乙")) == f"{world.district.name}〔2026〕2号"
        assert str(orgs.take_number(admin, world.east, "c", "丙")) == f"{world.east.name}〔2026〕1号"
        assert str(orgs.take_number(admin, world.district, "a", "甲")) == f"{world.district.name}〔2026〕1号"
    # Ten minutes later in Shanghai it is 2027 (still 2026 in UTC): the numbers start again.
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 0, tzinfo=SH), tick=False):
        assert str(orgs.take_number(admin, world.district, "d", "丁")) == f"{world.district.name}〔2027〕1号"


@pytest.mark.parametrize("week_due_passed", [False, True])
def test_the_weekly_roll_up_is_gbt9704_and_the_office_numbers_it_after_the_deadline(world, campaign, login,
                                                                                   week_due_passed):
    week = (2026, 48)
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH) if week_due_passed else dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH)
    with time_machine.travel(now, tick=False):
        client = login(world.office_admin)
        url = reverse("weekly:rollup", args=[campaign.pk, world.east.pk, *week])
        doc = _assert_gbt9704(client.get(url, {"format": "docx"}).content, mark=world.east.name,
                              number=f"{world.east.name}〔2026〕　号", title=f"{world.east.name}2026年第48周工作动态汇总")
        assert "一、总体情况" in [p.text for p in doc.paragraphs]
        response = client.post(url, {"action": "issue"}, follow=True)  # no tick: nothing is numbered
        assert "请先勾选“确认编号”" in response.content.decode() and not IssuedDocument.objects.exists()
        response = client.post(url, {"action": "issue", "confirmed": "on"}, follow=True)
        if not week_due_passed:
            assert "尚未截止" in response.content.decode() and not IssuedDocument.objects.exists()
            return
        assert f"{world.east.name}〔2026〕1号" in response.content.decode()
        _assert_gbt9704(client.get(url, {"format": "docx"}).content, mark=world.east.name,
                        number=f"{world.east.name}〔2026〕1号", title=f"{world.east.name}2026年第48周工作动态汇总")
        client.post(url, {"action": "issue", "confirmed": "on"})
        assert IssuedDocument.objects.get().number == 1  # printing again never takes a second number
        # A branch secretary reads the roll-up but cannot number it.
        assert login(world.branch_user).post(url, {"action": "issue", "confirmed": "on"}).status_code == 404
        with pytest.raises(Exception, match="管理员"):
            weekly.issue_rollup(world.branch_user, campaign, world.east, week)


# --- the PDF, measured on its pages ---------------------------------------------------------------------------

NEEDS_TOOLS = not (pdf.soffice() and shutil.which("pdftoppm"))
if NEEDS_TOOLS and os.environ.get("CI"):
    raise RuntimeError("CI installs LibreOffice and poppler-utils (.ci/run): the PDF checks must run there")


def _pages(data: bytes, tmp_path, dpi: int = 100):
    from PIL import Image

    (tmp_path / "doc.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "p")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("p-*.png"))]


def _box(image, test, *, below_mm: float | None = None, from_mm: float = 0, dpi: int = 100, step: int = 2):
    """Bounding box in mm of the pixels passing `test`, between `from_mm` and `below_mm` from the top."""
    px = image.load()
    w, h = image.size
    limit = h if below_mm is None else int(below_mm / 25.4 * dpi)
    xs, ys = [], []
    for y in range(int(from_mm / 25.4 * dpi), limit, step):
        for x in range(0, w, step):
            if test(px[x, y]):
                xs.append(x)
                ys.append(y)
    to_mm = 25.4 / dpi
    return min(xs) * to_mm, min(ys) * to_mm, max(xs) * to_mm, max(ys) * to_mm


def _red(p):
    return p[0] > 180 and p[1] < 90 and p[2] < 90


def _ink(p):
    return sum(p) < 600


def _printed(kind, review, campaign, world, login):
    """The PDF of one of the three documents, fetched as its reader would."""
    if kind == "roll-up":
        url = reverse("weekly:rollup", args=[campaign.pk, world.east.pk, 2026, 48])
        return login(world.office_admin).get(url, {"format": "pdf"})
    CaseFile.objects.filter(file_no__startswith="SC").update(published=None)
    _review_all(review)
    rects = casefiles.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    if kind == "circular":
        return login(review.organiser).get(reverse("casefiles:campaign", args=[review.campaign.pk]), {"format": "pdf"})
    return login(review.unit_user).get(reverse("casefiles:rectification", args=[rects[0].pk]), {"format": "pdf"})


@pytest.mark.skipif(NEEDS_TOOLS, reason="LibreOffice (soffice) and pdftoppm are installed by .ci/run")
@pytest.mark.parametrize("kind", ["circular", "notice", "roll-up"])
@time_machine.travel(A_DAY, tick=False)
def test_each_printed_document_is_a4_with_the_margins_measured_on_its_pages(kind, review, campaign, world, login,
                                                                            tmp_path):
    response = _printed(kind, review, campaign, world, login)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages = _pages(response.content, tmp_path)
    info = subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info)
    assert size and abs(float(size[1]) - 595.28) < 0.5 and abs(float(size[2]) - 841.89) < 0.5  # 210 × 297 mm
    assert "Author:          python-docx" not in info
    for page in pages:
        assert abs(page.size[0] - 827) <= 1 and abs(page.size[1] - 1169) <= 1  # A4 at 100 dpi
    # The red separator line spans the type area: from the binding margin (28 mm) 156 mm across.
    left, _top, right, _bottom = _box(pages[0], _red, below_mm=120, step=1)
    assert 27 <= left <= 29.5 and 182.5 <= right <= 185, (left, right)
    for n, page in enumerate(pages, 1):
        # Text inside the type area (the page number alone sits below it), never in the margins.
        left, top, right, bottom = _box(page, _ink, below_mm=297 - 35 + 1)
        assert left >= 27 and right <= 185 and top >= 36, (n, left, top, right)
        number = _box(page, _ink, from_mm=297 - 35 + 1)  # the page number "— n —", below the type area
        assert number[1] < 297 - 20
        # Odd pages carry it on the right, even pages on the left.
        assert (number[0] > 105) if n % 2 else (number[2] < 105), (n, number)


def test_without_libreoffice_the_pdf_link_explains_and_the_word_version_still_works(review, login, monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    client = login(review.organiser)
    url = reverse("casefiles:campaign", args=[review.campaign.pk])
    response = client.get(url, {"format": "pdf"}, follow=True)
    assert "请下载 Word 版本" in response.content.decode()
    assert client.get(url, {"format": "docx"}).status_code == 200


def test_a_brief_prints_on_a4_with_first_line_indents():
    data = gongwen.article_docx(["明湖办事处召开“五星”支部创建推进会"],
                                ["——以高质量党建引领基层治理", "本报讯（记者 王芳）11月18日，明湖办事处召开推进会。", "会议要求，抓好落实。"])
    g = _geometry(data)
    assert g["page"] == (210.0, 297.0) and g["top"] == 37.0 and g["left"] == 28.0
    paras = [p for p in g["doc"].paragraphs if p.text]
    assert paras[0].runs[0].font.size.pt == 22 and paras[0].alignment == 1  # the headline, centred
    assert paras[1].alignment == 1 and paras[1].paragraph_format.first_line_indent is None  # the subtitle
    for p in paras[2:]:
        assert 'w:firstLineChars="200"' in p._p.xml and p.paragraph_format.first_line_indent.pt > 30
