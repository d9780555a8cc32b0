"""Reading and validating a standard's YAML file. Pure Python (PyYAML), no Django.

Every problem is collected as (line, path, reason) so a loader can print them all as
`FILE:LINE: path: reason` and load nothing. The format is documented in docs/standards.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from wuxing.standards.engine import KINDS, POINTS, IndicatorSpec, StandardSpec, StarSpec, VetoSpec

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
APPLIES_TO = ("urban", "rural")
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, order=True)
class SchemaError:
    line: int
    path: str
    message: str

    def format(self, source: str) -> str:
        return f"{source}:{self.line}: {self.path}: {self.message}" if self.path else f"{source}:{self.line}: {self.message}"


@dataclass
class StarDoc:
    code: str
    name: str
    order: int
    lead_department: str
    description: str
    indicators: list[dict] = field(default_factory=list)


@dataclass
class StandardDoc:
    """A validated file: what the database stores, and the engine's spec."""

    code: str
    version: int
    title: str
    applies_to: str
    effective_year: int
    description: str
    prerequisite_star: str | None
    capstone_star: str | None
    stars: list[StarDoc]
    vetoes: list[dict]

    def spec(self) -> StandardSpec:
        return StandardSpec(
            code=self.code, version=self.version,
            stars=tuple(StarSpec(s.code, s.name, tuple(
                IndicatorSpec(i["code"], i["text"], i["kind"], i["required"], i["max"], i["pass_mark"])
                for i in s.indicators)) for s in self.stars),
            vetoes=tuple(VetoSpec(v["code"], v["text"], v["star"]) for v in self.vetoes),
            prerequisite_star=self.prerequisite_star, capstone_star=self.capstone_star,
        )


MAX_EVENTS = 50_000  # a standard or rubric has a few thousand; far more is not a standard


