"""Working days on the official calendar (holidays and 调休 make-up workdays). Pure Python, no Django.

chinesecalendar carries the State Council's schedule for the years it knows. For a year it does not
know yet (the schedule is published each November for the next year) we count Monday–Friday and
say so: every result carries `estimated`, and pages show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, whether the official schedule knows the year)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    estimated: bool  # some day on the way lies in a year the official schedule does not cover yet


def add_working_days(start: dt.date, n: int, *, count_start: bool = False) -> Deadline:
    """The day on which the n-th working day falls, counting from the day after `start` by default
    (the start day excluded, as statutory time limits are counted)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start if count_start else start + dt.timedelta(days=1)
    estimated = False
    counted = 0
    while True:
        work, known = is_workday(day)
        estimated |= not known
        if work:
            counted += 1
            if counted == n:
                return Deadline(day, estimated)
        day += dt.timedelta(days=1)


def working_days_between(first: dt.date, last: dt.date) -> tuple[int, bool]:
    """Working days in [first, last] and whether any was estimated."""
    n, estimated = 0, False
    day = first
    while day <= last:
        work, known = is_workday(day)
        n += work
        estimated |= not known
        day += dt.timedelta(days=1)
    return n, estimated
