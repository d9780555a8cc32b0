"""Demo activities: each office's recent meetings, and one pasted brief waiting to be confirmed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wuxing.activities import services
from wuxing.activities.parsing import parse
from wuxing.orgs.models import OrgUnit

MEETINGS = [
    ("JK01", "progress", "“五星”支部创建推进会", "党工委书记高建军", "各社区党组织书记", "30余人", "progress"),
    ("JK02", "forum", "“五星”支部书记论坛", "党工委副书记吴静", "各社区、村党组织书记", "20余人", "forum"),
    ("JK03", "training", "“五星”支部创建专题培训班", "党工委委员郑伟", "各村（社区）“两委”成员", "60余人", "training"),
    ("JK04", "tour", "人居环境整治观摩活动", "党工委书记马超", "各村党支部书记", "10人", "tour"),
]
PASTED = """# 区市场监督管理局召开行政许可案卷评查会

本报讯（通讯员 陈晨）{m}月{d}日，区市场监督管理局召开行政许可案卷评查会。局党组书记赵刚主持会议，评查组成员12人参加会议。会议学习了《河南省行政许可案卷评查标准》。
"""


def load(actor, campaign) -> None:
    today = timezone.localdate()
    for i, (code, kind, title, host, attendees, people, _t) in enumerate(MEETINGS):
        unit = OrgUnit.objects.get(code=code)
        services.save_activity(
            actor, unit, type=kind, title=title, on=today - dt.timedelta(days=3 + 5 * i), host=host,
            attendees=attendees, participants=people, participants_count=int("".join(c for c in people if c.isdigit())),
            documents=["关于创建“五星”支部引领城市基层治理的指导意见", "经开区“五星”支部创建工作要点"],
            requirements="要对照标准找差距、补短板，确保年底前完成创建任务。", reporter="王芳", correspondents=["赵磊"],
            campaign=campaign)
    day = today - dt.timedelta(days=2)
    text = PASTED.format(m=day.month, d=day.day)
    clean, articles = parse(text, list(OrgUnit.objects.values_list("name", flat=True)), campaign.year)
    services.create_from_articles(actor, campaign, articles, {u.name: u for u in OrgUnit.objects.all()}, text, clean)
