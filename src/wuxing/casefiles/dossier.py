"""A scanned dossier's pages from an upload, and a bulk zip's uploads by file number. No database here: the
services store what this returns, all or nothing.

Every upload (and every member of a zip) goes through core.filecheck as evidence does — its name, size and
content — and must be a PDF, JPEG or PNG. A PDF is split with poppler (`pdfinfo`, `pdfseparate`, `pdftoppm`,
Debian's poppler-utils); an image becomes a one-page PDF with Pillow. Each page is kept as a one-page PDF (what
the viewer shows with PDF.js) with a PNG thumbnail. OCR renders a page with `pdftoppm` and reads it with
Tesseract's simplified-Chinese data (Debian's tesseract-ocr, tesseract-ocr-chi-sim).
"""

from __future__ import annotations

import io
import re
import shutil
import stat
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from wuxing.core import filecheck

TIMEOUT = 120  # seconds for one poppler or Tesseract run
THUMB_PX = 240  # a thumbnail's longer side
OCR_DPI = 300
MAX_PAGES = 500  # pages one upload may have
MAX_PIXELS = 50_000_000  # an image page (a 600 dpi A3 scan is ~35 million)
MAX_POINTS = 3370  # a PDF page's longer side in points (A0); a larger page is not a case-file page
KINDS = ("pdf", "jpeg", "png")
MAX_RATIO = 100  # a member unpacking to over 100 times its packed size (and over 1 MB): a zip bomb, not a scan
IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)


class Refused(ValueError):
    """The upload is refused whole; the message is for the uploader, in Chinese."""


@dataclass(frozen=True)
class Page:
    pdf: bytes
    thumbnail: bytes
    width: int  # points
    height: int
    source_page: int


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, timeout=TIMEOUT, capture_output=True, **kw)


def checked(name: str, data: bytes, max_bytes: int, shown: str = "") -> tuple[str, filecheck.FileKind]:
    """An upload's safe name and kind, as evidence is checked; only scans (PDF, JPEG, PNG) pass. A refusal names the
    upload as `shown` (a zip member's path) or by its name."""
    try:
        clean, kind = filecheck.check(name, data, max_bytes)
    except filecheck.FileRejected as exc:
        raise Refused(f"“{shown or name}”：{exc}") from None
    if kind.code not in KINDS:
        raise Refused(f"“{shown or clean}”是{kind.label}；扫描件只能是 PDF 或 JPG、PNG 图片。")
    return clean, kind


def pages_of(name: str, data: bytes, max_bytes: int, max_page_bytes: int) -> list[Page]:
    """The pages of one checked upload, or Refused naming what is wrong."""
    clean, kind = checked(name, data, max_bytes)
    pages = _pdf_pages(clean, data) if kind.code == "pdf" else [_image_page(clean, data)]
    for i, page in enumerate(pages, 1):
        if len(page.pdf) > max_page_bytes:
            raise Refused(f"“{clean}”第 {i} 页过大：{len(page.pdf) / 1048576:.1f} MB，每页上限 "
                          f"{max_page_bytes / 1048576:.0f} MB。请降低扫描分辨率后重新上传。")
    return pages


