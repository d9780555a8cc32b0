"""Gap analysis (找差距、补短板): per target star, each indicator's state. Pure Python, no Django.

An indicator is `met` when the latest assessment meets it (the star engine's rule); otherwise the
best of `evidence` (a ledger file is there, waiting for judgement), `planned` (a plan task names it)
or `none` (nothing yet: the real gap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wuxing.standards.engine import StandardSpec, indicator_met

MET, EVIDENCE, PLANNED, NONE = "met", "evidence", "planned", "none"


@dataclass(frozen=True)
class IndicatorGap:
    code: str
    text: str
    required: bool
    state: str

    @property
    def is_gap(self) -> bool:
        return self.required and self.state != MET


@dataclass(frozen=True)
class StarGap:
    code: str
    name: str
    indicators: tuple[IndicatorGap, ...]

    @property
    def gaps(self) -> tuple[IndicatorGap, ...]:
        return tuple(i for i in self.indicators if i.is_gap)

    @property
    def done(self) -> bool:
        return not self.gaps


def analyse(spec: StandardSpec, target_stars: Iterable[str], results: Mapping[str, bool | float | None],
            evidence: set[str], planned: set[str]) -> list[StarGap]:
    wanted = set(target_stars)
    out = []
    for star in spec.stars:
        if star.code not in wanted:
            continue
        rows = []
        for ind in star.indicators:
            if indicator_met(ind, results.get(ind.code)):
                state = MET
            elif ind.code in evidence:
                state = EVIDENCE
            elif ind.code in planned:
                state = PLANNED
            else:
                state = NONE
            rows.append(IndicatorGap(ind.code, ind.text, ind.required, state))
        out.append(StarGap(star.code, star.name, tuple(rows)))
    return out
