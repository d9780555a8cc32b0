"""`wuxing seed --scale district|city|province`: a realistic campaign year at the size asked for.

province ≈ the real one: 18 cities, 160 counties, about 2,400 townships and street offices, 46,000
villages and 5,000 communities; one complete campaign year (2025) with targets, about 10 plan tasks
per branch, 52 weekly reports per branch (about 85 % on time, 10 % late, 5 % missing), a
self-assessment of every indicator, submissions and awards in the proportions of DESIGN §6 and the
research (§5.3), a case-file review campaign, then the live rollups built once.

Rows are generated from one random seed (same seed, same data) and written in bulk: PostgreSQL's
COPY where available, Django's bulk_create elsewhere. Ids are assigned up front so materialised
paths and foreign keys need no second pass.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from wuxing.core.roles import Kind, Level, Role
from wuxing.orgs.models import PATH_SEGMENT_WIDTH, OrgUnit, RoleAssignment, User

PASSWORD = "Bench@2026pass"
YEAR = 2025
SYSTEM = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)

CITIES = ["郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河", "三门峡", "南阳", "商丘",
          "信阳", "周口", "驻马店", "济源"]
SYLLABLES = list("东西南北中新老上下大小王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
                 "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
                 "河山岭湾桥塘庄营堡集店寨坡沟岗坪洼")
WORK = ["组织党员开展主题党日活动，围绕“五星”创建查摆问题并明确整改措施。", "入户走访困难群众，协调解决就医、就学等实际困难。",
        "召开“两委”联席会议，研究集体经济项目推进和人居环境整治工作。", "开展人居环境集中整治，清理房前屋后杂物和卫生死角。",
        "网格员排查矛盾纠纷并就地化解，做到小事不出村、大事不出镇。", "开展反电信诈骗宣传进小区、进农户，发放宣传资料。",
        "组织志愿者开展文明实践活动，评选表彰身边好人和文明家庭。", "整理创建台账资料，对照标准逐项补齐会议记录和佐证照片。"]
TASKS = ["完善“四议两公开”记录", "发展壮大集体经济项目", "开展人居环境整治提升", "落实网格化基层治理", "建设新时代文明实践站",
         "规范党员积分管理", "推进矛盾纠纷多元化解", "打造特色产业示范基地", "开展移风易俗宣传", "提升便民服务水平"]
# Level shares of a named year (research §5.3 and perf-anchors §3): 0★ … 5★.
LEVEL_SHARES = [0.021, 0.049, 0.501, 0.278, 0.121, 0.030]
STAR_WEIGHTS = [0.15, 0.35, 0.7, 1.0, 1.0]  # 支部过硬 is the rarest


@dataclass(frozen=True)
class Scale:
    root_level: str
    cities: int
    counties: tuple[int, int]  # per city
    townships: tuple[int, int]  # per county
    branches: tuple[int, int]  # per township


SCALES = {
    "district": Scale(Level.DISTRICT, 0, (0, 0), (12, 12), (20, 30)),
    "city": Scale(Level.CITY, 1, (9, 9), (12, 18), (15, 28)),
    "province": Scale(Level.PROVINCE, 18, (5, 14), (9, 21), (13, 30)),
}
TARGETS = {"province": (160, 2400, 51000)}  # counties, townships, branches


class Progress:
    """One line per stage on stderr: a bar, rows written, rows per second."""

    def __init__(self, out=None, quiet: bool = False):
        self.out, self.quiet, self.started = out or sys.stderr, quiet, time.perf_counter()

    def stage(self, name: str, total: int):
        return _Bar(self, name, total)


class _Bar:
    def __init__(self, progress: Progress, name: str, total: int):
        self.p, self.name, self.total, self.done, self.t0 = progress, name, max(total, 1), 0, time.perf_counter()
        self.draw()

    def add(self, n: int) -> None:
        self.done += n
        self.draw()

    def draw(self, end: str = "\r") -> None:
        if self.p.quiet:
            return
        filled = int(30 * min(self.done, self.total) / self.total)
        rate = self.done / max(time.perf_counter() - self.t0, 1e-6)
        self.p.out.write(f"{self.name:<14} [{'#' * filled}{'.' * (30 - filled)}] {self.done:>10,} "
                         f"{rate:>10,.0f}/s{end}")
        self.p.out.flush()

    def close(self) -> float:
        self.draw("\n")
        return time.perf_counter() - self.t0


class Writer:
    """Bulk rows into a model's table: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, progress: Progress):
        self.progress, self.pg = progress, connection.vendor == "postgresql"

    def write(self, model: type[models.Model], names: list[str], rows, total: int, label: str) -> int:
        fields = [model._meta.get_field(n) for n in names]
        bar = self.progress.stage(label, total)
        n = 0
        if self.pg:
            cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        if json_at:
                            row = list(row)
                            for i in json_at:
                                row[i] = json.dumps(row[i], ensure_ascii=False)
                        copy.write_row(row)
                        n += 1
                        if n % 20000 == 0:
                            bar.add(20000)
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip([f.attname for f in fields], row))))
                if len(batch) == 2000:
                    model.objects.bulk_create(batch)
                    n += len(batch)
                    bar.add(len(batch))
                    batch = []
            model.objects.bulk_create(batch)
            n += len(batch)
        bar.done = n
        bar.close()
        return n

    def reset_sequences(self, *model_list) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
                cursor.execute(sql)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _name(rng: random.Random, suffix: str, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(SYLLABLES)}{len(used)}{suffix}"
    used.add(name)
    return name


