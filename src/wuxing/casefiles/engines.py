"""Pure engines of the case-file review: credit codes, the reproducible sample, reviewer assignment
and scoring. No Django."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# --- 统一社会信用代码 (GB 32100-2015) ------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """None when valid, else the reason in Chinese."""
    code = code.strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为 18 位。"
    bad = [c for c in code if c not in USCC_CHARS]
    if bad:
        return f"统一社会信用代码含有无效字符“{bad[0]}”（不使用 I、O、Z、S、V）。"
    if uscc_check_char(code[:17]) != code[17]:
        return f"统一社会信用代码校验位错误：应为“{uscc_check_char(code[:17])}”。"
    return None


# --- the sample -------------------------------------------------------------------------------------

ALGORITHM = ("wuxing-sample-v1：对每个单位，将抽样框中的案卷按 HMAC-SHA256(种子, 案卷编号) 的十六进制值"
             "从小到大排序，取前 n 份；n = 指定份数，或 案卷数 × 比例（向上取整），不低于最少份数，不超过案卷数。")


@dataclass(frozen=True)
class UnitPlan:
    count: int | None = None
    percent: Decimal | None = None
    minimum: int = 1

    def size(self, frame_size: int) -> int:
        if self.count is not None:
            n = self.count
        else:
            n = int((Decimal(frame_size) * (self.percent or Decimal(0)) / 100).to_integral_value(rounding="ROUND_CEILING"))
        return min(frame_size, max(n, self.minimum))


ALLOCATION = ("按总份数分配（最大余数法）：各单位应得份数 = 总份数 × 本单位案卷数 ÷ 全部案卷数，先取整数部分，"
              "有案卷的单位不少于最少份数，余下份数逐份给距应得份数差距最大的单位（相同时案卷多者、编码小者优先），"
              "任何单位不超过其案卷数。")


class AllocationImpossible(ValueError):
    pass


def allocate(sizes: Mapping[str, int], total: int, minimum: int = 1) -> dict[str, int]:
    """Unit → files to draw: `total` over the units in proportion to their frame sizes by the largest
    remainder method, at least `minimum` for a unit that has files, never more than its files. Exact: the
    counts sum to `total` (or to every file, when there are fewer)."""
    units = sorted(sizes)
    files = sum(sizes[u] for u in units)
    total = min(total, files)
    floor = {u: min(sizes[u], minimum) for u in units}
    if sum(floor.values()) > total:
        raise AllocationImpossible(f"总份数 {total} 不足以让每个有案卷的单位至少抽取 {minimum} 份"
                                   f"（需要 {sum(floor.values())} 份）。")
    quota = {u: Fraction(total * sizes[u], files) if files else Fraction(0) for u in units}
    alloc = {u: max(floor[u], min(sizes[u], math.floor(quota[u]))) for u in units}
    # Minimums can push the sum above the total: take back from those furthest above their quota.
    while sum(alloc.values()) > total:
        u = max((u for u in units if alloc[u] > floor[u]), key=lambda u: (alloc[u] - quota[u], u))
        alloc[u] -= 1
    # The seats left go one at a time to the unit furthest below its quota (the largest remainder when no
    # minimum applied), ties to the larger frame, then the smaller code.
    while sum(alloc.values()) < total:
        u = min((u for u in units if alloc[u] < sizes[u]), key=lambda u: (alloc[u] - quota[u], -sizes[u], u))
        alloc[u] += 1
    return alloc


def draw_key(seed: int, file_no: str) -> str:
    return hmac.new(str(seed).encode(), file_no.encode(), hashlib.sha256).hexdigest()


def draw(frames: Mapping[str, Sequence[str]], plans: Mapping[str, UnitPlan], seed: int,
         allocation: Mapping[str, int] | None = None) -> dict[str, list[str]]:
    """unit → the drawn file numbers, in draw order. Depends only on the seed and the frame's members
    (not their order), so anyone holding both can redraw the identical list. With an `allocation` (unit →
    count, from `allocate`), it gives each unit's count instead of the per-unit plans."""
    out = {}
    for unit in sorted(frames):
        files = sorted(set(frames[unit]))
        if allocation is not None:
            n = min(len(files), allocation.get(unit, 0))
        else:
            n = plans.get(unit, UnitPlan(count=0, minimum=0)).size(len(files))
        out[unit] = sorted(files, key=lambda f: (draw_key(seed, f), f))[:n]
    return out


def sheets_diverge(a_score: Decimal, a_band: str, a_vetoed: bool, b_score: Decimal, b_band: str, b_vetoed: bool,
                   threshold: Decimal) -> list[str]:
    """Why two reviewers' sheets of one file cannot both stand (empty when they agree closely enough): a gap
    of more than `threshold` points, different bands, or a veto on one side only."""
    reasons = []
    if a_vetoed != b_vetoed:
        reasons.append("一方一票否决、另一方未否决")
    if abs(Decimal(a_score) - Decimal(b_score)) > Decimal(threshold):
        reasons.append(f"分差 {abs(Decimal(a_score) - Decimal(b_score)):g} 分，超过 {Decimal(threshold):g} 分")
    if a_band != b_band:
        reasons.append(f"等次不同（{a_band} / {b_band}）")
    return reasons


