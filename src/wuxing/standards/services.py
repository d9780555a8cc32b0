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
    doc: schema.StandardDoc | None = None  # the checked document (also on a dry run)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        """What the file holds, in one sentence (for a dry run's answer)."""
        if self.doc is None:
            return ""
        d = self.doc
        text = _("标准“{title}”（{code} 第 {v} 版）：{s} 颗星、{i} 项指标、{k} 项一票否决情形。").format(
            title=d.title, code=d.code, v=d.version, s=len(d.stars), i=sum(len(s.indicators) for s in d.stars),
            k=len(d.vetoes))
        return text + (_("该版本已加载，内容相同，未重复加载。") if self.standard and not self.created else "")


@dataclass
class WorkbookCheck:
    """A standard's workbook checked: its problems at sheet, row and column, or what it holds (and, when it
    was loaded, the load's result)."""

    errors: list[str]
    summary: str = ""
    result: LoadResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def load_standard_workbook(actor, fileobj, *, dry_run: bool = True) -> WorkbookCheck:
    """A standard written in Excel: read into the same document as a YAML file, then checked and loaded by
    load_standard — the same schema, the same versioning, all or nothing."""
    from wuxing.core.importing import unpack_problem
    from wuxing.standards import workbook

    if not may_load(actor):
        raise PermissionDenied(_("只有区级管理员可以加载评星标准。"))
    problem = unpack_problem(fileobj)
    if problem:
        return WorkbookCheck([problem])
    read = workbook.read(fileobj)
    if read.errors:
        return WorkbookCheck(read.errors)
    result = load_standard(actor, read.yaml_text.encode(), dry_run=dry_run)
    return WorkbookCheck([e.message for e in result.errors], result.summary, None if dry_run else result)


def _same_content(existing: Standard, doc: schema.StandardDoc, digest: str) -> bool:
    """A loaded version meets the same standard again: the same text, or the same document written otherwise
    (its workbook, other comments or layout)."""
    return existing.source_sha256 == digest or schema.parse(existing.source)[0] == doc


def load_standard(actor, raw: bytes, *, dry_run: bool = False) -> LoadResult:
    """Validate and load a standard's YAML (or the YAML a workbook was read into). A version already loaded
    with the same content is a no-op; with different content it is refused (a loaded version is immutable).
    `dry_run` checks all of it and writes nothing."""
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
            if _same_content(existing, doc, digest):
                return LoadResult(existing, [], created=False, doc=doc)
            return LoadResult(None, [schema.SchemaError(1, "version", _(
                "标准“{code}”第 {version} 版已加载，内容不能更改；修改标准请把版本号（version / “版本”）加 1 "
                "作为新版本加载。").format(code=doc.code, version=doc.version))])
        if dry_run:
            return LoadResult(None, [], doc=doc)
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
    return LoadResult(standard, [], created=True, doc=doc)
