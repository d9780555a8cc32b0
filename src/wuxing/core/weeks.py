"""ISO weeks and weekly-report deadlines. Pure Python, no Django.

A report covers one ISO week (Monday–Sunday). By default it is due on the Monday of the following
week at 12:00 Asia/Shanghai; a campaign may choose another weekday and time of that following week.
Submitted at or before the due time is on time; after it, late; never submitted once the due time
has passed, missing; not submitted yet but still before the due time, pending.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
# How pages, documents and exports speak a status (as core.levels speaks a level).
STATUS_WORDS = {ON_TIME: "按时", LATE: "迟报", MISSING: "未报", PENDING: "未到截止"}


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, "")


def week_start(iso_year: int, iso_week: int) -> dt.date:
    """The Monday of an ISO week (raises ValueError for a week the year does not have)."""
    return dt.date.fromisocalendar(iso_year, iso_week, 1)


def label(iso_year: int, iso_week: int, *, with_year: bool = True) -> str:
    """A week as people write it: 2026年第48周 (or 第48周 where the year is plain). Every page, document and
    message names a week through this, so none reads 第48周周动态."""
    return f"{iso_year}年第{iso_week}周" if with_year else f"第{iso_week}周"


def week_of(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def weeks_in_year(iso_year: int) -> int:
    """52 or 53: the week of 28 December is always the year's last ISO week."""
    return dt.date(iso_year, 12, 28).isocalendar().week


def due_at(iso_year: int, iso_week: int, weekday: int = 0, at: dt.time = dt.time(12, 0),
           tz: ZoneInfo = SHANGHAI) -> dt.datetime:
    """When the report of the given week is due: `weekday` (0 = Monday) of the following week, at `at`."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    day = week_start(iso_year, iso_week) + dt.timedelta(days=7 + weekday)
    return dt.datetime.combine(day, at, tzinfo=tz)


def status(submitted_at: dt.datetime | None, due: dt.datetime, now: dt.datetime) -> str:
    if submitted_at is not None:
        return ON_TIME if submitted_at <= due else LATE
    return MISSING if now > due else PENDING


def weeks_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """Every ISO week touched by [first, last], in order (crosses year ends and week 53 correctly)."""
    if last < first:
        return []
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(week_of(monday))
        monday += dt.timedelta(days=7)
    return out