def _image_page(name: str, data: bytes) -> Page:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size  # read from the header, before any pixel is decoded
            if width * height > MAX_PIXELS:
                raise Refused(f"“{name}”图片过大：{width}×{height} 像素，每页上限 {MAX_PIXELS // 1_000_000} 百万像素。"
                              "请降低扫描分辨率后重新上传。")
            dpi = img.info.get("dpi", (200, 200))[0] or 200
            page = img.convert("L" if img.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
            out = io.BytesIO()
            page.save(out, "PDF", resolution=float(dpi))
            thumb = page.copy()
            thumb.thumbnail((THUMB_PX, THUMB_PX))
            small = io.BytesIO()
            thumb.save(small, "PNG", optimize=True)
    except Refused:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken or hostile image
        raise Refused(f"“{name}”无法作为图片读取，请确认文件完好后重新上传。") from exc
    return Page(out.getvalue(), small.getvalue(), round(width * 72 / dpi), round(height * 72 / dpi), 1)


def _pdf_sizes(info: str) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def _pdf_pages(name: str, data: bytes) -> list[Page]:
    if shutil.which("pdfseparate") is None:
        raise RuntimeError("poppler-utils (pdfinfo, pdfseparate, pdftoppm) is not installed")
    with tempfile.TemporaryDirectory(prefix="wuxing-scan-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            count = int(re.search(r"^Pages:\s+(\d+)", _run(["pdfinfo", str(src)], text=True).stdout, re.M)[1])
            if count > MAX_PAGES:
                raise Refused(f"“{name}”有 {count} 页，一次最多上传 {MAX_PAGES} 页，请分册上传。")
            if count == 0:
                raise Refused(f"“{name}”没有页面。")
            sizes = _pdf_sizes(_run(["pdfinfo", "-f", "1", "-l", str(count), str(src)], text=True).stdout)
            for i, (w, h) in enumerate(sizes, 1):
                if max(w, h) > MAX_POINTS:
                    raise Refused(f"“{name}”第 {i} 页幅面过大（{w / 72 * 25.4:.0f}×{h / 72 * 25.4:.0f} 毫米），"
                                  "案卷页面不应大于 A0。")
            _run(["pdfseparate", str(src), str(Path(tmp) / "page-%d.pdf")])
            _run(["pdftoppm", "-png", "-scale-to", str(THUMB_PX), str(src), str(Path(tmp) / "thumb")])
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, TypeError) as exc:
            raise Refused(f"“{name}”无法作为 PDF 读取（文件损坏或加密），请确认后重新上传。") from exc
        thumbs = sorted(Path(tmp).glob("thumb-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if len(thumbs) != count:
            raise Refused(f"“{name}”无法作为 PDF 读取（文件损坏或加密），请确认后重新上传。")
        return [Page((Path(tmp) / f"page-{i}.pdf").read_bytes(), thumbs[i - 1].read_bytes(),
                     round(sizes[i - 1][0]) if i <= len(sizes) else 0, round(sizes[i - 1][1]) if i <= len(sizes) else 0, i)
                for i in range(1, count + 1)]


def members(data: bytes, *, max_member_bytes: int, max_unzipped: int, max_members: int = 2000) -> dict[str, list[tuple[str, bytes]]]:
    """A bulk zip as {folder (a file number): [(name, bytes), …] in name order}, every member checked before any is
    used. Refused whole for a member outside its folder (absolute, `..`, nested deeper), a link, an encrypted
    member, anything that is not a scan (an executable, an archive), or more than the limits allow."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("上传的文件不是有效的 zip 压缩包。") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and not IGNORED.search(i.filename)]
        if not infos:
            raise Refused("压缩包里没有文件。请按“案卷编号/页面文件”的结构打包。")
        if len(infos) > max_members:
            raise Refused(f"压缩包里有 {len(infos)} 个文件，一次最多 {max_members} 个。")
        if sum(i.file_size for i in infos) > max_unzipped:
            raise Refused(f"压缩包解压后超过 {max_unzipped / 1048576:.0f} MB，请分批上传。")
        paths = []
        for info in infos:
            raw = _member_name(info).replace("\\", "/")  # some Windows tools write folders with backslashes
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"压缩包中的“{raw}”压缩比异常（可能是“压缩炸弹”），整个压缩包未被接收。")
            path = PurePosixPath(raw)
            if raw.startswith("/") or ".." in path.parts or re.match(r"^[A-Za-z]:", raw):
                raise Refused(f"压缩包中的“{raw}”指向压缩包以外的位置，整个压缩包未被接收。")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Refused(f"压缩包中的“{raw}”是链接，整个压缩包未被接收。")
            if info.flag_bits & 0x1:
                raise Refused(f"压缩包中的“{raw}”已加密，请去掉密码后重新打包。")
            paths.append((info, raw, path.parts))
        # A zip of one folder holding the file-number folders: drop that top folder.
        tops = {parts[0] for _i, _r, parts in paths}
        if len(tops) == 1 and all(len(parts) == 3 for _i, _r, parts in paths):
            paths = [(i, r, parts[1:]) for i, r, parts in paths]
        out: dict[str, list[tuple[str, bytes]]] = {}
        for info, raw, parts in paths:
            if len(parts) != 2:
                raise Refused(f"压缩包中的“{raw}”不在某个案卷编号文件夹里（应为“案卷编号/页面文件”）。")
            if info.file_size > max_member_bytes:
                raise Refused(f"压缩包中的“{raw}”过大：{info.file_size / 1048576:.1f} MB，每个文件上限 "
                              f"{max_member_bytes / 1048576:.0f} MB。")
            try:
                body = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError):
                raise Refused(f"压缩包中的“{raw}”已损坏或使用了不支持的压缩方式，整个压缩包未被接收。") from None
            try:
                checked(parts[1], body, max_member_bytes, shown=raw)
            except Refused as exc:
                raise Refused(f"压缩包中的{exc}整个压缩包未被接收。") from None
            out.setdefault(parts[0], []).append((parts[1], body))
    return {folder: sorted(items, key=lambda item: _natural(item[0])) for folder, items in out.items()}


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it. Zips made on a Chinese Windows PC store names in GBK without the
    UTF-8 flag, which Python reads as cp437; such a name is read as UTF-8 if it is that, else as GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _natural(name: str) -> list:
    """Page files in human order: 2.jpg before 10.jpg."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def ocr_text(pdf: bytes) -> str:
    """The text of a one-page PDF: rendered at OCR_DPI in grey, read by Tesseract (chi_sim + eng)."""
    with tempfile.TemporaryDirectory(prefix="wuxing-ocr-") as tmp:
        src = Path(tmp) / "page.pdf"
        src.write_bytes(pdf)
        _run(["pdftoppm", "-gray", "-r", str(OCR_DPI), "-singlefile", "-png", str(src), str(Path(tmp) / "page")])
        out = _run(["tesseract", str(Path(tmp) / "page.png"), "stdout", "-l", "chi_sim+eng", "--psm", "6"],
                   text=True)
        return out.stdout


def snippet(text: str, q: str, around: int = 30) -> str:
    """The text around the first place `q` occurs (case-insensitive), on one line."""
    flat = " ".join(text.split())
    at = flat.lower().find(q.lower())
    if at < 0:
        return flat[: 2 * around]
    return ("…" if at > around else "") + flat[max(0, at - around): at + len(q) + around] + (
        "…" if at + len(q) + around < len(flat) else "")


def cited_page(ref: str) -> int | None:
    """The first page a finding's citation names ("3", "3-4", "第 3–4 页", "P3"), or None."""
    m = re.search(r"\d+", ref or "")
    return int(m[0]) if m else None
