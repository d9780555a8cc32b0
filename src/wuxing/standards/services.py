"""Loading a standard: validate everything, then write everything or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core import policy
from wuxing.core.audit import record
from wuxing.standards import schema
from wuxing.standards.models import Indicator, Standard, Star, Veto


def may_load(actor) -> bool:
    return policy.may_anywhere(actor, "standard.load")


@dataclass
class LoadResult:
    standard: Standard | None
    errors: list[schema.SchemaError]
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def load_standard(actor, raw: bytes) -> LoadResult:
    """Validate and load a YAML standard. Same code+version with identical content is a no-op;
    with different content it is refused (a loaded version is immutable)."""
    if not may_load(actor):
        raise PermissionDenied(_("只有区级管理员可以加载评星标准。"))
    doc, errors = schema.parse(raw)
    if errors:
        return LoadResult(None, errors)
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        existing = Standard.objects.select_for_update().filter(code=doc.code, version=doc.version).first()
        if existing is not None:
            if existing.source_sha256 == digest:
                return LoadResult(existing, [], created=False)
            return LoadResult(None, [schema.SchemaError(1, "version", _(
                "标准“{code}”第 {version} 版已加载，内容不能更改；修改标准请把 version 加 1 作为新版本加载。"
            ).format(code=doc.code, version=doc.version))])
        standard = Standard.objects.create(
            code=doc.code, version=doc.version, title=doc.title, applies_to=doc.applies_to,
            effective_year=doc.effective_year, description=doc.description,
            prerequisite_star=doc.prerequisite_star or "", capstone_star=doc.capstone_star or "",
            source=text, source_sha256=digest,
            loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        stars = {}
        for s in doc.stars:
            stars[s.code] = Star.objects.create(standard=standard, code=s.code, name=s.name, order=s.order,
                                                lead_department=s.lead_department, description=s.description)
            Indicator.objects.bulk_create([
                Indicator(star=stars[s.code], code=i["code"], text=i["text"], evidence_hint=i["evidence"],
                          kind=i["kind"], max_points=i["max"], pass_mark=i["pass_mark"], required=i["required"],
                          order=i["order"])
                for i in s.indicators
            ])
        Veto.objects.bulk_create([
            Veto(star=stars[v["star"]], code=v["code"], text=v["text"], category=v["category"], order=v["order"])
            for v in doc.vetoes
        ])
        record(actor, "standards.load", standard, {"code": doc.code, "version": doc.version, "sha256": digest})
    return LoadResult(standard, [], created=True)
