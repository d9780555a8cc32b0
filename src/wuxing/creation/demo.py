"""Demo campaign year for the demo district: targets, plans and self-assessment results.

Proportions follow the research notes §5.3–5.4: most branches go for 2–3 stars, few for 5;
文明幸福 and 平安法治 are common targets, 产业兴旺/共建共享 rare, 支部过硬 rarest. Random but seeded,
so every demo install shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from wuxing.core.roles import BRANCH_LEVELS, Kind
from wuxing.creation import services
from wuxing.creation.models import PlanTask, TaskStatus
from wuxing.evaluation.services import save_self_results
from wuxing.orgs.models import OrgUnit

LEVEL_WEIGHTS = {1: 4, 2: 35, 3: 45, 4: 12, 5: 4}
STAR_WEIGHTS = [0.05, 0.15, 0.7, 0.8, 0.98]  # by star order: 支部过硬 … 文明幸福
LEAVE_EMPTY = {"JK0101"}  # demo_branch's community: left for the visitor to fill in
TASK_TITLES = [
    "对照标准逐项梳理{star}台账", "召开{star}专题推进会", "完善{star}相关制度并上墙公示",
    "开展{star}创建“回头看”", "组织党员志愿者参与{star}创建",
]
PEOPLE = ["王建华", "李秀兰", "张国强", "刘桂英", "陈志明", "杨丽娟", "赵海军", "孙红梅"]


def _pick_stars(rng: random.Random, codes: list[str], level: int) -> list[str]:
    chosen: list[str] = []
    pool = list(zip(codes, STAR_WEIGHTS))
    while len(chosen) < level:
        total = sum(w for c, w in pool if c not in chosen)
        r = rng.random() * total
        for code, weight in pool:
            if code in chosen:
                continue
            r -= weight
            if r <= 0:
                chosen.append(code)
                break
    return chosen


def load(actor, district: OrgUnit, urban_standard, rural_standard) -> None:
    rng = random.Random(2026)
    today = timezone.localdate()
    year = today.year
    campaign = services.create_campaign(
        actor, district, year=year, name=f"{year} 年度“五星”支部创建", urban_standard=urban_standard,
        rural_standard=rural_standard, plan_due=dt.date(year, 3, 31), assessment_opens=dt.date(year, 10, 1),
        assessment_closes=dt.date(year, 12, 10), office_review_due=dt.date(year, 12, 20),
        district_review_due=dt.date(year, 12, 28), notice_working_days=5, flag_min_level=3,
        flag_min_share=Decimal("0.800"), flag_allow_zero=False,
        weekly_from=today - dt.timedelta(weeks=8, days=today.weekday()), key_work_tags=list(services.Campaign._meta.get_field(
            "key_work_tags").default()), is_active=True)
    branches = OrgUnit.objects.filter(level__in=BRANCH_LEVELS, path__startswith=district.path).order_by("path")
    levels, weights = zip(*LEVEL_WEIGHTS.items())
    for branch in branches:
        if branch.code in LEAVE_EMPTY:
            continue
        standard = campaign.standard_for(branch)
        stars = list(standard.stars.all())
        codes = [s.code for s in stars]
        level = rng.choices(levels, weights)[0]
        target_codes = _pick_stars(rng, codes, level)
        kind = "社区" if branch.kind == Kind.URBAN else "村"
        target = services.save_target(
            actor, campaign, branch, star_codes=target_codes,
            strengths=f"{kind}“两委”班子团结，党员队伍稳定，群众基础较好。",
            achieved="三会一课、主题党日常态开展；人居环境整治持续推进。",
            weaknesses="集体经济收入偏低，网格员力量不足，部分台账不够规范。",
            goal=f"年内争创“{level}星”支部。", measures="对照标准逐项建立任务清单，责任到人、按月推进、季度讲评。")
        roll = rng.random()
        if roll < 0.7:
            services.submit_target(actor, target)
            services.confirm_target(actor, target, "同意。")
        elif roll < 0.85:
            services.submit_target(actor, target)
        # Plan: one to three tasks per target star, each naming one or two indicators.
        for star in stars:
            if star.code not in target_codes:
                continue
            indicators = list(star.indicators.all())
            for n in range(rng.randint(1, 3)):
                due = dt.date(year, rng.randint(3, 12), rng.randint(1, 28))
                picked = rng.sample(indicators, k=min(len(indicators), rng.randint(1, 2)))
                task = PlanTask.objects.create(
                    campaign=campaign, branch=branch, star_code=star.code,
                    indicator_codes=[i.code for i in picked], title=TASK_TITLES[n % len(TASK_TITLES)].format(star=star.name),
                    measures="明确专人负责，每月报送进展，办事处跟踪督导。", responsible_name=rng.choice(PEOPLE),
                    due_date=due, tags=[rng.choice(campaign.key_work_tags)] if rng.random() < 0.3 else [])
                if due < today and rng.random() < 0.8:
                    task.status, task.completed_at = TaskStatus.DONE, timezone.now()
                else:
                    task.status = services.status_for(task, today, False)
                task.save(update_fields=["status", "completed_at"])
        # Self-assessment so far: most indicators of target stars met, a few still open.
        results = {}
        for star in stars:
            for ind in star.indicators.all():
                good = rng.random() < (0.95 if star.code in target_codes else 0.3)
                results[ind.code] = (ind.max_points if good else (ind.pass_mark or 0) - 5) if ind.kind == "points" else good
        save_self_results(actor, campaign, branch, results)
    return campaign
