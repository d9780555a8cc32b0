"""Working days on the official calendar (holidays and 调休 make-up workdays). Pure Python, no Django.

chinesecalendar carries the State Council's schedule for the years it knows. For a year it does not
know yet (the schedule is published each November for the next year) we count Monday–Friday and
say so: every result carries `estimated`, and pages show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


class UnknownYear(ValueError):
    """Neither the official schedule nor an administrator has given this year's holidays."""

    def __init__(self, year: int):
        super().__init__(f"{year} 年的法定节假日和调休安排尚未录入：请系统管理员在“工作日历”中录入该年安排后再计算。")
        self.year = year


@dataclass(frozen=True)
class YearEntry:
    """An administrator's entry for a year the package does not cover: its holidays and make-up workdays."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


def is_workday(day: dt.date, entered: dict[int, YearEntry] | None = None, strict: bool = False) -> tuple[bool, bool]:
    """(is a working day, whether the year is known). An entered year takes precedence; in strict mode
    an unknown year raises UnknownYear instead of falling back to Monday–Friday."""
    entry = (entered or {}).get(day.year)
    if entry is not None:
        if day in entry.workdays:
            return True, True
        if day in entry.holidays:
            return False, True
        return day.weekday() < 5, True
    work = _official(day)
    if work is None:
        if strict:
            raise UnknownYear(day.year) from None
        return day.weekday() < 5, False
    return work, True


@lru_cache(maxsize=8192)
def _official(day: dt.date) -> bool | None:
    """The published schedule's answer for a day (None for a year it does not cover); the package validates
    every date on each call, and time limits count thousands of days, so each day is asked once."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    estimated: bool  # some day on the way lies in a year the official schedule does not cover yet


def add_working_days(start: dt.date, n: int, *, count_start: bool = False, entered: dict[int, YearEntry] | None = None,
                     strict: bool = False) -> Deadline:
    """The day on which the n-th working day falls, counting from the day after `start` by default
    (the start day excluded, as statutory time limits are counted)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start if count_start else start + dt.timedelta(days=1)
    estimated = False
    counted = 0
    while True:
        work, known = is_workday(day, entered, strict)
        estimated |= not known
        if work:
            counted += 1
            if counted == n:
                return Deadline(day, estimated)
        day += dt.timedelta(days=1)


def working_days_between(first: dt.date, last: dt.date, entered: dict[int, YearEntry] | None = None,
                         strict: bool = False) -> tuple[int, bool]:
    """Working days in [first, last] and whether any was estimated."""
    n, estimated = 0, False
    day = first
    while day <= last:
        work, known = is_workday(day, entered, strict)
        n += work
        estimated |= not known
        day += dt.timedelta(days=1)
    return n, estimated


def workdays_after(start: dt.date, end: dt.date, *, count_start: bool = False,
                   entered: dict[int, YearEntry] | None = None) -> int:
    """Working days after `start` up to and including `end` (the start day too when `count_start`);
    negative when `end` is before `start`. Strict: an unknown year raises UnknownYear."""
    if end < start:
        return -workdays_after(end, start, count_start=count_start, entered=entered)
    first = start if count_start else start + dt.timedelta(days=1)
    if first > end:
        return 0
    return working_days_between(first, end, entered, strict=True)[0]
