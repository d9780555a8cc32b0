"""The star engine: hand-worked tables and hypothesis properties."""

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from wuxing.standards.engine import (
    CAPSTONE_EARLY,
    MISSING,
    NO_PREREQUISITE,
    POINTS,
    SHORT,
    UNMET,
    VETOED,
    IndicatorSpec,
    StandardSpec,
    StarSpec,
    VetoSpec,
    evaluate,
)

# A small standard: 3 stars; B has a points indicator (max 10, pass 6) and an optional one.
A = StarSpec("A", "甲星", (IndicatorSpec("a1", "a1"), IndicatorSpec("a2", "a2")))
B = StarSpec("B", "乙星", (IndicatorSpec("b1", "b1", POINTS, True, 10, 6), IndicatorSpec("b2", "b2", required=False)))
C = StarSpec("C", "丙星", (IndicatorSpec("c1", "c1"),))
VETOES = (VetoSpec("vC", "三零", "C"),)
STD = StandardSpec("t", 1, (A, B, C), VETOES)
ALL_MET = {"a1": True, "a2": True, "b1": 6, "b2": False, "c1": True}


def test_everything_met_gives_level_three():
    ev = evaluate(STD, ALL_MET)
    assert ev.level == 3 and ev.held == ("A", "B", "C")
    assert all(o.reasons == () for o in ev.stars)


def test_an_unmet_required_indicator_fails_its_star_with_the_reason():
    ev = evaluate(STD, {**ALL_MET, "a2": False})
    assert ev.level == 2
    assert [(r.kind, r.ref) for r in ev.outcome("A").reasons] == [(UNMET, "a2")]


def test_points_below_the_pass_mark_fail_and_say_by_how_much():
    ev = evaluate(STD, {**ALL_MET, "b1": 5.5})
    reason = ev.outcome("B").reasons[0]
    assert (reason.kind, reason.ref, reason.detail) == (SHORT, "b1", "5.5/6")
    assert ev.level == 2


def test_points_exactly_at_the_pass_mark_pass():
    assert evaluate(STD, {**ALL_MET, "b1": 6.0}).outcome("B").met


def test_an_optional_indicator_never_fails_a_star():
    assert evaluate(STD, {**ALL_MET, "b2": False}).outcome("B").met


def test_a_missing_result_counts_as_unmet():
    results = dict(ALL_MET)
    del results["c1"]
    assert [(r.kind, r.ref) for r in evaluate(STD, results).outcome("C").reasons] == [(MISSING, "c1")]


def test_a_veto_fails_a_star_whose_indicators_are_all_met():
    ev = evaluate(STD, ALL_MET, {"vC"})
    assert not ev.outcome("C").met and ev.level == 2
    assert [(r.kind, r.ref) for r in ev.outcome("C").reasons] == [(VETOED, "vC")]


def test_a_prerequisite_star_missing_leaves_level_zero():
    std = StandardSpec("t", 1, (A, B, C), VETOES, prerequisite_star="A")
    ev = evaluate(std, {**ALL_MET, "a1": False})
    assert ev.level == 0
    assert ev.outcome("B").met and not ev.outcome("B").counted
    assert (NO_PREREQUISITE, "A") in [(r.kind, r.ref) for r in ev.outcome("B").reasons]


def test_a_capstone_counts_only_with_every_other_star():
    std = StandardSpec("t", 1, (A, B, C), VETOES, capstone_star="A")
    ev = evaluate(std, {**ALL_MET, "c1": False})
    assert ev.outcome("A").met and not ev.outcome("A").counted
    assert [(r.kind) for r in ev.outcome("A").reasons] == [CAPSTONE_EARLY]
    assert ev.level == 1
    assert evaluate(std, ALL_MET).level == 3


def test_a_boolean_is_not_a_score():
    assert not evaluate(STD, {**ALL_MET, "b1": True}).outcome("B").met


def test_the_engine_imports_no_django():
    code = "import sys, wuxing.standards.engine, wuxing.standards.schema; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


# --- properties -------------------------------------------------------------------------------------

@st.composite
def standards(draw, with_options=True):
    n_stars = draw(st.integers(1, 5))
    stars = []
    for s in range(n_stars):
        inds = []
        for i in range(draw(st.integers(1, 4))):
            if draw(st.booleans()):
                max_points = draw(st.integers(1, 100))
                inds.append(IndicatorSpec(f"s{s}i{i}", "x", POINTS, draw(st.booleans()), max_points,
                                          draw(st.integers(0, max_points))))
            else:
                inds.append(IndicatorSpec(f"s{s}i{i}", "x", required=draw(st.booleans())))
        stars.append(StarSpec(f"s{s}", f"星{s}", tuple(inds)))
    vetoes = tuple(VetoSpec(f"v{k}", "x", f"s{draw(st.integers(0, n_stars - 1))}") for k in range(draw(st.integers(0, 3))))
    codes = [s.code for s in stars]
    pre = draw(st.none() | st.sampled_from(codes)) if with_options else None
    cap = draw(st.none() | st.sampled_from(codes)) if with_options else None
    if pre == cap:
        cap = None
    return StandardSpec("p", 1, tuple(stars), vetoes, pre, cap)


@st.composite
def cases(draw, with_options=True):
    std = draw(standards(with_options))
    results = {}
    for star in std.stars:
        for ind in star.indicators:
            if ind.kind == POINTS:
                results[ind.code] = draw(st.none() | st.floats(0, ind.max_points, allow_nan=False))
            else:
                results[ind.code] = draw(st.none() | st.booleans())
    triggered = draw(st.sets(st.sampled_from([v.code for v in std.vetoes]))) if std.vetoes else set()
    return std, results, triggered


@given(cases(with_options=False))
def test_without_options_level_is_the_count_of_met_stars(case):
    std, results, triggered = case
    ev = evaluate(std, results, triggered)
    assert ev.level == sum(o.met for o in ev.stars)


@given(cases())
def test_a_triggered_veto_always_fails_its_star(case):
    std, results, triggered = case
    ev = evaluate(std, results, triggered)
    for veto in std.vetoes:
        if veto.code in triggered:
            assert not ev.outcome(veto.star).met and not ev.outcome(veto.star).counted


@given(cases())
def test_with_a_prerequisite_no_level_above_zero_without_it(case):
    std, results, triggered = case
    ev = evaluate(std, results, triggered)
    if std.prerequisite_star and not ev.outcome(std.prerequisite_star).met:
        assert ev.level == 0


@given(cases(), st.data())
def test_turning_an_indicator_met_never_lowers_the_level(case, data):
    std, results, triggered = case
    before = evaluate(std, results, triggered).level
    star = data.draw(st.sampled_from(std.stars))
    ind = data.draw(st.sampled_from(star.indicators))
    improved = dict(results)
    improved[ind.code] = float(ind.max_points) if ind.kind == POINTS else True
    assert evaluate(std, improved, triggered).level >= before


@given(cases())
def test_level_is_between_zero_and_the_number_of_stars_and_matches_held(case):
    std, results, triggered = case
    ev = evaluate(std, results, triggered)
    assert 0 <= ev.level <= len(std.stars) and ev.level == len(ev.held)