# --- reviewer assignment ------------------------------------------------------------------------------

class AssignmentImpossible(ValueError):
    pass


def assign(files: Sequence[tuple[str, str]], reviewers: Sequence[tuple[str, str | None | frozenset[str]]], seed: int,
           per_file: int = 1) -> dict[str, list[str]]:
    """file id → reviewer ids. Never a reviewer of the file's own unit (a reviewer's home is one unit code,
    none, or the set of units they belong to); loads kept even (each file goes to the least-loaded eligible
    reviewers, ties broken by a seeded hash, so the result is reproducible)."""
    load = {r: 0 for r, _u in reviewers}
    home = {r: (h if isinstance(h, frozenset) else frozenset({h} if h else ())) for r, h in reviewers}
    out = {}
    for file_id, unit in sorted(files, key=lambda f: draw_key(seed, f"file:{f[0]}")):
        eligible = [r for r in load if unit not in home[r]]
        if len(eligible) < per_file:
            raise AssignmentImpossible(f"案卷 {file_id} 没有足够的非本单位评查员（需要 {per_file} 名）。")
        chosen = sorted(eligible, key=lambda r: (load[r], draw_key(seed, f"{file_id}:{r}")))[:per_file]
        for r in chosen:
            load[r] += 1
        out[file_id] = chosen
    return out


# --- scoring -------------------------------------------------------------------------------------------

FIXED, PER_OCCURRENCE, PER_ELEMENT = "fixed", "per_occurrence", "per_element"
ZERO_SCORE, FORCE_FAIL = "zero_score", "force_fail"
DEFAULT_BANDS = (("优秀", Decimal(90)), ("合格", Decimal(60)), ("不合格", Decimal(0)))


@dataclass(frozen=True)
class ItemRule:
    code: str
    max_points: Decimal
    rule: str = FIXED
    unit_points: Decimal = Decimal(0)  # per occurrence / element; the deduction of a fixed item is its max
    veto: bool = False
    section: str = ""


@dataclass(frozen=True)
class FindingInput:
    item: str
    occurrences: int = 1
    waived: bool = False


@dataclass
class ScoreResult:
    score: Decimal
    band: str
    vetoed: bool
    by_item: dict[str, Decimal] = field(default_factory=dict)
    by_section: dict[str, Decimal] = field(default_factory=dict)


def band_for(score: Decimal, bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS) -> str:
    for label, minimum in sorted(bands, key=lambda b: b[1], reverse=True):
        if score >= minimum:
            return label
    return bands[-1][0]


def score_file(items: Mapping[str, ItemRule], findings: Sequence[FindingInput], *, total: Decimal = Decimal(100),
               veto_mode: str = ZERO_SCORE, bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS,
               fail_label: str = "不合格") -> ScoreResult:
    """100 − deductions, each item capped at its max (扣完为止), never below 0. A veto item either
    zeroes the score or keeps it and forces the failing band. Items not in the rubric deduct nothing."""
    by_item: dict[str, Decimal] = {}
    vetoed = False
    for f in findings:
        rule = items.get(f.item)
        if rule is None or f.waived or f.occurrences <= 0:
            continue
        if rule.veto:
            vetoed = True
        if rule.rule == FIXED:
            points = rule.max_points
        else:
            points = rule.unit_points * f.occurrences
        by_item[f.item] = min(rule.max_points, by_item.get(f.item, Decimal(0)) + points)
    by_section: dict[str, Decimal] = {}
    for code, points in by_item.items():
        by_section[items[code].section] = by_section.get(items[code].section, Decimal(0)) + points
    score = max(Decimal(0), total - sum(by_item.values(), Decimal(0)))
    if vetoed and veto_mode == ZERO_SCORE:
        score = Decimal(0)
    score = score.quantize(Decimal("0.1"), ROUND_HALF_UP)
    band = fail_label if vetoed else band_for(score, bands)
    return ScoreResult(score, band, vetoed, by_item, by_section)


def unit_results(scores: Mapping[str, Sequence[Decimal]], bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS):
    """unit → (mean, band, rank) by mean (ties share a rank)."""
    means = {u: (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.1"), ROUND_HALF_UP) for u, v in scores.items() if v}
    ordered = sorted(means.items(), key=lambda kv: (-kv[1], kv[0]))
    out, prev, rank = {}, None, 0
    for i, (unit, mean) in enumerate(ordered, start=1):
        if mean != prev:
            rank, prev = i, mean
        out[unit] = (mean, band_for(mean, bands), rank)
    return out
