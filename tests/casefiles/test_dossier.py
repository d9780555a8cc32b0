"""Scanned dossiers (issue 22): upload, bulk zip, who sees them, OCR of the dates and what confirming them does."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from wuxing.casefiles import services
from wuxing.casefiles.demo import scan_image
from wuxing.casefiles.models import CaseFile, DateProposal, DateStatus, OcrState, ScanPage
from wuxing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _png(width=620, height=877, text=None) -> bytes:
    if text is not None:
        return scan_image(text)
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "dossiers"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(client, f, *files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("casefiles:file", args=[f.pk]),
                       {"file": [SimpleUploadedFile(name, data) for name, data in files]})


# The pages of a licence file as an officer's scanner gives them, with dates the metadata does not have yet.
PAGES = [
    ["食品经营许可申请书", "", "申请人：郑州某某餐饮店", "申请日期：2026年3月2日", "", "申请人（签章）"],
    ["区市场监督管理局", "受理通知书", "郑州某某餐饮店：", "你单位于2026年3月2日提出的申请，材料齐全，",
     "符合法定形式，本机关决定予以受理。", "受理日期：2026年3月4日"],
    ["区市场监督管理局", "准予行政许可决定书", "经审查，你单位的申请符合法定条件和标准，", "本机关决定准予行政许可。",
     "决定日期：2026年4月14日"],
    ["送达回证", "送达文书：准予行政许可决定书", "受送达人：郑州某某餐饮店", "送达方式：直接送达", "送达日期：2026年4月16日"],
]


def test_scanned_pages_are_read_by_ocr_the_dates_proposed_and_only_confirmed_dates_reach_the_checks(review, client, login):
    f = CaseFile.objects.get(file_no="SC-000")
    CaseFile.objects.filter(pk=f.pk).update(received=dt.date(2026, 3, 2), accepted=None, decided=None, served=None)
    login(review.unit_user)
    response = _upload(client, f, *[(f"{i}.png", scan_image(lines)) for i, lines in enumerate(PAGES, 1)])
    assert response.status_code == 302
    pages = list(ScanPage.objects.filter(file=f).order_by("number"))
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert all(p.ocr_state == OcrState.PENDING and len(p.sha256) == 64 for p in pages)
    event = AuditEvent.objects.filter(action="casefiles.scan.add").latest("seq")
    assert event.data["pages"] == 4 and event.data["sha256"] == [p.sha256 for p in pages]

    call_command("casefiles", "ocr")
    call_command("casefiles", "ocr")  # idempotent: nothing left to read, nothing proposed twice
    assert set(ScanPage.objects.filter(file=f).values_list("ocr_state", flat=True)) == {OcrState.DONE}
    proposed = {p.field: (p.proposed, p.page) for p in DateProposal.objects.filter(file=f)}
    assert proposed == {"received": (dt.date(2026, 3, 2), 1), "accepted": (dt.date(2026, 3, 4), 2),
                        "decided": (dt.date(2026, 4, 14), 3), "served": (dt.date(2026, 4, 16), 4)}

    # Proposed, not confirmed: the checks still see no decision.
    checks = {s.check: s for s in services.checker().run(services.facts(CaseFile.objects.get(pk=f.pk)))}
    assert "T05" not in checks

    for field in ("accepted", "decided"):
        p = DateProposal.objects.get(file=f, field=field)
        assert client.post(reverse("casefiles:date_decide", args=[p.pk]), {"decision": "confirm"}).status_code == 302
    served = DateProposal.objects.get(file=f, field="served")
    client.post(reverse("casefiles:date_decide", args=[served.pk]), {"decision": "correct", "value": "2026-04-17", "page": "4"})
    f.refresh_from_db()
    assert (f.accepted, f.decided, f.served) == (dt.date(2026, 3, 4), dt.date(2026, 4, 14), dt.date(2026, 4, 17))
    assert services.confirmed_pages(f) == {"accepted": 2, "decided": 3, "served": 4}
    assert DateProposal.objects.get(pk=served.pk).status == DateStatus.CORRECTED
    assert AuditEvent.objects.filter(action="casefiles.date.confirmed").count() == 2
    corrected = AuditEvent.objects.get(action="casefiles.date.corrected")
    assert corrected.data["proposed"] == "2026-04-16" and corrected.data["value"] == "2026-04-17"

    checks = {s.check: s for s in services.checker().run(services.facts(f))}
    # 受理 3-04 → 决定 4-14: 28 working days (Qingming 4-5/6 off); the computation cites the pages.
    assert "受理 2026-03-04 → 决定 2026-04-14" in checks["T05"].computation
    assert "受理见第 2 页" in checks["T05"].computation and "决定见第 3 页" in checks["T05"].computation
    assert "送达 2026-04-17" in checks["T09"].computation and "送达见第 4 页" in checks["T09"].computation
    # The received date was proposed, not confirmed: its page is not cited.
    assert "收件见" not in checks["T04"].computation

    # Running OCR again keeps what people decided.
    services.propose_dates(f)
    assert DateProposal.objects.get(file=f, field="decided").status == DateStatus.CONFIRMED


def test_a_bulk_zip_of_three_files_lands_each_page_under_its_file_number(review, client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(review.unit_user)
    body = _zip({"SC-001/2.png": _png(), "SC-001/1.png": _png(), "SC-001/10.png": _png(),
                 "SC-002/scan.png": _png(), "SC-003/a.jpg": _jpeg(), "SC-003/b.png": _png(),
                 "__MACOSX/SC-001/._1.png": b"junk"})
    response = client.post(reverse("casefiles:scan_zip"), {"file": SimpleUploadedFile("batch.zip", body)})
    assert response.status_code == 302, response.content.decode()[:2000]
    got = {n: list(ScanPage.objects.filter(file__file_no=n).order_by("number").values_list("number", "source_name"))
           for n in ("SC-001", "SC-002", "SC-003")}
    assert got == {"SC-001": [(1, "SC-001/1.png"), (2, "SC-001/2.png"), (3, "SC-001/10.png")],
                   "SC-002": [(1, "SC-002/scan.png")], "SC-003": [(1, "SC-003/a.jpg"), (2, "SC-003/b.png")]}
    assert AuditEvent.objects.filter(action="casefiles.scan.add").count() == 3
    assert len(_stored_files()) == 2 * 6  # a PDF and a thumbnail per page


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (600, 850), "white").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("bad, words", [
    ({"SC-002/../../etc/evil.png": b"x"}, "压缩包以外"),
    ({"/SC-002/1.png": b"x"}, "压缩包以外"),
    ({"SC-002/run.png": b"MZ\x90\x00" + b"\x00" * 200}, "可执行程序"),
    ({"SC-002/big.png": None}, "图片过大"),
    ({"SC-002/inner.zip": b"PK\x03\x04" + b"\x00" * 100}, "压缩包"),
    ({"SC-999/1.png": b"ok"}, "SC-999"),
    ({"SC-002/1.png": b"ok", "loose.png": b"ok"}, "不在某个案卷编号文件夹里"),
])
def test_a_bad_zip_is_refused_whole_with_a_chinese_message_and_nothing_stored(review, client, login, bad, words):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(review.unit_user)
    members = {"SC-001/1.png": _png(), "SC-001/2.png": _png()}
    for name, data in bad.items():
        members[name] = _png(8000, 8000) if data is None else (_png() if data == b"ok" else data)
    response = client.post(reverse("casefiles:scan_zip"), {"file": SimpleUploadedFile("batch.zip", _zip(members))})
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not ScanPage.objects.exists() and not _stored_files()
    assert not AuditEvent.objects.filter(action="casefiles.scan.add").exists()


def test_an_oversized_page_in_a_single_upload_refuses_the_whole_upload(review, client, login):
    f = CaseFile.objects.get(file_no="SC-000")
    login(review.unit_user)
    response = _upload(client, f, ("1.png", _png()), ("2.png", _png(9000, 9000)))
    assert response.status_code == 302
    assert not ScanPage.objects.exists() and not _stored_files()
    page = client.get(reverse("casefiles:file", args=[f.pk])).content.decode()
    assert "图片过大" in page


def test_a_renamed_executable_and_a_path_name_are_refused(review, client, login):
    f = CaseFile.objects.get(file_no="SC-000")
    login(review.unit_user)
    _upload(client, f, ("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    assert not ScanPage.objects.exists()
    assert "可执行程序" in client.get(reverse("casefiles:file", args=[f.pk])).content.decode()


def test_the_reviewed_unit_sees_its_own_dossier_and_gets_404_for_another_units(review, client, login):
    own = CaseFile.objects.get(file_no="SC-000")
    other = CaseFile.objects.get(file_no="JS-000")
    services.add_scans(review.organiser, own, [("1.png", _png())])
    services.add_scans(review.organiser, other, [("1.png", _png())])
    mine, theirs = ScanPage.objects.get(file=own), ScanPage.objects.get(file=other)
    login(review.unit_user)
    for name, args in [("casefiles:dossier", [own.pk]), ("casefiles:page_pdf", [mine.pk]), ("casefiles:page_thumb", [mine.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    response = client.get(reverse("casefiles:page_pdf", args=[mine.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    for name, args in [("casefiles:dossier", [other.pk]), ("casefiles:page_pdf", [theirs.pk]),
                       ("casefiles:page_thumb", [theirs.pk]), ("casefiles:file", [other.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    # Nor may it add to, or take pages out of, another unit's dossier.
    assert _upload(client, other, ("2.png", _png())).status_code == 404
    assert client.post(reverse("casefiles:page_remove", args=[theirs.pk])).status_code == 404
    assert ScanPage.objects.filter(file=other).count() == 1


def test_the_assigned_reviewer_reaches_the_file_and_its_pages_from_the_sheet(review, client, login):
    from wuxing.casefiles.models import PoolMember, SampledFile

    services.draw_sample(review.organiser, review.campaign, 20261126)
    services.assign_reviewers(review.organiser, review.campaign)
    sample = SampledFile.objects.filter(campaign=review.campaign).select_related("file", "reviewer").first()
    services.add_scans(review.organiser, sample.file, [("1.png", _png()), ("2.png", _png())])
    login(sample.reviewer)
    sheet = client.get(reverse("casefiles:sheet", args=[sample.pk]))
    html = sheet.content.decode()
    for url in (reverse("casefiles:file", args=[sample.file.pk]), reverse("casefiles:dossier", args=[sample.file.pk])):
        assert url in html
        assert client.get(url).status_code == 200, url
    page = ScanPage.objects.filter(file=sample.file).first()
    assert client.get(reverse("casefiles:page_pdf", args=[page.pk])).status_code == 200
    # A file neither assigned to this reviewer nor of the reviewer's own agency answers 404.
    home = PoolMember.objects.get(campaign=review.campaign, user=sample.reviewer).home_unit
    other = (SampledFile.objects.filter(campaign=review.campaign).exclude(reviewer=sample.reviewer)
             .exclude(second_reviewer=sample.reviewer).exclude(file__unit=home).select_related("file").first())
    assert other is not None
    services.add_scans(review.organiser, other.file, [("1.png", _png())])
    assert client.get(reverse("casefiles:dossier", args=[other.file.pk])).status_code == 404
    assert client.get(reverse("casefiles:page_pdf", args=[ScanPage.objects.get(file=other.file).pk])).status_code == 404


def test_removing_a_page_moves_the_later_pages_up_and_is_audited(review, client, login,
                                                                django_capture_on_commit_callbacks):
    f = CaseFile.objects.get(file_no="SC-000")
    services.add_scans(review.organiser, f, [("1.png", _png()), ("2.png", _png()), ("3.png", _png())])
    second = ScanPage.objects.get(file=f, number=2)
    login(review.unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("casefiles:page_remove", args=[second.pk])).status_code == 302
    assert list(ScanPage.objects.filter(file=f).values_list("number", "source_name")) == [(1, "1.png"), (2, "3.png")]
    assert AuditEvent.objects.get(action="casefiles.scan.remove").data["page"] == 2
    assert len(_stored_files()) == 4


def test_search_inside_a_campaigns_dossiers_is_scoped_to_what_the_reader_may_see(review, client, login):
    services.draw_sample(review.organiser, review.campaign, 20261126)
    sampled = {s.file.unit.code: s.file for s in review.campaign.sample.select_related("file__unit")}
    for code, f in sampled.items():
        services.add_scans(review.organiser, f, [("1.png", _png())])
        ScanPage.objects.filter(file=f).update(text=f"送达回证 {f.file_no} 受送达人签收", ocr_state=OcrState.DONE)
    login(review.organiser)
    html = client.get(reverse("casefiles:dossier_search", args=[review.campaign.pk]), {"q": "送达回证"}).content.decode()
    assert sampled["TA1"].file_no in html and sampled["TA2"].file_no in html
    login(review.unit_user)
    html = client.get(reverse("casefiles:dossier_search", args=[review.campaign.pk]), {"q": "送达回证"}).content.decode()
    assert sampled["TA1"].file_no in html and sampled["TA2"].file_no not in html


def test_a_review_meeting_links_to_its_campaign_and_the_campaign_page_and_circular_name_it(review, world, client, login):
    from docx import Document

    from wuxing.activities.models import Activity

    login(world.district_admin)
    form = {"unit": world.district.pk, "type": "review", "title": "2026年度行政许可案卷评查会", "on": "2026-11-20",
            "place": "区政务服务中心三楼会议室", "host": "区司法局局长王强", "review_campaign": review.campaign.pk}
    response = client.post(reverse("activities:create"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Activity.objects.get(title=form["title"])
    assert meeting.review_campaign_id == review.campaign.pk
    detail = client.get(reverse("activities:detail", args=[meeting.pk])).content.decode()
    assert review.campaign.title in detail
    # The district admin does not open case-file campaigns: the title is shown, not a link that would 404.
    assert reverse("casefiles:campaign", args=[review.campaign.pk]) not in detail

    # Only a 评查会 names a review campaign.
    response = client.post(reverse("activities:create"), {**form, "type": "training", "title": "培训"})
    assert response.status_code == 200 and "只有“评查会”可以关联评查活动" in response.content.decode()
    assert not Activity.objects.filter(title="培训").exists()

    login(review.organiser)
    page = client.get(reverse("casefiles:campaign", args=[review.campaign.pk])).content.decode()
    assert "2026年度行政许可案卷评查会" in page and "区政务服务中心三楼会议室" in page
    services.draw_sample(review.organiser, review.campaign, 20261126)
    docx = client.get(reverse("casefiles:campaign", args=[review.campaign.pk]), {"format": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "2026年11月20日，召开2026年度行政许可案卷评查会" in text


def test_the_dossier_search_exports_to_excel(review, client, login):
    from openpyxl import load_workbook

    services.draw_sample(review.organiser, review.campaign, 20261126)
    f = review.campaign.sample.select_related("file").first().file
    services.add_scans(review.organiser, f, [("1.png", _png())])
    ScanPage.objects.filter(file=f).update(text="送达回证 受送达人签收", ocr_state=OcrState.DONE)
    login(review.organiser)
    response = client.get(reverse("casefiles:dossier_search", args=[review.campaign.pk]), {"q": "送达", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("单位", "案卷编号", "页码", "识别文字")
    assert rows[1][1:3] == (f.file_no, 1) and "送达回证" in rows[1][3]


def _pdf(pages: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    images = [Image.new("L", (620, 877), 255) for _ in range(pages)]
    images[0].save(out, "PDF", resolution=75.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def test_a_pdf_is_split_into_its_pages_each_with_a_thumbnail_and_a_broken_one_is_refused(review, client, login):
    f = CaseFile.objects.get(file_no="SC-000")
    login(review.unit_user)
    _upload(client, f, ("卷宗.pdf", _pdf(3)), ("封底.png", _png()))
    pages = list(ScanPage.objects.filter(file=f).order_by("number"))
    assert [(p.number, p.source_name, p.source_page) for p in pages] == [
        (1, "卷宗.pdf", 1), (2, "卷宗.pdf", 2), (3, "卷宗.pdf", 3), (4, "封底.png", 1)]
    assert all(p.pdf.read().startswith(b"%PDF-") and p.thumbnail.read().startswith(b"\x89PNG") for p in pages)
    assert (pages[0].width, pages[0].height) == (595, 842)  # A4 in points, as pdfinfo reads it
    _upload(client, f, ("坏的.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50))
    assert ScanPage.objects.filter(file=f).count() == 4
    assert "无法作为 PDF 读取" in client.get(reverse("casefiles:file", args=[f.pk])).content.decode()


def _renamed(body: bytes, placeholder: str, real: bytes) -> bytes:
    """A zip whose member names were written by another tool: `placeholder` replaced by raw bytes (no UTF-8 flag)."""
    assert len(placeholder.encode()) == len(real)
    return body.replace(placeholder.encode(), real)


def test_zips_made_on_a_chinese_windows_pc_are_read_gbk_names_and_backslashes(review, client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a1 = review.a1
    matter = CaseFile.objects.filter(unit=a1).first().matter
    f = CaseFile.objects.create(unit=a1, matter=matter, file_no="市监许〔2026〕1号", applicant="甲",
                                received=dt.date(2026, 3, 2))
    real = "市监许〔2026〕1号".encode("gbk")
    placeholder = "Q" * len(real)
    body = _renamed(_zip({f"{placeholder}/1.png": _png(), "SC-001/2.png": _png()}), placeholder, real)
    body = body.replace(b"SC-001/2.png", b"SC-001\\2.png")
    login(review.unit_user)
    response = client.post(reverse("casefiles:scan_zip"), {"file": SimpleUploadedFile("扫描件.zip", body)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert ScanPage.objects.filter(file=f).count() == 1
    assert ScanPage.objects.filter(file__file_no="SC-001").count() == 1


def test_a_zip_bomb_is_refused_before_it_is_unpacked(review, client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = _zip({"SC-001/1.png": _png(), "SC-001/2.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * (30 * 1024 * 1024)})
    assert len(body) < 200_000
    login(review.unit_user)
    response = client.post(reverse("casefiles:scan_zip"), {"file": SimpleUploadedFile("batch.zip", body)})
    assert "压缩比异常" in response.content.decode()
    assert not ScanPage.objects.exists() and not _stored_files()


def test_a_date_changed_after_its_confirmation_no_longer_cites_the_dossier_page(review):
    """The page a check cites belongs to the confirmed value: a later import of another date (the Excel ledger) must
    not leave "受理见第 1 页" under a date that page does not show."""
    from tests.xlsx import xlsx

    f = CaseFile.objects.get(file_no="SC-000")
    services.add_scans(review.organiser, f, [("1.png", _png())])
    p = DateProposal.objects.create(file=f, field="accepted", proposed=f.accepted, page=1, keyword="受理日期",
                                    snippet="受理日期：…")
    services.decide_date(review.unit_user, p, "confirm")
    f.refresh_from_db()
    assert "受理见第 1 页" in {s.check: s for s in services.checker().run(services.facts(f))}["T04"].computation
    header = [c.header for c in services.FILE_COLUMNS]
    later = f.accepted + dt.timedelta(days=1)
    row = ["TA1", f.matter.code, f.file_no, f.applicant, "", str(f.received), "", "", str(later), "", "",
           str(f.decided), "准予", str(f.served), "直接送达", str(f.published), str(f.archived), "、".join(f.documents)]
    assert services.import_files(review.organiser, xlsx([row], header=header), dry_run=False).ok
    f.refresh_from_db()
    assert f.accepted == later
    t04 = {s.check: s for s in services.checker().run(services.facts(f))}["T04"].computation
    assert "见第" not in t04
