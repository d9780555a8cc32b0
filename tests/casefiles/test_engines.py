"""Case-file engines: working days by hand across holidays, scoring, sampling, assignment, credit codes."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuxing.casefiles import engines
from wuxing.casefiles.checks import Checker, FileFacts
from wuxing.core.workdays import UnknownYear, YearEntry, add_working_days, workdays_after

day = dt.date


# --- working days, worked out by hand from the State Council schedules ----------------------------

def test_twenty_working_days_across_the_2026_spring_festival():
    # Accepted Thu 12 Feb. Counting from the next day: 13 Feb (1), Sat 14 Feb make-up workday (2),
    # 15–23 Feb holiday, 24–27 Feb (3–6), Sat 28 Feb make-up (7), 2–6 Mar (8–12), 9–13 Mar (13–17),
    # 16, 17, 18 Mar (18–20).
    assert add_working_days(day(2026, 2, 12), 20, strict=True).day == day(2026, 3, 18)
    assert workdays_after(day(2026, 2, 12), day(2026, 3, 18)) == 20
    assert workdays_after(day(2026, 2, 12), day(2026, 3, 19)) == 21
    assert workdays_after(day(2026, 2, 13), day(2026, 2, 24)) == 2  # Sat 14 Feb counts, the holiday does not


def test_the_research_example_across_the_2025_national_day_holiday():
    # 26 Sep → 31 Oct 2025: Sun 28 Sep make-up (1), 29–30 Sep (2–3), 1–8 Oct holiday, 9–10 Oct (4–5),
    # Sat 11 Oct make-up (6), 13–17 Oct (7–11), 20–24 Oct (12–16), 27–31 Oct (17–21).
    assert workdays_after(day(2025, 9, 26), day(2025, 10, 31)) == 21


def test_the_2026_national_day_and_mid_autumn_holiday():
    # 25 Sep (Mid-Autumn) and 1–7 Oct are off; Sat 10 Oct is a make-up workday.
    assert add_working_days(day(2026, 9, 24), 1, strict=True).day == day(2026, 9, 28)
    assert add_working_days(day(2026, 9, 30), 5, strict=True).day == day(2026, 10, 13)


def test_the_start_day_convention_is_a_setting():
    assert workdays_after(day(2026, 3, 2), day(2026, 3, 6)) == 4
    assert workdays_after(day(2026, 3, 2), day(2026, 3, 6), count_start=True) == 5


def test_a_year_nobody_entered_is_a_clear_error_and_an_entered_year_is_used():
    with pytest.raises(UnknownYear, match="2031 年"):
        workdays_after(day(2031, 1, 2), day(2031, 1, 9))
    entry = {2031: YearEntry(holidays=frozenset({day(2031, 1, 1), day(2031, 1, 2)}), workdays=frozenset({day(2031, 1, 4)}))}
    # 2 Jan off; Sat 4 Jan entered as a workday; 3, 4, 6, 7, 8, 9 Jan count.
    assert workdays_after(day(2031, 1, 1), day(2031, 1, 9), entered=entry) == 6


def test_the_check_shows_its_computation():
    checker = Checker()
    result = {s.check: s for s in checker.run(FileFacts(received=day(2025, 9, 24), accepted=day(2025, 9, 26),
                                                        decided=day(2025, 10, 31), served=day(2025, 11, 3),
                                                        published=day(2025, 11, 3), archived=day(2025, 11, 20)))}
    assert not result["T05"].passed
    assert result["T05"].computation == ("受理 2025-09-26 → 决定 2025-10-31 = 21 个工作日（已扣除法定节假日），"
                                         "法定 20 日，超期 1 日")
    assert result["T09"].passed and result["T15"].passed and result["T19"].passed


def test_an_extension_counts_only_when_approved_in_time_and_notified():
    facts = dict(received=day(2026, 3, 2), accepted=day(2026, 3, 2), decided=day(2026, 4, 10))
    used = workdays_after(day(2026, 3, 2), day(2026, 4, 10))
    assert used > 20
    late = Checker().run(FileFacts(**facts))
    assert not next(s for s in late if s.check == "T05").passed
    ok = Checker().run(FileFacts(**facts, extension_approved=day(2026, 3, 25), extension_notified=day(2026, 3, 26)))
    assert next(s for s in ok if s.check == "T05").passed
    too_late = Checker().run(FileFacts(**facts, extension_approved=day(2026, 4, 8), extension_notified=day(2026, 4, 8)))
    t05 = next(s for s in too_late if s.check == "T05")
    assert not t05.passed and "不计延期" in t05.computation


def test_a_late_supplement_notice_means_the_file_counts_as_accepted_on_receipt():
    facts = FileFacts(received=day(2026, 3, 2), supplement_notice=day(2026, 3, 12), supplement_complete=day(2026, 3, 20),
                      accepted=day(2026, 3, 20), decided=day(2026, 4, 14))
    result = {s.check: s for s in Checker().run(facts)}
    assert not result["T01"].passed and not result["T02"].passed
    assert "受理 2026-03-02" in result["T05"].computation  # counted from receipt, not from the supplement


def test_procedure_order_and_missing_documents():
    result = {s.check: s for s in Checker().run(FileFacts(
        received=day(2026, 3, 5), accepted=day(2026, 3, 4), decided=day(2026, 3, 10),
        required_documents=["申请书", "受理通知书", "许可决定书"], documents=["申请书"]))}
    assert not result["T15"].passed and "受理 2026-03-04 早于 收件 2026-03-05" in result["T15"].computation
    assert result["T21"].occurrences == 2 and "受理通知书、许可决定书" in result["T21"].computation


# --- scoring ------------------------------------------------------------------------------------------

ITEMS = {
    "A1": engines.ItemRule("A1", D(5), engines.FIXED, section="申请与受理"),
    "A2": engines.ItemRule("A2", D(6), engines.PER_OCCURRENCE, D(2), section="申请与受理"),
    "D1": engines.ItemRule("D1", D(100), engines.FIXED, veto=True, section="办理时限"),
    "F1": engines.ItemRule("F1", D(10), engines.PER_ELEMENT, D("0.5"), section="归档"),
    "BIG": engines.ItemRule("BIG", D(80), engines.FIXED, section="审查与决定"),
}


def test_item_caps_and_the_floor_at_zero():
    r = engines.score_file(ITEMS, [engines.FindingInput("A2", 5)])  # 5 × 2 = 10, capped at 6
    assert r.score == D("94.0") and r.by_item == {"A2": D(6)}
    r = engines.score_file(ITEMS, [engines.FindingInput("BIG"), engines.FindingInput("A2", 3), engines.FindingInput("F1", 40),
                                   engines.FindingInput("A1")])
    assert r.score == D("0.0") and r.band == "不合格"  # 80 + 6 + 10 + 5 > 100: never negative


def test_both_veto_modes():
    zero = engines.score_file(ITEMS, [engines.FindingInput("D1"), engines.FindingInput("A1")],
                              veto_mode=engines.ZERO_SCORE)
    assert (zero.score, zero.band, zero.vetoed) == (D("0.0"), "不合格", True)
    small = {"V": engines.ItemRule("V", D(1), engines.FIXED, veto=True)}
    kept = engines.score_file(small, [engines.FindingInput("V")], veto_mode=engines.FORCE_FAIL)
    assert (kept.score, kept.band) == (D("99.0"), "不合格")


def test_waived_and_unlisted_findings_deduct_nothing():
    r = engines.score_file(ITEMS, [engines.FindingInput("A1", waived=True), engines.FindingInput("NOT-IN-RUBRIC")])
    assert r.score == D("100.0")


@pytest.mark.parametrize("score, band", [("89.5", "合格"), ("90", "优秀"), ("59.9", "不合格"), ("60", "合格"),
                                         ("100", "优秀"), ("0", "不合格")])
def test_bands_at_their_edges(score, band):
    assert engines.band_for(D(score)) == band


def test_bands_through_deductions_at_89_5_and_59_9():
    items = {"H": engines.ItemRule("H", D(50), engines.PER_OCCURRENCE, D("0.5")),
             "T": engines.ItemRule("T", D(50), engines.PER_OCCURRENCE, D("0.1"))}
    assert engines.score_file(items, [engines.FindingInput("H", 21)]).band == "合格"  # 89.5
    assert engines.score_file(items, [engines.FindingInput("H", 20)]).band == "优秀"  # 90.0
    r = engines.score_file(items, [engines.FindingInput("H", 80), engines.FindingInput("T", 1)])  # 100 − 40 − 0.1
    assert (r.score, r.band) == (D("59.9"), "不合格")


def test_unit_results_mean_band_and_rank():
    out = engines.unit_results({"甲": [D(95), D(85)], "乙": [D(90), D(90)], "丙": [D(50)]})
    assert out == {"甲": (D("90.0"), "优秀", 1), "乙": (D("90.0"), "优秀", 1), "丙": (D("50.0"), "不合格", 3)}


# --- sampling and assignment --------------------------------------------------------------------------

FRAMES = {"市场局": [f"SC-{i:03d}" for i in range(40)], "建设局": [f"JS-{i:03d}" for i in range(12)]}
PLANS = {"市场局": engines.UnitPlan(count=5), "建设局": engines.UnitPlan(percent=D(20), minimum=3)}


def test_the_same_seed_draws_the_same_sample_whatever_the_frame_order():
    a = engines.draw(FRAMES, PLANS, seed=20261126)
    b = engines.draw({k: list(reversed(v)) for k, v in FRAMES.items()}, PLANS, seed=20261126)
    assert a == b and len(a["市场局"]) == 5 and len(a["建设局"]) == 3  # ceil(12 × 20%) = 3
    assert engines.draw(FRAMES, PLANS, seed=1) != a


def test_the_draw_is_documented_well_enough_to_redo_by_hand():
    import hashlib
    import hmac

    expected = sorted(FRAMES["建设局"], key=lambda f: hmac.new(b"7", f.encode(), hashlib.sha256).hexdigest())[:3]
    assert engines.draw(FRAMES, PLANS, seed=7)["建设局"] == expected
    assert "HMAC-SHA256" in engines.ALGORITHM


@given(st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=40), st.lists(st.sampled_from("ABCDEFGH"), min_size=2,
                                                                                 max_size=12), st.integers(0, 10**9))
def test_no_reviewer_is_ever_assigned_a_file_of_their_own_unit(file_units, reviewer_units, seed):
    files = [(f"F{i}", u) for i, u in enumerate(file_units)]
    reviewers = [(f"R{i}", u) for i, u in enumerate(reviewer_units)]
    home = dict(reviewers)
    try:
        result = engines.assign(files, reviewers, seed)
    except engines.AssignmentImpossible:
        assert any(all(home[r] == u for r, _h in reviewers) for _f, u in files)
        return
    unit_of = dict(files)
    for file_id, assigned in result.items():
        assert all(home[r] != unit_of[file_id] for r in assigned)
    assert set(result) == {f for f, _u in files}
    assert engines.assign(files, reviewers, seed) == result  # reproducible


def test_two_reviewers_per_file_are_distinct():
    result = engines.assign([("F1", "A"), ("F2", "B")], [("R1", "A"), ("R2", "B"), ("R3", "C")], seed=1, per_file=2)
    assert all(len(set(v)) == 2 for v in result.values())


# --- 统一社会信用代码 ------------------------------------------------------------------------------

def test_credit_codes_are_checked_including_the_check_character():
    valid = "91410100MA40" + "ABCD3"
    valid = valid + engines.uscc_check_char(valid)
    assert engines.uscc_error(valid) is None
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert "校验位" in engines.uscc_error(wrong)
    assert "18 位" in engines.uscc_error("123")
    assert "无效字符" in engines.uscc_error("91410100MA40ABCDIX")
    assert engines.uscc_error("91350100M000100Y43") is None  # a published example code
