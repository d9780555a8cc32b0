"""Personas of DESIGN §5.3: a fixed mini district every test can lean on.

    区 T (district)
    ├── 东城办事处 T1 (office)  ── 东城社区 T101 (community, urban) ── 一网格 T10101 (grid)
    │                          └─ 李家村  T102 (village, rural)
    └── 西城办事处 T2 (office)  ── 西城社区 T201 (community)
                               └─ 王家村  T202 (village)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from wuxing.core.roles import Level, Role
from wuxing.orgs import services
from wuxing.orgs.models import OrgUnit, User

# Property tests: 100 examples each in `make test` (HYPOTHESIS_PROFILE=thorough for 2,000 before a release).
hypothesis_settings.register_profile("default", max_examples=100)
hypothesis_settings.register_profile("thorough", max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PASSWORD = "Test@2026pass"
SYSTEM = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)


@dataclass
class World:
    district: OrgUnit
    east: OrgUnit
    west: OrgUnit
    community: OrgUnit
    village: OrgUnit
    grid: OrgUnit
    west_community: OrgUnit
    west_village: OrgUnit
    district_admin: User
    office_admin: User
    branch_user: User
    village_user: User
    other_branch_user: User
    star_reviewer: User
    casefile_reviewer: User
    casefile_organiser: User
    leader: User
    outsider: User
    superuser: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def make_world() -> World:
    unit = services.create_unit
    district = unit(SYSTEM, parent=None, code="T", name="测试区", level=Level.DISTRICT)
    east = unit(SYSTEM, parent=district, code="T1", name="东城办事处", level=Level.OFFICE)
    west = unit(SYSTEM, parent=district, code="T2", name="西城办事处", level=Level.OFFICE)
    community = unit(SYSTEM, parent=east, code="T101", name="东城社区", level=Level.COMMUNITY)
    village = unit(SYSTEM, parent=east, code="T102", name="李家村", level=Level.VILLAGE)
    grid = unit(SYSTEM, parent=community, code="T10101", name="一网格", level=Level.GRID)
    west_community = unit(SYSTEM, parent=west, code="T201", name="西城社区", level=Level.COMMUNITY)
    west_village = unit(SYSTEM, parent=west, code="T202", name="王家村", level=Level.VILLAGE)

    def person(username, role, where, real_name):
        return services.create_user(SYSTEM, username=username, real_name=real_name, mobile="13912345678",
                                    password=PASSWORD, role=role, unit=where,
                                    star_codes=["pafz"] if role == Role.STAR_REVIEWER else None)

    leader = person("leader", Role.LEADER, east, "包联领导甲")
    services.assign_leader(SYSTEM, leader, community)
    outsider = User.objects.create_user("outsider", password=PASSWORD, real_name="无角色用户")
    superuser = User.objects.create_superuser("root", password=PASSWORD, real_name="超级管理员")
    return World(
        district=district, east=east, west=west, community=community, village=village, grid=grid,
        west_community=west_community, west_village=west_village,
        district_admin=person("district_admin", Role.DISTRICT_ADMIN, district, "区管理员"),
        office_admin=person("office_admin", Role.OFFICE_ADMIN, east, "东城管理员"),
        branch_user=person("branch_user", Role.SECRETARY, community, "社区书记"),
        village_user=person("village_user", Role.SECRETARY, village, "村书记"),
        other_branch_user=person("other_branch_user", Role.SECRETARY, west_village, "西城村书记"),
        star_reviewer=person("star_reviewer", Role.STAR_REVIEWER, district, "审核员"),
        casefile_reviewer=person("casefile_reviewer", Role.CASEFILE_REVIEWER, district, "评查员"),
        casefile_organiser=person("casefile_organiser", Role.CASEFILE_ORGANISER, district, "评查组织者"),
        leader=leader, outsider=outsider, superuser=superuser,
    )


def met_results(campaign, branch, stars=None) -> dict:
    """Self-assessment results meeting every indicator of `stars` (every star when None), points at the maximum."""
    return {i.code: (i.max_points if i.kind == "points" else True)
            for s in campaign.standard_for(branch).stars.all() if stars is None or s.code in stars
            for i in s.indicators.all()}


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(*moment):
    """time_machine pinned to a wall-clock moment in Shanghai: at(2026, 10, 12, 9)."""
    import time_machine

    return time_machine.travel(dt.datetime(*moment, tzinfo=SHANGHAI), tick=False)


def api_as(user):
    """A DRF client authenticated as `user`."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def proposed(world, campaign, branch=None, stars=("zbgy", "pafz")):
    """A branch (default the east community) through claim, 初审 and 区级审核 to 审核完成待公示 with `stars`."""
    from wuxing.evaluation import services

    branch = branch or world.community
    owner = world.branch_user if branch == world.community else world.village_user
    services.save_self_results(owner, campaign, branch, met_results(campaign, branch))
    sub = office_agrees(world.office_admin, services.submit_claim(owner, campaign, branch, list(stars), confirmed=True))
    for code in stars:
        services.district_decide(world.district_admin, sub, code, True)
    return services.district_finalize(world.district_admin, sub)


def judge_all(office, sub) -> None:
    """初审: the office agrees with every indicator of the claimed stars (passing needs each one judged)."""
    from wuxing.evaluation import services

    standard = sub.campaign.standard_for(sub.branch)
    services.office_review(office, sub, {i.code: (True, "") for s in standard.stars.all()
                                         if s.code in sub.claimed_star_codes for i in s.indicators.all()})


def office_agrees(office, sub, note: str = ""):
    """初审 agreed indicator by indicator, then passed to the district."""
    from wuxing.evaluation import services

    judge_all(office, sub)
    return services.office_pass(office, sub, note)


