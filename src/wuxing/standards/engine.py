"""The star engine: which stars a branch meets, and why not the others. Pure Python, no Django.

A star is met when every required indicator is met and none of its vetoes applies. A pass/fail
indicator is met when its result is true; a points indicator when its score reaches the pass
mark. The level is the number of stars held, after two optional rules (DESIGN §6, research §1.3):

- prerequisite_star: without it no star counts (level 0);
- capstone_star: it counts only once every other star is held.

Both rules only ever withhold stars, and whether a star is met never depends on another star,
so turning an indicator from unmet to met can never lower the level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PASS = "pass"
POINTS = "points"
KINDS = (PASS, POINTS)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    text: str
    kind: str = PASS
    required: bool = True
    max_points: float | None = None
    pass_mark: float | None = None


@dataclass(frozen=True)
class VetoSpec:
    code: str
    text: str
    star: str


@dataclass(frozen=True)
class StarSpec:
    code: str
    name: str
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class StandardSpec:
    code: str
    version: int
    stars: tuple[StarSpec, ...]
    vetoes: tuple[VetoSpec, ...] = ()
    prerequisite_star: str | None = None
    capstone_star: str | None = None

    def star(self, code: str) -> StarSpec:
        return next(s for s in self.stars if s.code == code)


# Reason codes; the UI turns them into sentences.
UNMET = "indicator_unmet"  # a required pass/fail indicator is not met
MISSING = "indicator_missing"  # no result recorded for a required indicator
SHORT = "points_short"  # a required points indicator is below its pass mark
VETOED = "veto"  # a veto condition of the star holds
NO_PREREQUISITE = "prerequisite_unmet"  # the prerequisite star is not met, so this star does not count
CAPSTONE_EARLY = "capstone_early"  # the capstone star is met but not every other star is


@dataclass(frozen=True)
class Reason:
    kind: str
    ref: str  # indicator, veto or star code
    detail: str = ""


@dataclass(frozen=True)
class StarOutcome:
    code: str
    met: bool  # the star's own indicators and vetoes are satisfied
    counted: bool  # it contributes to the level after the prerequisite/capstone rules
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    stars: tuple[StarOutcome, ...]
    level: int
    held: tuple[str, ...] = field(default=())

    def outcome(self, code: str) -> StarOutcome:
        return next(o for o in self.stars if o.code == code)


def held_under_rules(order: list[str], met: set[str], prerequisite: str | None = None,
                     capstone: str | None = None) -> tuple[str, ...]:
    """The stars that count, in standard order, from the set of stars met (the two optional rules)."""
    counted = [code for code in order if code in met]
    if prerequisite and prerequisite not in met:
        return ()
    if capstone and capstone in counted and not all(code in met for code in order if code != capstone):
        counted.remove(capstone)
    return tuple(counted)


def indicator_met(spec: IndicatorSpec, result: bool | float | None) -> bool:
    if result is None:
        return False
    if spec.kind == POINTS:
        if isinstance(result, bool):
            return False
        return float(result) >= float(spec.pass_mark or 0)
    return result is True


def _star_reasons(star: StarSpec, results: Mapping[str, bool | float | None], vetoes: list[VetoSpec],
                  triggered: frozenset[str]) -> list[Reason]:
    reasons: list[Reason] = []
    for ind in star.indicators:
        if not ind.required:
            continue
        result = results.get(ind.code)
        if result is None:
            reasons.append(Reason(MISSING, ind.code))
        elif not indicator_met(ind, result):
            if ind.kind == POINTS:
                reasons.append(Reason(SHORT, ind.code, f"{float(result):g}/{float(ind.pass_mark or 0):g}"))
            else:
                reasons.append(Reason(UNMET, ind.code))
    reasons.extend(Reason(VETOED, v.code) for v in vetoes if v.code in triggered)
    return reasons


def evaluate(standard: StandardSpec, results: Mapping[str, bool | float | None],
             vetoes_triggered: frozenset[str] | set[str] = frozenset()) -> Evaluation:
    """Evaluate one branch: `results` maps indicator code to True/False or a score."""
    triggered = frozenset(vetoes_triggered)
    raw: dict[str, list[Reason]] = {}
    for star in standard.stars:
        own_vetoes = [v for v in standard.vetoes if v.star == star.code]
        raw[star.code] = _star_reasons(star, results, own_vetoes, triggered)
    met = {code: not reasons for code, reasons in raw.items()}

    counted = dict(met)
    extra: dict[str, list[Reason]] = {code: [] for code in met}
    pre = standard.prerequisite_star
    if pre and not met.get(pre, False):
        for code in counted:
            if counted[code]:
                counted[code] = False
                extra[code].append(Reason(NO_PREREQUISITE, pre))
    cap = standard.capstone_star
    if cap and counted.get(cap):
        others = [code for code in met if code != cap]
        if not all(counted[c] for c in others):
            counted[cap] = False
            extra[cap].append(Reason(CAPSTONE_EARLY, cap))

    outcomes = tuple(
        StarOutcome(s.code, met[s.code], counted[s.code], tuple(raw[s.code] + extra[s.code])) for s in standard.stars
    )
    held = tuple(o.code for o in outcomes if o.counted)
    return Evaluation(outcomes, len(held), held)
