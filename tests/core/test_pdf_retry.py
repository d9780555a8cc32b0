"""core.pdf.from_docx tries a failed conversion once more (a cold LibreOffice now and then exits without a PDF when
both cores are busy), and not a timed-out one. The converter here is a stand-in executable that fails as LibreOffice
did, then converts: what is under test is the retry, not LibreOffice (tests/test_gongwen.py converts for real)."""

import stat
import subprocess

import pytest

from wuxing.core import pdf

STAND_IN = """#!/bin/sh
# fails on its first call (as a cold LibreOffice did), then writes document.pdf into --outdir
marker="{marker}"
if [ ! -e "$marker" ]; then touch "$marker"; exit 81; fi
while [ $# -gt 0 ]; do [ "$1" = "--outdir" ] && out="$2"; shift; done
printf '%%PDF-1.7 stand-in' > "$out/document.pdf"
"""


def _stand_in(tmp_path, monkeypatch):
    binary = tmp_path / "soffice"
    binary.write_text(STAND_IN.format(marker=tmp_path / "called-once"))
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice", lambda: str(binary))
    return binary


def test_a_conversion_that_exits_without_a_pdf_is_tried_once_more(tmp_path, monkeypatch):
    _stand_in(tmp_path, monkeypatch)
    assert pdf.from_docx(b"docx bytes").startswith(b"%PDF")
    assert (tmp_path / "called-once").exists()


def test_a_timed_out_conversion_is_not_tried_again(tmp_path, monkeypatch):
    binary = tmp_path / "soffice"
    binary.write_text(f"#!/bin/sh\necho x >> {tmp_path / 'calls'}\nsleep 5\n")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice", lambda: str(binary))
    monkeypatch.setattr(pdf, "TIMEOUT", 0.3)
    with pytest.raises(pdf.PdfUnavailable) as caught:
        pdf.from_docx(b"docx bytes")
    assert isinstance(caught.value.__cause__, subprocess.TimeoutExpired)
    assert (tmp_path / "calls").read_text().count("x") == 1
