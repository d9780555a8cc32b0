"""The cache key's count of passed deadlines (campaigns.selectors.weeks_state) reads only the newest deadlines: it
must equal a count over every week shown, in either order (the weekly history lists the newest first), at any
instant (the deadline's own minute, Monday morning in Shanghai, the year's end, a Sunday night in UTC) and for any
weekday and time the campaign sets; and it names the newest week and how many are shown."""

import datetime as dt

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import weeks_state
from wuxing.core.weeks import SHANGHAI, weeks_between

START = dt.datetime(2025, 12, 1, tzinfo=SHANGHAI)


@settings(max_examples=60, deadline=None)
@given(first=st.integers(0, 400), span=st.integers(0, 60), minutes=st.integers(0, 60 * 24 * 500),
       weekday=st.integers(0, 6), hour=st.integers(0, 23), newest_first=st.booleans())
def test_passed_deadlines_are_counted_as_over_every_week(first, span, minutes, weekday, hour, newest_first):
    campaign = Campaign(weekly_due_weekday=weekday, weekly_due_time=dt.time(hour, 0))
    begin = (START + dt.timedelta(days=first)).date()
    in_order = weeks_between(begin, begin + dt.timedelta(days=7 * span))
    shown = list(reversed(in_order)) if newest_first else in_order
    instant = START + dt.timedelta(minutes=minutes)
    for now in (instant, campaign.weekly_due(*in_order[-1]) if shown else instant):
        with time_machine.travel(now, tick=False):
            expected = sum(1 for week in shown if dt.datetime.now(tz=SHANGHAI) > campaign.weekly_due(*week))
            newest = f"{in_order[-1][0]}-{in_order[-1][1]}" if in_order else "-"
            assert weeks_state(campaign, shown) == (newest, len(shown), expected)
