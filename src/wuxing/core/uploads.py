"""Make path-climbing upload names visible instead of silently renamed.

Django's multipart parser reduces a file name such as `../../etc/x.pdf` to `x.pdf` before any view
sees it. That keeps storage safe, but the uploader is never told, and a crafted request looks like
an ordinary upload. We keep Django's reduction and prefix such names with PATH_MARK; the content
check (evaluation.filecheck.safe_name) refuses them with a clear message and stores nothing.
Installed once from CoreConfig.ready(); tests/core/test_uploads.py fails if Django changes this path.
"""

from __future__ import annotations

import html

from django.http import multipartparser

PATH_MARK = "__wuxing_path__"


def install() -> None:
    parser = multipartparser.MultiPartParser
    if getattr(parser.sanitize_file_name, "_wuxing", False):
        return
    original = parser.sanitize_file_name

    def sanitize_file_name(self, file_name):
        clean = original(self, file_name)
        raw = html.unescape(file_name or "")
        if clean and ("/" in raw or "\\" in raw):
            return PATH_MARK + clean
        return clean

    sanitize_file_name._wuxing = True
    parser.sanitize_file_name = sanitize_file_name
