"""What an uploaded file really is, judged by its bytes, not its name. Pure Python, no Django.

Evidence files must be PDF, Office documents or images. Executables, scripts and archives are
refused even when renamed, and so are names that try to climb out of the upload folder.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_NAME = 120


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    previewable: bool = False


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",), True)
PNG = FileKind("png", "PNG 图片", "image/png", (".png",), True)
JPEG = FileKind("jpeg", "JPEG 图片", "image/jpeg", (".jpg", ".jpeg"), True)
GIF = FileKind("gif", "GIF 图片", "image/gif", (".gif",), True)
WEBP = FileKind("webp", "WebP 图片", "image/webp", (".webp",), True)
DOCX = FileKind("docx", "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileKind("xlsx", "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileKind("pptx", "PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
OLE = FileKind("ole", "Office 97-2003 文档", "application/octet-stream", (".doc", ".xls", ".ppt"))
ALLOWED = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, OLE)

_REFUSED_SIGNATURES = [
    (b"MZ", "可执行程序（Windows）"),
    (b"\x7fELF", "可执行程序（Linux）"),
    (b"\xca\xfe\xba\xbe", "可执行程序"),
    (b"\xcf\xfa\xed\xfe", "可执行程序（macOS）"),
    (b"#!", "脚本"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"BZh", "bzip2 压缩包"),
]


class FileRejected(ValueError):
    """Raised with a Chinese message for the uploader."""


def safe_name(name: str) -> str:
    """The uploaded name as a plain file name; refuses paths and control characters."""
    if not name or not name.strip():
        raise FileRejected("文件名为空。")
    if name.startswith("__wuxing_path__"):  # marked by wuxing.core.uploads: the sent name had folders in it
        raise FileRejected(f"文件名“{name.removeprefix('__wuxing_path__')}”前带有目录路径（如 ../），请只上传文件本身。")
    if "/" in name or "\\" in name or name.strip() in (".", "..") or ".." in name.split("."):
        raise FileRejected(f"文件名“{name}”包含路径字符，请重命名后上传。")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise FileRejected("文件名包含不可见的控制字符，请重命名后上传。")
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot else name[:MAX_NAME]
    return name


def _ooxml_kind(head: bytes, data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    return None


def sniff(data: bytes) -> FileKind:
    """Identify an allowed kind from the content, or raise FileRejected naming what it is."""
    head = data[:16]
    for signature, what in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            raise FileRejected(f"不允许上传{what}。请上传 PDF、Office 文档或图片。")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(head, data)
        if kind is None:
            raise FileRejected("不允许上传压缩包。请上传 PDF、Office 文档或图片。")
        return kind
    raise FileRejected("无法识别的文件类型。请上传 PDF、Office 文档（docx/xlsx/pptx/doc/xls）或图片（jpg/png）。")


def check(name: str, data: bytes, max_bytes: int) -> tuple[str, FileKind]:
    """Validate an upload: name, size, content; returns the safe name and the detected kind."""
    clean = safe_name(name)
    if not data:
        raise FileRejected("文件是空的。")
    if len(data) > max_bytes:
        raise FileRejected(f"文件过大：{len(data) / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB。")
    kind = sniff(data)
    ext = "." + clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if ext not in kind.extensions:
        raise FileRejected(f"文件扩展名“{ext or '（无）'}”与内容（{kind.label}）不符，请确认文件后重新上传。")
    return clean, kind