def _tree(scale_name: str, rng: random.Random, first_id: int) -> list[dict]:
    """Units as dicts (id, parent id, level, kind, code, name, path, depth), parents before children."""
    scale = SCALES[scale_name]
    units: list[dict] = []
    next_id = [first_id]

    def add(parent, level, kind, code, name):
        uid = next_id[0]
        next_id[0] += 1
        path = (parent["path"] if parent else "") + f"{uid:0{PATH_SEGMENT_WIDTH}d}/"
        unit = {"id": uid, "parent_id": parent["id"] if parent else None, "level": level, "kind": kind, "code": code,
                "name": name, "path": path, "depth": parent["depth"] + 1 if parent else 0}
        units.append(unit)
        return unit

    prefix = {"district": "SD", "city": "SC", "province": "SP"}[scale_name]
    names: set[str] = set()
    if scale_name == "province":
        root = add(None, Level.PROVINCE, Kind.MIXED, prefix, "河南省")
        counties_per_city = _split(TARGETS["province"][0], scale.cities, scale.counties, rng)
        cities = [add(root, Level.CITY, Kind.MIXED, f"{prefix}{i + 1:02d}", CITIES[i] + "市") for i in range(scale.cities)]
        counties = [add(c, Level.DISTRICT, Kind.MIXED, f"{c['code']}{j + 1:02d}", _name(rng, "县", names))
                    for c, n in zip(cities, counties_per_city) for j in range(n)]
        towns_per_county = _split(TARGETS["province"][1], len(counties), scale.townships, rng)
        branches_total = TARGETS["province"][2]
    elif scale_name == "city":
        root = add(None, Level.CITY, Kind.MIXED, prefix, "样本市")
        counties = [add(root, Level.DISTRICT, Kind.MIXED, f"{prefix}{j + 1:02d}", _name(rng, "县", names))
                    for j in range(scale.counties[0])]
        towns_per_county = [rng.randint(*scale.townships) for _ in counties]
        branches_total = None
    else:
        root = add(None, Level.DISTRICT, Kind.MIXED, prefix, "样本区")
        counties = [root]
        towns_per_county = [scale.townships[0]]
        branches_total = None
    townships = []
    for county, n in zip(counties, towns_per_county):
        for k in range(n):
            street = rng.random() < 0.1
            townships.append((add(county, Level.OFFICE, Kind.URBAN if street else Kind.RURAL, f"{county['code']}{k + 1:02d}",
                                  _name(rng, "街道" if street else "镇", names)), street))
    sizes = (_split(branches_total, len(townships), scale.branches, rng) if branches_total
             else [rng.randint(*scale.branches) for _ in townships])
    for (town, street), n in zip(townships, sizes):
        for b in range(n):
            community = rng.random() < (0.85 if street else 0.003)
            add(town, Level.COMMUNITY if community else Level.VILLAGE, Kind.URBAN if community else Kind.RURAL,
                f"{town['code']}{b + 1:03d}", town["name"][:2] + _name(rng, "社区" if community else "村", set()))
    return units


def _split(total: int, parts: int, bounds: tuple[int, int], rng: random.Random) -> list[int]:
    """`parts` integers within `bounds` summing to `total` (bounds permitting)."""
    lo, hi = bounds
    sizes = [rng.randint(lo, hi) for _ in range(parts)]
    while sum(sizes) != total:
        i = rng.randrange(parts)
        if sum(sizes) < total and sizes[i] < hi:
            sizes[i] += 1
        elif sum(sizes) > total and sizes[i] > lo:
            sizes[i] -= 1
    return sizes