def at_once(*actions) -> list:
    """Run each action in its own thread and database connection, all released together; returns each
    one's result or the exception it raised. Real concurrency needs PostgreSQL."""
    import threading

    from django.db import connections

    start = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(i, action):
        try:
            start.wait()
            outcomes[i] = action()
        except Exception as exc:  # returned to the test, which compares them
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached page bodies are keyed by ids and version numbers, which
    repeat from one test database to the next."""
    from django.core.cache import cache

    from wuxing.campaigns.selectors import forget_campaigns
    from wuxing.orgs.selectors import forget_units
    from wuxing.rollups.selectors import forget_areas

    cache.clear()
    forget_campaigns()  # so are the campaigns a process keeps, under the branches' version numbers
    forget_units()  # and the units, under the epoch
    forget_areas()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded files of a test go to a temporary folder, never into the work tree."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def login(client):
    """Sign a persona in (force_login: the lockout backend wants a real request for password logins)."""

    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


def make_campaign(world: World, year: int = 2026):
    """The shipped standards and a campaign year for the test district."""
    import datetime as dt

    from wuxing.creation.services import create_campaign
    from wuxing.standards.library import shipped_files
    from wuxing.standards.models import Standard
    from wuxing.standards.services import load_standard

    for path in shipped_files():
        load_standard(SYSTEM, path.read_bytes())
    return create_campaign(
        SYSTEM, world.district, year=year, name=f"{year} 年度创建", key_work_tags=["网格化基层治理", "重点项目"],
        urban_standard=Standard.objects.get(applies_to="urban"), rural_standard=Standard.objects.get(applies_to="rural"),
        plan_due=dt.date(year, 3, 31), assessment_opens=dt.date(year, 10, 1), assessment_closes=dt.date(year, 10, 31),
        office_review_due=dt.date(year, 11, 15), district_review_due=dt.date(year, 11, 30))


@pytest.fixture
def campaign(world):
    return make_campaign(world)


@pytest.fixture
def review(world):
    """Two agencies with 20 files each, the sample rubric, a campaign, reviewers and a unit account."""
    import datetime as dt

    from wuxing.casefiles import rubric, services
    from wuxing.casefiles.models import CaseFile, Matter
    from wuxing.core.roles import Level, Role
    from wuxing.orgs import services as org

    for path in rubric.shipped():
        rubric.load(SYSTEM, path.read_bytes())
    a1 = org.create_unit(SYSTEM, parent=world.district, code="TA1", name="区市场监督管理局", level=Level.AGENCY)
    a2 = org.create_unit(SYSTEM, parent=world.district, code="TA2", name="区建设局", level=Level.AGENCY)
    a3 = org.create_unit(SYSTEM, parent=world.district, code="TA3", name="区司法局", level=Level.AGENCY)
    docs = ["申请书", "受理通知书", "许可决定书", "送达回证"]
    for unit, code in ((a1, "SC"), (a2, "JS")):
        m = Matter.objects.create(unit=unit, code=f"{code}-1", name=f"{unit.name}许可", category="licence",
                                  statutory_days=20, promised_days=10, required_documents=docs)
        for i in range(20):
            received = dt.date(2026, 3, 2) + dt.timedelta(days=i)
            CaseFile.objects.create(unit=unit, matter=m, file_no=f"{code}-{i:03d}", applicant="申请人", received=received,
                                    accepted=received, decided=received + dt.timedelta(days=14),
                                    served=received + dt.timedelta(days=15), published=received + dt.timedelta(days=15),
                                    archived=received + dt.timedelta(days=30), documents=docs)
    organiser = org.create_user(SYSTEM, username="organiser", real_name="评查组织者", mobile="", password=PASSWORD,
                                role=Role.CASEFILE_ORGANISER, unit=world.district)
    reviewers = [org.create_user(SYSTEM, username=f"rev{i}", real_name=f"评查员{i}", mobile="", password=PASSWORD,
                                 role=Role.CASEFILE_REVIEWER, unit=u) for i, u in enumerate((a1, a2, a3))]
    unit_user = org.create_user(SYSTEM, username="unit_a1", real_name="市场局联络员", mobile="", password=PASSWORD,
                                role=Role.REVIEWED_UNIT, unit=a1)
    campaign = services.create_campaign(organiser, unit=world.district, title="测试评查", rubric=rubric.Rubric.objects.get(),
                                        units=[a1, a2], closed_from=dt.date(2026, 1, 1), closed_to=dt.date(2026, 12, 31),
                                        plan={"TA1": {"count": 4}, "TA2": {"percent": "20", "min": 2}})
    for r in reviewers:
        services.add_reviewer(organiser, campaign, r)
    return type("Review", (), dict(a1=a1, a2=a2, a3=a3, organiser=organiser, reviewers=reviewers, unit_user=unit_user,
                                   campaign=campaign))


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo district, loaded once per worker inside a transaction rolled back at the end; each test
    runs in a savepoint within it (pytest-django's `db`), so nothing leaks to other modules."""
    from django.core import signals
    from django.db import close_old_connections, transaction

    from wuxing.seed.demo import load_demo

    # Requests go through the WSGI app itself, not Django's test client, so Django would close the
    # database connection at the end of each request (inside this transaction); the test client
    # switches that off the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def demo_at(*moment):
    """The demo district loaded with the clock pinned at `moment` (Asia/Shanghai), kept pinned while the
    test runs: yields (campaign, the district admin)."""
    import contextlib
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    @contextlib.contextmanager
    def loaded():
        from wuxing.campaigns.models import Campaign
        from wuxing.seed.demo import load_demo

        with time_machine.travel(dt.datetime(*moment, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            load_demo()
            yield Campaign.objects.get(), User.objects.get(username="demo_district")

    return loaded()

