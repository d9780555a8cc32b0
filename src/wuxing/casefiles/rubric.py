"""The case-file rubric as versioned YAML: validation with line-numbered errors, loading (all or
nothing, a loaded code+version never changes), and the engine's view of a stored rubric."""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.casefiles import engines
from wuxing.casefiles.checks import CHECKS
from wuxing.casefiles.models import Rubric, RubricItem, RubricSection
from wuxing.core.audit import record
from wuxing.standards.schema import SchemaError, _Checker, read_document

LIBRARY = Path(__file__).resolve().parent / "library"
RULES = (engines.FIXED, engines.PER_OCCURRENCE, engines.PER_ELEMENT)


def _num(c: _Checker, data: dict, path: tuple, key: str, required: bool = True) -> Decimal | None:
    value = data.get(key)
    if value is None:
        if required:
            c.error(path + (key,), f"缺少“{key}”")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        c.error(path + (key,), f"“{key}”应为数字")
        return None
    if number < 0:
        c.error(path + (key,), f"“{key}”不能为负数")
        return None
    return number


def parse(raw: bytes | str):
    """(document dict, errors). Checks: every section's non-veto items add up to its budget, the
    sections add up to the total, rules and checks are known, bands descend."""
    data, lines, errors = read_document(raw)
    if errors:
        return None, errors
    c = _Checker(lines)
    if c.mapping(data, ()) is None:
        return None, c.errors
    doc = {"code": c.code(data, ()), "version": c.integer(data, (), "version", minimum=1, maximum=10_000),
           "title": c.text(data, (), "title", max_len=200), "total": _num(c, data, (), "total"),
           "veto_mode": data.get("veto_mode", engines.ZERO_SCORE), "bands": [], "sections": []}
    if doc["veto_mode"] not in (engines.ZERO_SCORE, engines.FORCE_FAIL):
        c.error(("veto_mode",), "veto_mode 应为 zero_score 或 force_fail")
    bands = data.get("bands") or [["优秀", 90], ["合格", 60], ["不合格", 0]]
    try:
        doc["bands"] = [[str(label), float(minimum)] for label, minimum in bands]
        if [b[1] for b in doc["bands"]] != sorted((b[1] for b in doc["bands"]), reverse=True) or doc["bands"][-1][1] != 0:
            c.error(("bands",), "等次应按分数线从高到低排列，最后一档为 0")
    except (TypeError, ValueError):
        c.error(("bands",), "bands 应为 [[名称, 分数线], …]")
    codes: set[str] = set()
    section_sum = Decimal(0)
    for i, raw_section in enumerate(data.get("sections") or []):
        path = ("sections", i)
        section = c.mapping(raw_section, path)
        if section is None:
            continue
        s = {"code": c.text(section, path, "code", max_len=20), "name": c.text(section, path, "name", max_len=20),
             "max": _num(c, section, path, "max"), "items": []}
        budget = Decimal(0)
        for j, raw_item in enumerate(section.get("items") or []):
            ipath = path + ("items", j)
            item = c.mapping(raw_item, ipath)
            if item is None:
                continue
            it = {"code": c.text(item, ipath, "code", max_len=20), "text": c.text(item, ipath, "text", max_len=300),
                  "max": _num(c, item, ipath, "max"), "rule": item.get("rule", engines.FIXED),
                  "unit": _num(c, item, ipath, "unit", required=False) or Decimal(0), "veto": bool(item.get("veto", False)),
                  "check": str(item.get("check") or ""), "basis": c.text(item, ipath, "basis", required=False, max_len=200)}
            if it["code"] in codes:
                c.error(ipath + ("code",), f"条目编号“{it['code']}”重复")
            codes.add(it["code"])
            if it["rule"] not in RULES:
                c.error(ipath + ("rule",), f"未知的扣分方式“{it['rule']}”（fixed / per_occurrence / per_element）")
            elif it["rule"] != engines.FIXED and not it["unit"]:
                c.error(ipath + ("unit",), "按次或按项扣分的条目须写明每次扣分（unit）")
            elif it["max"] is not None and it["unit"] > it["max"]:
                c.error(ipath + ("unit",), "每次扣分不能大于该条目分值")
            if it["check"] and it["check"] not in CHECKS:
                c.error(ipath + ("check",), f"未知的自动检查“{it['check']}”（可用：{'、'.join(CHECKS)}）")
            if not it["veto"] and it["max"] is not None:
                budget += it["max"]
            s["items"].append(it)
        if s["max"] is not None and budget != s["max"]:
            c.error(path + ("max",), f"“{s['name']}”各条目分值合计 {budget}，与本维度分值 {s['max']} 不符")
        section_sum += s["max"] or 0
        doc["sections"].append(s)
    if not doc["sections"]:
        c.error(("sections",), "至少要有一个维度（sections）")
    elif doc["total"] is not None and section_sum != doc["total"]:
        c.error(("total",), f"各维度分值合计 {section_sum}，与总分 {doc['total']} 不符")
    return (None, sorted(c.errors)) if c.errors else (doc, [])


def load(actor, raw: bytes):
    """(rubric, errors, created). Identical reload is a no-op; a changed reload of a loaded version is refused."""
    if not may_organise(actor):
        raise PermissionDenied(_("只有评查组织者或区级管理员可以加载评查标准。"))
    doc, errors = parse(raw)
    if errors:
        return None, errors, False
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw  # parse() has read it already
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        existing = Rubric.objects.select_for_update().filter(code=doc["code"], version=doc["version"]).first()
        if existing is not None:
            if existing.source_sha256 == digest:
                return existing, [], False
            return None, [SchemaError(1, "version", "该版本已加载，内容不能更改；请把 version 加 1 后作为新版本加载。")], False
        rubric = Rubric.objects.create(code=doc["code"], version=doc["version"], title=doc["title"], total=doc["total"],
                                       veto_mode=doc["veto_mode"], bands=doc["bands"], source=text, source_sha256=digest)
        for i, s in enumerate(doc["sections"]):
            section = RubricSection.objects.create(rubric=rubric, code=s["code"], name=s["name"], max_points=s["max"], order=i)
            RubricItem.objects.bulk_create([RubricItem(
                section=section, code=it["code"], text=it["text"], max_points=it["max"], rule=it["rule"],
                unit_points=it["unit"], veto=it["veto"], check_id=it["check"], basis=it["basis"], order=j)
                for j, it in enumerate(s["items"])])
        record(actor, "casefiles.rubric.load", rubric, {"code": rubric.code, "version": rubric.version, "sha256": digest})
    return rubric, [], True


def may_organise(actor) -> bool:
    """Case-file organisers (anywhere in their subtree) run reviews."""
    from wuxing.core import policy

    return policy.may_anywhere(actor, "casefile.organise")


def items_of(rubric: Rubric) -> dict[str, engines.ItemRule]:
    return {it.code: engines.ItemRule(it.code, Decimal(it.max_points), it.rule, Decimal(it.unit_points), it.veto, s.name)
            for s in rubric.sections.prefetch_related("items") for it in s.items.all()}


def bands_of(rubric: Rubric) -> list[tuple[str, Decimal]]:
    return [(label, Decimal(str(minimum))) for label, minimum in rubric.bands]


def shipped() -> list[Path]:
    return sorted(LIBRARY.glob("*.yaml"))
