import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wuxing.core import filecheck
from wuxing.evaluation.models import Evidence
from wuxing.evaluation.services import add_evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{part}/document.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.txt", "x")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, kind", [
    ("台账.pdf", PDF, "pdf"), ("照片.PNG", PNG, "png"), ("会议记录.docx", ooxml("word"), "docx"),
    ("统计.xlsx", ooxml("xl"), "xlsx"), ("旧文档.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "ole"),
    ("现场.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "jpeg"),
])
def test_allowed_files_pass_and_are_identified_by_content(name, data, kind):
    clean, detected = filecheck.check(name, data, 1024 * 1024)
    assert clean == name and detected.code == kind


@pytest.mark.parametrize("name, data, fragment", [
    ("照片.jpg", b"MZ\x90\x00" + b"\0" * 64, "可执行程序"),          # a renamed Windows executable
    ("报告.pdf", b"\x7fELF" + b"\0" * 64, "可执行程序"),
    ("说明.docx", plain_zip(), "压缩包"),                            # a zip dressed as a Word file
    ("资料.pdf", b"Rar!\x1a\x07" + b"\0" * 64, "压缩包"),
    ("脚本.pdf", b"#!/bin/sh\nrm -rf /", "脚本"),
    ("../../etc/passwd.pdf", PDF, "路径"),
    ("..\\..\\boot.pdf", PDF, "路径"),
    ("a\x00b.pdf", PDF, "控制字符"),
    ("照片.pdf", PNG, "不符"),                                      # extension and content disagree
    ("空.pdf", b"", "空"),
    ("文本.txt", b"hello", "无法识别"),
])
def test_refused_files_say_why(name, data, fragment):
    with pytest.raises(filecheck.FileRejected) as exc:
        filecheck.check(name, data, 1024 * 1024)
    assert fragment in str(exc.value)


def test_oversized_files_are_refused_with_the_limit():
    with pytest.raises(filecheck.FileRejected, match="上限 1 MB"):
        filecheck.check("大.pdf", PDF + b"0" * (1024 * 1024), 1024 * 1024)


@given(st.text(min_size=1, max_size=200))
def test_a_name_that_passes_never_contains_a_path(name):
    try:
        clean = filecheck.safe_name(name)
    except filecheck.FileRejected:
        return
    assert "/" not in clean and "\\" not in clean and ".." not in clean.split(".") and len(clean) <= filecheck.MAX_NAME


@pytest.mark.django_db
class TestStoringEvidence:
    def test_a_good_file_is_stored_with_hash_and_a_server_chosen_name(self, world, campaign, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        ev = add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "三零台账.pdf", PDF, "第一季度")
        assert ev.size == len(PDF) and len(ev.sha256) == 64 and ev.original_name == "三零台账.pdf"
        stored = Path(ev.file.path)
        assert stored.read_bytes() == PDF and stored.is_relative_to(tmp_path) and "三零" not in stored.name

    @pytest.mark.parametrize("name, data", [("照片.jpg", b"MZ" + b"\0" * 64), ("../x.pdf", PDF)])
    def test_refused_files_leave_no_row_and_no_file(self, world, campaign, settings, tmp_path, name, data):
        settings.MEDIA_ROOT = tmp_path
        with pytest.raises(ValidationError):
            add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", name, data)
        assert not Evidence.objects.exists()
        assert not any(p.is_file() for p in tmp_path.rglob("*"))

    def test_an_oversized_file_is_refused(self, world, campaign, settings, tmp_path):
        settings.MEDIA_ROOT, settings.EVIDENCE_MAX_BYTES = tmp_path, 1024
        with pytest.raises(ValidationError, match="过大"):
            add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "大.pdf", PDF * 20)
        assert not Evidence.objects.exists()

    def test_another_branch_cannot_upload_here(self, world, campaign, settings, tmp_path):
        from django.core.exceptions import PermissionDenied

        settings.MEDIA_ROOT = tmp_path
        with pytest.raises(PermissionDenied):
            add_evidence(world.other_branch_user, campaign, world.community, "U-PAFZ-01", "a.pdf", PDF)


@pytest.mark.django_db
def test_when_the_audit_record_fails_the_stored_file_is_removed_too(world, campaign, settings, tmp_path, monkeypatch):
    """store_checked runs the caller's follow-up (the audit record) inside its clean-up, so a failure there
    leaves neither a row nor a file — for ledger evidence as for every other upload."""
    from django.db import transaction

    from wuxing.evaluation import services

    settings.MEDIA_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "三零台账.pdf", PDF)
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