class PlainYAMLError(yaml.YAMLError):
    """A document refused before it is composed: it uses aliases or is unreasonably large."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def compose_plain(text: str) -> yaml.Node | None:
    """Compose a YAML document that uses no aliases. Expanding `*alias` references is unbounded (a few
    hundred bytes of nested aliases take minutes), and a standard never needs them: they are refused from
    the event stream, before any node is built, as is a document of more than MAX_EVENTS events."""
    for n, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader), start=1):
        if isinstance(event, yaml.AliasEvent):
            raise PlainYAMLError(event.start_mark.line + 1, "不支持 YAML 别名（*引用），请直接写出内容")
        if n > MAX_EVENTS:
            raise PlainYAMLError(event.start_mark.line + 1, "内容过多，不像是一份评价标准")
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _to_python(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> Any:
    """Convert a composed node tree to Python values, remembering each value's 1-based line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode) else key_node.value
            out[key] = _to_python(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(child, path + (i,), lines) for i, child in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def read_document(raw: str | bytes) -> tuple[Any, dict[tuple, int], list[SchemaError]]:
    """An uploaded YAML document (a standard or a rubric) as Python values with each value's line, or the
    reasons it cannot be read: over MAX_BYTES, not UTF-8, not YAML, aliases or too many events, empty."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            return None, {}, [SchemaError(1, "", "文件过大（上限 1 MB）")]
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, {}, [SchemaError(1, "", "文件不是 UTF-8 编码")]
    try:
        node = compose_plain(raw)
    except PlainYAMLError as exc:
        return None, {}, [SchemaError(exc.line, "", exc.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, {}, [SchemaError(mark.line + 1 if mark else 1, "", f"YAML 语法错误：{getattr(exc, 'problem', exc)}")]
    if node is None:
        return None, {}, [SchemaError(1, "", "文件为空")]
    lines: dict[tuple, int] = {}
    try:
        return _to_python(node, (), lines), lines, []
    except yaml.YAMLError as exc:
        return None, {}, [SchemaError(1, "", f"YAML 内容无法解析：{exc}")]


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Checker:
    def __init__(self, lines: dict[tuple, int]):
        self.lines = lines
        self.errors: list[SchemaError] = []

    def line(self, path: tuple) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(SchemaError(self.line(path), _path_text(path), message))

    def text(self, data: dict, path: tuple, key: str, *, required: bool = True, max_len: int = 500) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(path + (key,), f"缺少“{key}”")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(path + (key,), f"“{key}”应为文本")
            return ""
        value = str(value).strip()
        if "\x00" in value:
            self.error(path + (key,), "包含不可见的空字符（NUL）")
        if len(value) > max_len:
            self.error(path + (key,), f"“{key}”超过 {max_len} 字")
        return value

    def code(self, data: dict, path: tuple, key: str = "code") -> str:
        value = self.text(data, path, key, max_len=48)
        if value and not CODE_RE.match(value):
            self.error(path + (key,), f"编码“{value}”格式不正确：只能包含字母、数字、下划线、点和连字符")
        return value

    def integer(self, data: dict, path: tuple, key: str, *, required: bool = True, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path + (key,), f"缺少“{key}”")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path + (key,), f"“{key}”应为整数")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(path + (key,), f"“{key}”应在 {minimum}–{maximum} 之间")
            return None
        return value

    def number(self, data: dict, path: tuple, key: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path + (key,), f"“{key}”应为数字")
            return None
        if value < 0:
            self.error(path + (key,), f"“{key}”不能为负数")
            return None
        return float(value)

    def mapping(self, value: Any, path: tuple) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, "应为键值结构（映射）")
            return None
        return value

    def unknown_keys(self, data: dict, path: tuple, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.error(path + (key,), f"未知的字段“{key}”（可用：{'、'.join(sorted(allowed))}）")


TOP_KEYS = {"code", "version", "title", "applies_to", "effective_year", "description", "options", "stars", "vetoes"}
STAR_KEYS = {"code", "name", "order", "lead_department", "description", "indicators"}
INDICATOR_KEYS = {"code", "text", "evidence", "kind", "max", "pass_mark", "required"}
VETO_KEYS = {"code", "text", "star", "category"}


def parse(text: str | bytes) -> tuple[StandardDoc | None, list[SchemaError]]:
    """Parse and validate; returns the document only when there are no errors."""
    data, lines, errors = read_document(text)
    if errors:
        return None, errors
    c = _Checker(lines)
    if c.mapping(data, ()) is None:
        return None, c.errors
    c.unknown_keys(data, (), TOP_KEYS)
    code = c.code(data, ())
    version = c.integer(data, (), "version", minimum=1, maximum=10_000)
    title = c.text(data, (), "title", max_len=200)
    applies_to = c.text(data, (), "applies_to")
    if applies_to and applies_to not in APPLIES_TO:
        c.error(("applies_to",), "“applies_to”应为 urban（城市社区）或 rural（农村）")
    year = c.integer(data, (), "effective_year", minimum=2000, maximum=2100)
    description = c.text(data, (), "description", required=False, max_len=2000)

    stars: list[StarDoc] = []
    raw_stars = data.get("stars")
    if not isinstance(raw_stars, list) or not raw_stars:
        c.error(("stars",), "缺少“stars”，或它不是非空列表")
        raw_stars = []
    star_codes: dict[str, int] = {}
    indicator_codes: dict[str, str] = {}
    for i, raw in enumerate(raw_stars):
        path = ("stars", i)
        star = c.mapping(raw, path)
        if star is None:
            continue
        c.unknown_keys(star, path, STAR_KEYS)
        s_code = c.code(star, path)
        if s_code in star_codes:
            c.error(path + ("code",), f"星的编码“{s_code}”与 stars[{star_codes[s_code]}] 重复")
        elif s_code:
            star_codes[s_code] = i
        doc = StarDoc(
            code=s_code, name=c.text(star, path, "name", max_len=50),
            order=c.integer(star, path, "order", required=False, minimum=1, maximum=99) or i + 1,
            lead_department=c.text(star, path, "lead_department", required=False, max_len=100),
            description=c.text(star, path, "description", required=False, max_len=2000),
        )
        raw_inds = star.get("indicators")
        if not isinstance(raw_inds, list) or not raw_inds:
            c.error(path + ("indicators",), "每颗星至少要有一个指标（indicators）")
            raw_inds = []
        for j, raw_ind in enumerate(raw_inds):
            ipath = path + ("indicators", j)
            ind = c.mapping(raw_ind, ipath)
            if ind is None:
                continue
            c.unknown_keys(ind, ipath, INDICATOR_KEYS)
            i_code = c.code(ind, ipath)
            if i_code in indicator_codes:
                c.error(ipath + ("code",), f"指标编码“{i_code}”重复（已用于 {indicator_codes[i_code]}）")
            elif i_code:
                indicator_codes[i_code] = _path_text(ipath)
            kind = ind.get("kind", "pass")
            if kind not in KINDS:
                c.error(ipath + ("kind",), f"未知的指标类型“{kind}”（应为 pass 达标制 或 points 计分制）")
            max_points = c.number(ind, ipath, "max")
            pass_mark = c.number(ind, ipath, "pass_mark")
            if kind == POINTS:
                if max_points is None or max_points <= 0:
                    c.error(ipath + ("max",), "计分制指标必须有大于 0 的满分（max）")
                if pass_mark is None:
                    c.error(ipath + ("pass_mark",), "计分制指标必须有达标分（pass_mark）")
                elif max_points is not None and pass_mark > max_points:
                    c.error(ipath + ("pass_mark",), f"达标分 {pass_mark:g} 高于满分 {max_points:g}")
            elif kind == "pass" and (max_points is not None or pass_mark is not None):
                c.error(ipath + ("kind",), "达标制（pass）指标不设满分和达标分")
            required = ind.get("required", True)
            if not isinstance(required, bool):
                c.error(ipath + ("required",), "“required”应为 true 或 false")
                required = True
            doc.indicators.append({
                "code": i_code, "text": c.text(ind, ipath, "text", max_len=500),
                "evidence": c.text(ind, ipath, "evidence", required=False, max_len=500),
                "kind": kind if kind in KINDS else "pass", "max": max_points, "pass_mark": pass_mark,
                "required": required, "order": j + 1,
            })
        stars.append(doc)

    vetoes: list[dict] = []
    raw_vetoes = data.get("vetoes") or []
    if not isinstance(raw_vetoes, list):
        c.error(("vetoes",), "“vetoes”应为列表")
        raw_vetoes = []
    veto_codes: set[str] = set()
    for k, raw in enumerate(raw_vetoes):
        vpath = ("vetoes", k)
        veto = c.mapping(raw, vpath)
        if veto is None:
            continue
        c.unknown_keys(veto, vpath, VETO_KEYS)
        v_code = c.code(veto, vpath)
        if v_code in veto_codes:
            c.error(vpath + ("code",), f"否决项编码“{v_code}”重复")
        veto_codes.add(v_code)
        star = veto.get("star")
        if star is None or star == "":
            c.error(vpath + ("star",), "否决项必须用“star”指明它否决哪颗星")
        elif star not in star_codes:
            c.error(vpath + ("star",), f"否决项指向不存在的星“{star}”")
        vetoes.append({"code": v_code, "text": c.text(veto, vpath, "text", max_len=500), "star": str(star or ""),
                       "category": c.text(veto, vpath, "category", required=False, max_len=50), "order": k + 1})

    options = data.get("options") or {}
    prerequisite = capstone = None
    if c.mapping(options, ("options",)) is not None:
        c.unknown_keys(options, ("options",), {"prerequisite_star", "capstone_star"})
        prerequisite = options.get("prerequisite_star") or None
        capstone = options.get("capstone_star") or None
        for key, value in (("prerequisite_star", prerequisite), ("capstone_star", capstone)):
            if value is not None and value not in star_codes:
                c.error(("options", key), f"“{key}”指向不存在的星“{value}”")
        if prerequisite and prerequisite == capstone:
            c.error(("options",), "同一颗星不能既是前置星又是封顶星")

    if c.errors:
        return None, sorted(c.errors)
    return StandardDoc(code, version, title, applies_to, year, description, prerequisite, capstone, stars,
                       vetoes), []
