"""Issue 19 item 4: in the demo, reminders reach people. A branch without an account is reported to its
office's admins and its assigned leader; the office's group robot (the demo's, pointed at a local server
speaking the robot's protocol) receives the messages."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import demo_at
from wuxing.core.models import Notification
from wuxing.messaging.models import Channel, ChannelKind, Delivery
from wuxing.messaging.sending import drain
from wuxing.messaging.sink import Sink
from wuxing.weekly.models import WeeklyReport
from wuxing.weekly.services import remind

pytestmark = pytest.mark.django_db


def test_monday_morning_reminders_reach_people_and_the_office_hears_of_branches_without_accounts():
    with demo_at(2026, 12, 6, 20, 0):  # Sunday evening in Shanghai: this week's report is due tomorrow noon
        result = remind()
        office = Notification.objects.get(user__username="demo_office", title__contains="没有账号")
        leader = Notification.objects.filter(user__username="demo_leader", title__contains="锦荣社区没有账号")
    assert len(result.told.people) >= 3 and result.without_accounts > 0
    assert result.told.channels["wecom"] > 0  # the demo district's robot group
    listed = office.body.splitlines()[0].split("、")
    assert f"{len(listed)} 个支部没有账号" in office.title and all(name.endswith("（无账号）") for name in listed)
    assert "锦荣社区（无账号）" in listed and "明湖社区（无账号）" not in listed  # 明湖社区 has a secretary
    assert leader.count() == 1


def test_after_the_deadline_the_office_hears_which_branches_are_missing(capsys):
    with demo_at(2026, 12, 8, 9, 0):  # Tuesday: week 49's reports were due yesterday noon
        # Two of 明湖办事处's branches without accounts did not report (the demo's own branches all did).
        WeeklyReport.objects.filter(branch__code__in=["JK0102", "JK0103"], iso_year=2026, iso_week=49).delete()
        call_command("weekly", "remind")
        out = capsys.readouterr().out
        office = Notification.objects.get(user__username="demo_office", title__contains="未报送")
        channel = Channel.objects.get(kind=ChannelKind.WECOM)
        with Sink() as sink:
            Channel.objects.filter(pk=channel.pk).update(address=sink.webhook("demo-jingkai"))
            Delivery.objects.filter(channel=channel).update(address=sink.webhook("demo-jingkai"))
            sent = drain()
    assert "reminded:" in out and "reached" in out and "wecom" in out
    assert office.body.splitlines()[0] == "锦荣社区（无账号）、航海社区（无账号）"
    assert "2 个支部未报送" in office.title
    assert sent.sent >= 1 and any("未报送" in t for t in sink.texts("demo-jingkai"))
