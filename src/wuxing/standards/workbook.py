"""A star standard written in Excel instead of YAML: four sheets (标准, 星, 指标, 一票否决) read into the same
document the YAML loader reads, so a workbook is checked, versioned and loaded exactly like a YAML file (one
schema, schema.parse); every problem is reported at its sheet, row and column. And a loaded standard written
back as such a workbook. Pure Python: openpyxl and PyYAML, no Django."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from wuxing.standards import schema

# (sheet, [(header, key)]); the key is the YAML field it fills.
HEAD = "标准"
HEAD_ROWS = [("编码", "code"), ("版本", "version"), ("名称", "title"), ("适用", "applies_to"),
             ("生效年度", "effective_year"), ("说明", "description"), ("前置星", "prerequisite_star"),
             ("压轴星", "capstone_star")]
STARS = ("星", [("星编码", "code"), ("星名称", "name"), ("顺序", "order"), ("牵头部门", "lead_department"),
               ("说明", "description")])
INDICATORS = ("指标", [("星编码", "star"), ("指标编码", "code"), ("指标内容", "text"), ("佐证材料", "evidence"),
                       ("类型", "kind"), ("满分", "max"), ("达标分", "pass_mark"), ("必达", "required")])
VETOES = ("一票否决", [("星编码", "star"), ("否决编码", "code"), ("类别", "category"), ("否决情形", "text")])

APPLIES = {"城市社区": "urban", "城市": "urban", "urban": "urban", "农村": "rural", "rural": "rural"}
APPLIES_WORDS = {"urban": "城市社区", "rural": "农村"}
KINDS = {"达标制": "pass", "达标": "pass", "pass": "pass", "计分制": "points", "计分": "points", "points": "points"}
KIND_WORDS = {"pass": "达标制", "points": "计分制"}
YES = {"是": True, "否": False, "true": True, "false": False, "TRUE": True, "FALSE": False}
MAX_ROWS = 5000


@dataclass
class Read:
    """The workbook as a YAML text (None when it cannot be read) and its problems, located."""

    yaml_text: str | None
    errors: list[str]


class _Locator:
    """Where in the workbook each part of the document came from."""

    def __init__(self):
        self.places: dict[tuple, tuple[str, int, str]] = {}

    def put(self, path: tuple, sheet: str, row: int, header: str = "") -> None:
        self.places[path] = (sheet, row, header)

    def where(self, path_text: str) -> str:
        path = _parse_path(path_text)
        while path and path not in self.places:
            path = path[:-1]
        sheet, row, header = self.places.get(path, (HEAD, 0, ""))
        at = f"“{sheet}”表" + (f"第 {row} 行" if row else "")
        return f"{at}（{header}）" if header else at


def _parse_path(text: str) -> tuple:
    out: list[Any] = []
    for part in text.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def _cell(value) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows(wb, sheet: str, columns: list[tuple[str, str]], errors: list[str]):
    """(row number, {key: value}) of a sheet whose first row holds the headers (in any order)."""
    if sheet not in wb.sheetnames:
        errors.append(f"缺少“{sheet}”表（可先导出一个标准作为模板）。")
        return
    ws = wb[sheet]
    rows = ws.iter_rows(values_only=True)
    head = [str(h or "").strip().rstrip("*") for h in next(rows, ())]
    index = {}
    for header, key in columns:
        if header in head:
            index[key] = head.index(header)
        else:
            errors.append(f"“{sheet}”表缺少“{header}”列。")
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(f"“{sheet}”表超过 {MAX_ROWS} 行。")
            return
        record = {key: _cell(values[i]) if i < len(values) else None for key, i in index.items()}
        if any(v is not None for v in record.values()):
            yield number, record


def read(fileobj: IO[bytes]) -> Read:
    """Read a standard's workbook into the YAML document the loader checks."""
    errors: list[str] = []
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a workbook, or a damaged one
        return Read(None, ["无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先导出一个标准作为模板）。"])
    where = _Locator()
    doc: dict[str, Any] = {}
    options: dict[str, Any] = {}
    if HEAD not in wb.sheetnames:
        errors.append(f"缺少“{HEAD}”表。")
    else:
        labels = dict(HEAD_ROWS)
        for number, row in enumerate(wb[HEAD].iter_rows(values_only=True), start=1):
            label = str(row[0] or "").strip().rstrip("*") if row else ""
            if label not in labels:
                continue
            key, value = labels[label], _cell(row[1]) if len(row) > 1 else None
            if key == "applies_to" and value is not None:
                value = APPLIES.get(str(value), str(value))
            if key in ("prerequisite_star", "capstone_star"):
                options[key] = value
                where.put(("options", key), HEAD, number, label)
            elif value is not None:
                doc[key] = value
                where.put((key,), HEAD, number, label)
    if options:
        doc["options"] = options
    stars: list[dict] = []
    by_code: dict[str, dict] = {}
    for number, row in _rows(wb, *STARS, errors):
        star = {k: v for k, v in row.items() if v is not None}
        star["indicators"] = []
        where.put(("stars", len(stars)), STARS[0], number)
        for header, key in STARS[1]:
            where.put(("stars", len(stars), key), STARS[0], number, header)
        by_code.setdefault(str(star.get("code", "")), star)
        stars.append(star)
    doc["stars"] = stars
    for number, row in _rows(wb, *INDICATORS, errors):
        star_code = str(row.pop("star") or "")
        star = by_code.get(star_code)
        if star is None:
            errors.append(f"“{INDICATORS[0]}”表第 {number} 行（星编码）：“{star_code}”不在“星”表中。")
            continue
        ind = {k: v for k, v in row.items() if v is not None}
        if "kind" in ind:
            ind["kind"] = KINDS.get(str(ind["kind"]), str(ind["kind"]))
        if "required" in ind:
            ind["required"] = YES.get(str(ind["required"]), ind["required"])
        path = ("stars", stars.index(star), "indicators", len(star["indicators"]))
        where.put(path, INDICATORS[0], number)
        for header, key in INDICATORS[1]:
            where.put(path + (key,), INDICATORS[0], number, header)
        star["indicators"].append(ind)
    vetoes = []
    for number, row in _rows(wb, *VETOES, errors):
        where.put(("vetoes", len(vetoes)), VETOES[0], number)
        for header, key in VETOES[1]:
            where.put(("vetoes", len(vetoes), key), VETOES[0], number, header)
        vetoes.append({k: v for k, v in row.items() if v is not None})
    if vetoes:
        doc["vetoes"] = vetoes
    if errors:
        return Read(None, errors)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    _doc, problems = schema.parse(text)
    if problems:
        return Read(None, [f"{where.where(p.path)}：{p.message}" for p in problems])
    return Read(text, [])


