import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuxing.core.weeks import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    SHANGHAI,
    due_at,
    status,
    week_of,
    week_start,
    weeks_between,
    weeks_in_year,
)

ONE_SECOND = dt.timedelta(seconds=1)


def test_default_due_is_monday_noon_shanghai_of_the_following_week():
    assert due_at(2026, 47) == dt.datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


def test_exactly_at_the_due_time_is_on_time_and_one_second_later_is_late():
    due = due_at(2026, 47)
    assert status(due, due, due) == ON_TIME
    assert status(due + ONE_SECOND, due, due + ONE_SECOND) == LATE
    assert status(due - ONE_SECOND, due, due) == ON_TIME


def test_unsubmitted_is_pending_until_the_due_time_and_missing_one_second_after():
    due = due_at(2026, 47)
    assert status(None, due, due) == PENDING
    assert status(None, due, due + ONE_SECOND) == MISSING


def test_a_week_spanning_new_year():
    # ISO 2025-W01 runs Monday 30 Dec 2024 to Sunday 5 Jan 2025.
    assert week_start(2025, 1) == dt.date(2024, 12, 30)
    assert week_of(dt.date(2024, 12, 31)) == (2025, 1)
    assert due_at(2025, 1) == dt.datetime(2025, 1, 6, 12, tzinfo=SHANGHAI)


def test_a_year_with_week_53():
    assert weeks_in_year(2026) == 53 and weeks_in_year(2025) == 52
    assert week_start(2026, 53) == dt.date(2026, 12, 28)
    assert due_at(2026, 53) == dt.datetime(2027, 1, 4, 12, tzinfo=SHANGHAI)
    assert weeks_between(dt.date(2026, 12, 20), dt.date(2027, 1, 10)) == [(2026, 51), (2026, 52), (2026, 53), (2027, 1)]
    with pytest.raises(ValueError):
        week_start(2025, 53)


def test_another_weekday_and_time():
    assert due_at(2026, 47, weekday=2, at=dt.time(18, 0)) == dt.datetime(2026, 11, 25, 18, tzinfo=SHANGHAI)
    with pytest.raises(ValueError):
        due_at(2026, 47, weekday=7)


def test_the_due_time_is_an_absolute_instant_whatever_the_reader_zone():
    utc = due_at(2026, 47).astimezone(dt.timezone.utc)
    assert utc == dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.timezone.utc)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_belongs_to_the_week_that_starts_on_its_monday(day):
    y, w = week_of(day)
    assert week_start(y, w) <= day < week_start(y, w) + dt.timedelta(days=7)
    assert 1 <= w <= weeks_in_year(y)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2098, 1, 1)), st.integers(0, 800))
def test_weeks_between_has_no_gaps_or_repeats(first, span):
    weeks = weeks_between(first, first + dt.timedelta(days=span))
    mondays = [week_start(*w) for w in weeks]
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(mondays, mondays[1:]))
    assert weeks[0] == week_of(first)
