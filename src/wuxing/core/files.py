"""Storing checked uploads and serving stored files — one way for every app."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils.translation import gettext as _


def store_checked(instance, name: str, data: bytes, *, images_only: bool = False, field: str = "file",
                  then: Callable[[object], object] | None = None):
    """Check an upload by its content (core.filecheck), then save the file and the row together:
    when the row (or `then`, e.g. the audit record, run right after the save) fails, the file is removed,
    so a refusal or an error never leaves anything behind.
    Sets `original_name`, `content_type`, `size` and, where the model has one, `sha256` on `instance`."""
    from wuxing.core import filecheck

    try:
        clean, kind = filecheck.check(name, data, settings.EVIDENCE_MAX_BYTES)
    except filecheck.FileRejected as exc:
        raise ValidationError(str(exc)) from None
    if images_only and not kind.content_type.startswith("image/"):
        raise ValidationError(_("只能上传照片（jpg、png、gif、webp）。"))
    instance.original_name, instance.content_type, instance.size = clean, kind.content_type, len(data)
    if any(f.name == "sha256" for f in instance._meta.concrete_fields):
        instance.sha256 = hashlib.sha256(data).hexdigest()
    stored = getattr(instance, field)
    stored.save(clean, ContentFile(data), save=False)
    try:
        instance.save()
        if then is not None:
            then(instance)
    except Exception:
        stored.delete(save=False)
        raise
    return instance


def serve(fieldfile, content_type: str, name: str, *, inline: bool = True) -> HttpResponse:
    """A stored file as a response; previews inline only for images and PDF, always with nosniff."""
    with fieldfile.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type=content_type)
    previewable = content_type.startswith("image/") or content_type == "application/pdf"
    response["Content-Disposition"] = f"{'inline' if inline and previewable else 'attachment'}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