def write(standard) -> bytes:
    """A loaded standard (a model with stars, indicators and vetoes prefetched) as the workbook `read` takes."""
    wb = Workbook()
    head = wb.active
    head.title = HEAD
    head.append(["项目", "内容"])
    for label, value in [("编码", standard.code), ("版本", standard.version), ("名称", standard.title),
                         ("适用", APPLIES_WORDS.get(standard.applies_to, standard.applies_to)),
                         ("生效年度", standard.effective_year), ("说明", standard.description),
                         ("前置星", standard.prerequisite_star or None), ("压轴星", standard.capstone_star or None)]:
        head.append([label, value])
    head.append([])
    head.append(["修改后请把“版本”加 1 再上传：已加载的版本内容不能更改。"])
    sheets = {}
    for name, columns in (STARS, INDICATORS, VETOES):
        ws = wb.create_sheet(name)
        ws.append([h for h, _k in columns])
        ws.freeze_panes = "A2"
        sheets[name] = ws
    for star in standard.stars.all():
        sheets[STARS[0]].append([star.code, star.name, star.order, star.lead_department, star.description or None])
        for ind in star.indicators.all():
            sheets[INDICATORS[0]].append([
                star.code, ind.code, ind.text, ind.evidence_hint or None, KIND_WORDS.get(ind.kind, ind.kind),
                ind.max_points, ind.pass_mark, "是" if ind.required else "否"])
        for veto in star.vetoes.all():
            sheets[VETOES[0]].append([star.code, veto.code, veto.category or None, veto.text])
    for ws in [head, *sheets.values()]:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ws.columns:
            letter = column[0].column_letter
            width = max(len(str(c.value or "")) * 2 for c in column[:200])
            ws.column_dimensions[letter].width = min(max(width, 8), 60)
            for c in column[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    kinds = DataValidation(type="list", formula1='"达标制,计分制"', allow_blank=True)
    kinds.add(f"E2:E{MAX_ROWS}")
    required = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    required.add(f"H2:H{MAX_ROWS}")
    sheets[INDICATORS[0]].add_data_validation(kinds)
    sheets[INDICATORS[0]].add_data_validation(required)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