def _weighted_stars(rng: random.Random, codes: list[str], level: int) -> list[str]:
    pool, weights, out = list(codes), list(STAR_WEIGHTS[:len(codes)]), []
    for _ in range(min(level, len(codes))):
        pick = rng.choices(range(len(pool)), weights)[0]
        out.append(pool.pop(pick))
        weights.pop(pick)
    return [c for c in codes if c in out]


def seed(scale_name: str, seed_value: int = 2026, quiet: bool = False, out=None) -> dict:
    """Create the data set; returns counts and timings. Refuses if this scale's root already exists."""
    from wuxing.campaigns.models import Campaign
    from wuxing.core import weeks as deadlines
    from wuxing.creation.models import PlanTask, Target, TargetStatus, TaskStatus
    from wuxing.creation.services import create_campaign
    from wuxing.evaluation.models import (
        Assessment,
        AssessmentStatus,
        Award,
        IndicatorResult,
        Stage,
        Submission,
    )
    from wuxing.evaluation.models import SubmissionStatus as S
    from wuxing.rollups import services as rollups
    from wuxing.seed.demo import load_shipped_standards as _load_shipped_standards
    from wuxing.standards.models import Standard
    from wuxing.weekly.models import ReportStatus, WeeklyReport

    rng = random.Random(seed_value)
    progress = Progress(out, quiet)
    writer = Writer(progress)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    prefix = {"district": "SD", "city": "SC", "province": "SP"}[scale_name]
    if OrgUnit.objects.filter(code=prefix).exists():
        raise ValueError(f"the {scale_name} data set is already loaded (unit {prefix})")
    now = timezone.now()

    with transaction.atomic():
        # --- the tree --------------------------------------------------------------------------------
        t0 = time.perf_counter()
        units = _tree(scale_name, rng, _next_id(OrgUnit))
        writer.write(OrgUnit, ["id", "parent", "level", "kind", "code", "name", "path", "depth", "area_code", "is_active",
                               "created_at", "updated_at"],
                     ((u["id"], u["parent_id"], u["level"], u["kind"], u["code"], u["name"], u["path"], u["depth"], "",
                       True, now, now) for u in units), len(units), "units")
        writer.reset_sequences(OrgUnit)
        timings["units"] = time.perf_counter() - t0
        root = OrgUnit.objects.get(code=prefix)
        branches = [u for u in units if u["level"] in (Level.COMMUNITY, Level.VILLAGE)]
        offices = [u for u in units if u["level"] == Level.OFFICE]
        counties = [u for u in units if u["level"] == Level.DISTRICT]
        units_by_id = {u["id"]: u for u in units}

        # --- people: an admin at each level the benchmarks use, and branch secretaries ----------------
        _load_shipped_standards(SYSTEM)
        hashed = make_password(PASSWORD)
        people = [(f"{prefix.lower()}_admin", "区级管理员", Role.DISTRICT_ADMIN, root.pk)]
        if counties and counties[0]["id"] != root.pk:
            people.append((f"{prefix.lower()}_county", "县级管理员", Role.DISTRICT_ADMIN, counties[0]["id"]))
        people += [(f"{prefix.lower()}_office{i}", "办事处管理员", Role.OFFICE_ADMIN, o["id"])
                   for i, o in enumerate(offices[:50])]
        people += [(f"{prefix.lower()}_sec{i}", "支部书记", Role.SECRETARY, b["id"]) for i, b in enumerate(branches[:2000])]
        first_user = _next_id(User)
        User.objects.bulk_create([User(id=first_user + i, username=u, real_name=n, password=hashed, is_active=True)
                                  for i, (u, n, _r, _unit) in enumerate(people)], batch_size=2000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user_id=first_user + i, role=r, unit_id=unit)
                                            for i, (_u, _n, r, unit) in enumerate(people)], batch_size=2000)
        writer.reset_sequences(User)

        # --- the campaign year -----------------------------------------------------------------------
        t0 = time.perf_counter()
        urban = Standard.objects.get(code="henan-urban-sample", version=1)
        rural = Standard.objects.get(code="henan-rural-sample", version=1)
        campaign = create_campaign(
            SYSTEM, root, year=YEAR, name=f"{YEAR} 年度“五星”支部创建", urban_standard=urban, rural_standard=rural,
            plan_due=dt.date(YEAR, 3, 31), assessment_opens=dt.date(YEAR, 10, 1), assessment_closes=dt.date(YEAR, 10, 31),
            office_review_due=dt.date(YEAR, 11, 15), district_review_due=dt.date(YEAR, 11, 30))
        campaign = Campaign.objects.select_related("unit").get(pk=campaign.pk)
        timings["campaign_open"] = time.perf_counter() - t0
        stars = {k: [s.code for s in campaign.standard_for_kind(k).stars.all()] for k in (Kind.URBAN, Kind.RURAL)}
        indicators = {k: [(i.code, i.kind, i.max_points, i.pass_mark, s.code)
                          for s in campaign.standard_for_kind(k).stars.all() for i in s.indicators.all()]
                      for k in (Kind.URBAN, Kind.RURAL)}

        # Each branch's fate for the year, drawn once.
        fate = {}
        for b in branches:
            kind = Kind.URBAN if b["kind"] == Kind.URBAN else Kind.RURAL
            level = rng.choices(range(6), LEVEL_SHARES)[0]
            held = _weighted_stars(rng, stars[kind], level)
            target = _weighted_stars(rng, stars[kind], min(5, level + rng.choice([0, 0, 1, 1, 2])))
            roll = rng.random()
            stage = "awarded" if roll < 0.85 else "office" if roll < 0.90 else "returned" if roll < 0.93 else "draft"
            fate[b["id"]] = (kind, level, held, target, stage, rng.random() * 0.10, rng.random() * 0.20)

        writer.write(Target, ["campaign", "branch", "star_codes", "level", "status", "goal", "strengths", "achieved",
                              "weaknesses", "measures", "office_note", "submitted_at", "decided_at", "updated_at"],
                     ((campaign.pk, bid, f[3], len(f[3]), TargetStatus.CONFIRMED, f"争创{len(f[3])}星支部", "", "", "", "",
                       "", now, now, now) for bid, f in fate.items() if rng.random() < 0.95),
                     len(fate), "targets")

        def tasks():
            for b in branches:
                kind, _lvl, _held, target, *_ = fate[b["id"]]
                for t in range(rng.randint(8, 12)):
                    roll = rng.random()
                    status = (TaskStatus.DONE if roll < 0.6 else TaskStatus.IN_PROGRESS if roll < 0.75
                              else TaskStatus.OVERDUE if roll < 0.85 else TaskStatus.NOT_STARTED)
                    due = dt.date(YEAR, rng.randint(3, 12), rng.randint(1, 28))
                    yield (campaign.pk, b["id"], rng.choice(target or stars[kind]), [], TASKS[t % len(TASKS)], "",
                           "支部书记", due, status, [], now if status == TaskStatus.DONE else None, now, now)

        writer.write(PlanTask, ["campaign", "branch", "star_code", "indicator_codes", "title", "measures",
                                "responsible_name", "due_date", "status", "tags", "completed_at", "created_at",
                                "updated_at"], tasks(), len(branches) * 10, "plan tasks")

        weeks = deadlines.weeks_between(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 28))
        dues = {w: campaign.weekly_due(*w) for w in weeks}
        starts = {w: deadlines.week_start(*w) for w in weeks}

        def reports():
            for b in branches:
                _k, _l, _h, _t, _s, missing, late = fate[b["id"]]
                for w in weeks:
                    roll = rng.random()
                    if roll < missing:
                        continue
                    due = dues[w]
                    is_late = roll > 1 - late
                    at = due + dt.timedelta(minutes=rng.randint(10, 4000)) if is_late else due - dt.timedelta(
                        minutes=rng.randint(60, 6000))
                    yield (campaign.pk, b["id"], w[0], w[1], starts[w], due, WORK[rng.randrange(8)] + WORK[rng.randrange(8)],
                           "", "继续推进创建任务清单。", "", ReportStatus.ACCEPTED, at, "", at, 1, at, at)

        writer.write(WeeklyReport, ["campaign", "branch", "iso_year", "iso_week", "week_start", "due_at", "summary",
                                    "problems", "next_plan", "highlights", "status", "submitted_at", "office_note",
                                    "decided_at", "version", "created_at", "updated_at"],
                     reports(), len(branches) * len(weeks), "weekly reports")

        # --- self-assessments, submissions and awards -------------------------------------------------
        first_assessment, first_submission = _next_id(Assessment), _next_id(Submission)
        assessed = [b for b in branches if fate[b["id"]][4] != "draft" or rng.random() < 0.5]
        a_ids = {b["id"]: first_assessment + i for i, b in enumerate(assessed)}
        writer.write(Assessment, ["id", "campaign", "branch", "stage", "status", "version", "submitted_at", "updated_at"],
                     ((a_ids[b["id"]], campaign.pk, b["id"], Stage.SELF, AssessmentStatus.SUBMITTED, 1, now, now)
                      for b in assessed), len(assessed), "assessments")

        def results():
            for b in assessed:
                kind, _lvl, held, *_ = fate[b["id"]]
                for code, ikind, max_points, pass_mark, star in indicators[kind]:
                    good = star in held or rng.random() < 0.7
                    if ikind == "points":
                        full = float(max_points or 0)
                        points = full if good else round(full * rng.uniform(0.2, 0.55), 1)
                        yield (a_ids[b["id"]], code, None, points, None, "", now)
                    else:
                        yield (a_ids[b["id"]], code, good, None, None, "", now)

        writer.write(IndicatorResult, ["assessment", "indicator_code", "met", "points", "agree", "note", "updated_at"],
                     results(), len(assessed) * len(indicators[Kind.RURAL]), "results")
        submitted = [b for b in branches if fate[b["id"]][4] != "draft"]
        s_ids = {b["id"]: first_submission + i for i, b in enumerate(submitted)}
        status = {"awarded": S.AWARDED, "office": S.OFFICE, "returned": S.RETURNED}
        writer.write(Submission, ["id", "campaign", "branch", "status", "claimed_star_codes", "office_star_codes",
                                  "proposed_star_codes", "proposed_level", "note", "version", "submitted_at",
                                  "updated_at"],
                     ((s_ids[b["id"]], campaign.pk, b["id"], status[fate[b["id"]][4]], fate[b["id"]][2],
                       fate[b["id"]][2] if fate[b["id"]][4] == "awarded" else [],
                       fate[b["id"]][2] if fate[b["id"]][4] == "awarded" else [],
                       fate[b["id"]][1] if fate[b["id"]][4] == "awarded" else 0, "", 1, now, now) for b in submitted),
                     len(submitted), "submissions")
        awarded = [b for b in submitted if fate[b["id"]][4] == "awarded"]
        writer.write(Award, ["submission", "campaign", "branch", "star_codes", "level", "effective_star_codes",
                             "effective_level", "awarded_at"],
                     ((s_ids[b["id"]], campaign.pk, b["id"], fate[b["id"]][2], fate[b["id"]][1], fate[b["id"]][2],
                       fate[b["id"]][1], now) for b in awarded), len(awarded), "awards")
        writer.reset_sequences(Assessment, Submission, IndicatorResult, Target, PlanTask, WeeklyReport, Award)
        # The public notice (公示) of the first county's named branches, open for objections this week.
        from wuxing.evaluation.models import PublicNotice

        today = timezone.localdate()
        notice = PublicNotice.objects.create(campaign=campaign, title=f"{YEAR}年度“五星”支部拟命名名单公示",
                                             starts_on=today, ends_on=today + dt.timedelta(days=7), working_days=5)
        Submission.objects.filter(campaign=campaign, status=S.AWARDED,
                                  branch__path__startswith=units_by_id[counties[0]["id"]]["path"]).update(notice=notice)
        timings["campaign"] = time.perf_counter() - t0

        # --- a case-file review campaign in the first county ------------------------------------------
        t0 = time.perf_counter()
        from wuxing.casefiles.demo import load as load_casefiles

        if not OrgUnit.objects.filter(code="JKA11").exists():  # the review's units have fixed codes
            load_casefiles(OrgUnit.objects.get(pk=counties[0]["id"]))
        timings["casefiles"] = time.perf_counter() - t0

        # --- the live rollups, built once from what was just written -----------------------------------
        t0 = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics for the tables just filled
        bar = progress.stage("rollups", 1)
        rollups.rebuild(campaign)
        bar.add(1)
        bar.close()
        timings["rollups"] = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["total"] = time.perf_counter() - started
    return {"campaign": campaign.pk, "root": root.pk, "units": len(units), "branches": len(branches),
            "offices": len(offices), "counties": len(counties), "users": len(people), "timings": timings,
            "admin": people[0][0], "password": PASSWORD}
