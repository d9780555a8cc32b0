"""A .docx printed to PDF by LibreOffice headless (Debian's `libreoffice-writer-nogui`), with the faces of
GB/T 9704 mapped to the installed Noto CJK fonts (fonts/fonts.conf)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
TIMEOUT = 90  # seconds; a cold LibreOffice start takes two or three


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or it failed on this document."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_docx(data: bytes) -> bytes:
    binary = soffice()
    if binary is None:
        raise PdfUnavailable("soffice not found")
    # A cold LibreOffice with a fresh profile now and then exits without a PDF (seen with both cores busy): one more
    # try, with a profile of its own, before the reader is told the PDF is unavailable. A timeout is not retried.
    try:
        return _convert(binary, data)
    except PdfUnavailable as exc:
        if isinstance(exc.__cause__, subprocess.TimeoutExpired):
            raise
        return _convert(binary, data)


def _convert(binary: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="wuxing-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(data)
        # Each conversion has its own LibreOffice profile, so two at once never share a lock.
        profile = Path(tmp) / "profile"
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": tmp}
        try:
            subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", tmp, str(src)],
                           env=env, check=True, timeout=TIMEOUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(str(exc)) from exc
        out = Path(tmp) / "document.pdf"
        if not out.exists():
            raise PdfUnavailable("no PDF written")
        return out.read_bytes()
