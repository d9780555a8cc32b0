"""Demo weekly reports: the last eight weeks, mostly on time, some late, some missing (seeded)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from wuxing.core import weeks as deadlines
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.orgs.models import OrgUnit
from wuxing.weekly.models import ReportStatus, WeeklyReport, WorkItem

WORK = ["组织党员开展主题党日活动", "入户走访困难群众 {n} 户", "召开“两委”联席会议研究创建工作", "开展人居环境集中整治",
        "网格员排查矛盾纠纷 {n} 起并就地化解", "开展反电诈宣传进小区", "组织志愿者清理卫生死角", "整理创建台账资料"]
PROBLEMS = ["部分台账资料不够规范", "网格员力量不足", "集体经济项目推进较慢", ""]
NEXT = ["继续推进创建任务清单", "迎接办事处督导", "开展“回头看”自查"]


def load(campaign, weeks: int = 8) -> int:
    rng = random.Random(8)
    now = timezone.now()
    today = timezone.localdate()
    this_week = deadlines.week_of(today)
    recent = [w for w in deadlines.weeks_between(today - dt.timedelta(weeks=weeks), today) if w != this_week][-weeks:]
    created = 0
    for branch in OrgUnit.objects.filter(level__in=BRANCH_LEVELS, path__startswith=campaign.unit.path):
        diligence = rng.random()
        for y, w in recent:
            due = campaign.weekly_due(y, w)
            roll = rng.random()
            if roll > 0.75 + 0.2 * diligence:
                continue  # missing
            late = roll > 0.6 + 0.3 * diligence
            submitted = due + dt.timedelta(hours=rng.randint(2, 60)) if late else due - dt.timedelta(hours=rng.randint(1, 70))
            if submitted > now:
                continue
            report = WeeklyReport.objects.create(
                campaign=campaign, branch=branch, iso_year=y, iso_week=w, week_start=deadlines.week_start(y, w),
                due_at=due, summary="本周围绕“五星”支部创建重点任务扎实推进。", problems=rng.choice(PROBLEMS),
                next_plan=rng.choice(NEXT), submitted_at=submitted,
                status=ReportStatus.ACCEPTED if rng.random() < 0.7 else ReportStatus.SUBMITTED)
            WorkItem.objects.bulk_create([WorkItem(report=report, order=i, text=t.format(n=rng.randint(3, 20)), applied=True)
                                          for i, t in enumerate(rng.sample(WORK, 3))])
            created += 1
    return created
