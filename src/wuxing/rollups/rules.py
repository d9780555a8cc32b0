"""The office flag rule (摘星夺旗) and judged-contest scoring. Pure Python, no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from wuxing.core.levels import star_level


@dataclass(frozen=True)
class FlagResult:
    won: bool
    total: int
    at_or_above: int
    zeros: int
    share: float  # at_or_above / total, 0 when there are no branches
    min_level: int
    min_share: float
    allow_zero: bool

    @property
    def reasons(self) -> list[str]:
        """Why the flag was or was not won, in plain Chinese, with the numbers."""
        out = [f"{self.at_or_above}/{self.total} 个支部达到{star_level(self.min_level)}及以上，占 {self.share:.0%}"
               f"（要求不低于 {self.min_share:.0%}）：{'达到' if self.total and self.share >= self.min_share else '未达到'}"]
        if not self.allow_zero:
            out.append(f"零星支部 {self.zeros} 个（要求没有零星支部）：{'达到' if self.zeros == 0 else '未达到'}")
        return out


def flag(levels: Sequence[int], min_level: int = 3, min_share: float = 0.8, allow_zero: bool = False) -> FlagResult:
    """DESIGN §6 default: at least 80% of branches at 3 stars or more, and none at 0."""
    counts = [0] * (max(levels, default=0) + 1)
    for level in levels:
        counts[level] += 1
    return flag_counts(counts, min_level, min_share, allow_zero)


def flag_counts(counts: Sequence[int], min_level: int = 3, min_share: float = 0.8,
                allow_zero: bool = False) -> FlagResult:
    """The same rule from the number of branches at each level (counts[i] = branches at i stars)."""
    total = sum(counts)
    at = sum(counts[min_level:])
    zeros = counts[0] if counts else 0
    share = at / total if total else 0.0
    won = total > 0 and share >= min_share and (allow_zero or zeros == 0)
    return FlagResult(won, total, at, zeros, share, min_level, float(min_share), allow_zero)


@dataclass(frozen=True)
class EntryResult:
    key: object
    judge_totals: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...]
    final: Decimal
    rank: int = 0


def contest_results(totals: Mapping[object, Sequence[Decimal]], drop_extremes: bool) -> list[EntryResult]:
    """Each entry's final score is the mean of its judges' totals, after dropping one highest and one
    lowest when the event says so and at least three judges scored. Ranks share a place on ties."""
    results = []
    for key, values in totals.items():
        ordered = sorted(Decimal(v) for v in values)
        dropped: tuple[Decimal, ...] = ()
        kept = ordered
        if drop_extremes and len(ordered) >= 3:
            dropped, kept = (ordered[0], ordered[-1]), ordered[1:-1]
        final = (sum(kept) / len(kept)).quantize(Decimal("0.01"), ROUND_HALF_UP) if kept else Decimal("0.00")
        results.append(EntryResult(key, tuple(values), dropped, final))
    results.sort(key=lambda r: r.final, reverse=True)
    ranked, previous, rank = [], None, 0
    for i, r in enumerate(results, start=1):
        if r.final != previous:
            rank, previous = i, r.final
        ranked.append(EntryResult(r.key, r.judge_totals, r.dropped, r.final, rank))
    return ranked
