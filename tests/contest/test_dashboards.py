"""Every number on the district and office dashboards, recomputed independently from raw SQL."""

import datetime as dt
import io
import json
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document

from tests.conftest import demo_at
from wuxing.contest import selectors
from wuxing.core import weeks as deadlines
from wuxing.orgs.models import OrgUnit, User
from wuxing.standards.engine import evaluate
from wuxing.weekly import rollup
from wuxing.weekly import selectors as weekly_selectors

pytestmark = pytest.mark.django_db
STAGE_RANK = {"self": 0, "office": 1, "district": 2}


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def independent_levels(campaign):
    """branch id -> (level, held star codes), without the dashboard's code: awards first, else the engine
    over the most advanced stage's results, all read with SQL."""
    awards = {b: (lvl, json.loads(stars) if isinstance(stars, str) else stars) for b, lvl, stars in sql(
        "SELECT branch_id, effective_level, effective_star_codes FROM evaluation_award WHERE campaign_id = %s",
        [campaign.pk])}
    results = defaultdict(lambda: defaultdict(dict))
    for branch, stage, code, met, points in sql(
            "SELECT a.branch_id, a.stage, r.indicator_code, r.met, r.points FROM evaluation_indicatorresult r "
            "JOIN evaluation_assessment a ON a.id = r.assessment_id WHERE a.campaign_id = %s", [campaign.pk]):
        results[branch][stage][code] = points if points is not None else (None if met is None else bool(met))
    out = {}
    for branch_id, kind in sql("SELECT id, kind FROM orgs_orgunit WHERE level IN ('community', 'village')"):
        if branch_id in awards:
            out[branch_id] = awards[branch_id]
            continue
        stages = results.get(branch_id, {})
        values = stages[max(stages, key=STAGE_RANK.get)] if stages else {}
        ev = evaluate(campaign.standard_for_kind(kind).spec(), values)
        out[branch_id] = (ev.level, list(ev.held))
    return out


# The instants at which a week's rate is easiest to get wrong, all in Shanghai time.
INSTANTS = {
    "monday-0300-sunday-1900-utc": (2026, 11, 30, 3, 0),  # last week not yet due; still Sunday in UTC
    "monday-0900": (2026, 11, 30, 9, 0),  # last week's reports coming in, not yet due
    "monday-1159": (2026, 11, 30, 11, 59),  # one minute before the deadline
    "monday-1201": (2026, 11, 30, 12, 1),  # one minute after: everybody is expected
    "sunday-2330": (2026, 11, 29, 23, 30),  # the week itself is still running
    "new-year-week": (2027, 1, 1, 10, 0),  # ISO week 53 of 2026, a holiday, across the year end
    "national-day-week": (2026, 10, 5, 9, 0),  # a Monday inside the 国庆 holiday: the week before is due at noon
}


@pytest.fixture
def demo():
    # Monday 09:00 in Shanghai: last week's reports are in but not yet due, the awkward instant of the rate.
    with demo_at(*INSTANTS["monday-0900"]) as loaded:
        yield loaded


@pytest.fixture(params=list(INSTANTS), ids=list(INSTANTS))
def demo_any_time(request):
    with demo_at(*INSTANTS[request.param]) as loaded:
        yield loaded


def test_district_dashboard_numbers_match_an_independent_computation(demo_any_time):
    campaign, user = demo_any_time
    datasets, summary = selectors.district_dashboard(user, campaign)
    d = {x.key: x for x in datasets}
    offices = sql("SELECT id, name FROM orgs_orgunit WHERE level = 'office' ORDER BY path")
    branches = sql("SELECT id, parent_id, kind FROM orgs_orgunit WHERE level IN ('community', 'village')")
    levels = independent_levels(campaign)
    by_office = defaultdict(list)
    for b, parent, _kind in branches:
        by_office[parent].append(b)

    expected = [[name] + [sum(levels[b][0] == lv for b in by_office[o]) for lv in range(6)] + [len(by_office[o])]
                for o, name in offices]
    assert d["levels"].rows == expected
    assert summary["branches"] == len(branches)
    assert summary["named"] == sql("SELECT count(*) FROM evaluation_award")[0][0]

    targets = dict(sql("SELECT branch_id, level FROM creation_target WHERE campaign_id = %s", [campaign.pk]))
    assert d["targets"].rows == [
        [name, sum(1 for b in by_office[o] if targets.get(b)),
         sum(1 for b in by_office[o] if targets.get(b) and levels[b][0] >= targets[b])] for o, name in offices]

    tasks = {o: [0, 0, 0] for o, _n in offices}
    for parent, status, n in sql("SELECT u.parent_id, t.status, count(*) FROM creation_plantask t JOIN orgs_orgunit u "
                                 "ON u.id = t.branch_id GROUP BY u.parent_id, t.status"):
        tasks[parent][0] += n
        tasks[parent][1] += n if status == "done" else 0
        tasks[parent][2] += n if status == "overdue" else 0
    assert d["progress"].rows == [[name, t, dn, ov, round(100 * dn / t, 1) if t else 0.0]
                                  for (o, name), (t, dn, ov) in ((x, tasks[x[0]]) for x in offices)]

    # Stars: position i of each branch's own standard, held (from the levels above) and targeted.
    order = {kind: [s.code for s in campaign.standard_for_kind(kind).stars.all()] for kind in ("urban", "rural")}
    kinds = {b: k for b, _p, k in branches}
    held = Counter(order[kinds[b]].index(c) for b, (_l, codes) in levels.items() for c in codes)
    targeted = Counter()
    for b, codes in sql("SELECT branch_id, star_codes FROM creation_target WHERE campaign_id = %s", [campaign.pk]):
        for c in (json.loads(codes) if isinstance(codes, str) else codes):
            targeted[order[kinds[b]].index(c)] += 1
    assert [row[1:] for row in d["stars"].rows] == [[targeted[i], held[i]] for i in range(5)]

    # Weekly on-time rate: due Monday 12:00 Shanghai after the week; pending weeks excluded.
    now = timezone.now()
    sh = ZoneInfo("Asia/Shanghai")
    submitted = {(b, y, w): at for b, y, w, at in sql(
        "SELECT branch_id, iso_year, iso_week, submitted_at FROM weekly_weeklyreport WHERE submitted_at IS NOT NULL")}
    weekly_rows = {row[0]: row[1:] for row in d["weekly"].rows}
    reported_rows = {row[0]: row[1:] for row in d["weekly_reported"].rows}
    labels = d["weekly"].headers[1:]
    assert d["weekly_reported"].headers[1:] == labels
    for o, name in offices:
        rates, reported_rates = [], []
        for label in labels:
            y, w = (int(x) for x in re.fullmatch(r"(\d{4})年第(\d{1,2})周", label).groups())
            due = dt.datetime.combine(dt.date.fromisocalendar(y, w, 1) + dt.timedelta(days=7), dt.time(12), tzinfo=sh)
            on_time = reported = 0
            for b in by_office[o]:
                at = submitted.get((b, y, w))
                if at is not None:
                    at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
                    on_time += at <= due
                    reported += 1
            # Before the due time only the branches that reported are expected; after it, all of them.
            expected = len(by_office[o]) if now > due else reported
            rates.append(round(100 * on_time / expected, 1) if expected else None)
            reported_rates.append(round(100 * reported / expected, 1) if expected else None)
        assert weekly_rows[name] == rates, name
        assert reported_rows[name] == reported_rates, name  # late reports count as reported

    # The office's weekly roll-up of the last week shown says the same: nobody missing before the deadline.
    if labels:
        y, w = (int(x) for x in re.fullmatch(r"(\d{4})年第(\d{1,2})周", labels[-1]).groups())
        due = dt.datetime.combine(dt.date.fromisocalendar(y, w, 1) + dt.timedelta(days=7), dt.time(12), tzinfo=sh)
        for o, _name in offices:
            office = OrgUnit.objects.get(pk=o)
            rows = weekly_selectors.rollup(user, campaign, office, (y, w))
            for branch, _report, status in rows:
                at = submitted.get((branch.pk, y, w))
                assert status == (deadlines.status(at, due, now)), branch.name
            text = "\n".join(p.text for p in Document(io.BytesIO(rollup.docx_bytes(campaign, office, (y, w), rows)))
                             .paragraphs)
            unreported = sum(1 for _b, _r, st in rows if st in (deadlines.MISSING, deadlines.PENDING))
            if now > due:
                assert f"未报送{unreported}个" in text and "尚未报送" not in text
            else:
                assert f"尚未报送{unreported}个" in text and "三、未报送党支部" not in text


def test_office_dashboard_numbers_match_an_independent_computation(demo):
    campaign, _user = demo
    office = OrgUnit.objects.get(name="明湖办事处")
    user = User.objects.get(username="demo_office")
    datasets, summary = selectors.office_dashboard(user, campaign, office)
    d = {x.key: x for x in datasets}
    levels = independent_levels(campaign)
    branches = sql("SELECT id, name FROM orgs_orgunit WHERE parent_id = %s ORDER BY path", [office.pk])
    counts = Counter(levels[b][0] for b, _n in branches)
    words = ["无星级", "一星级", "二星级", "三星级", "四星级", "五星级"]
    assert d["levels"].rows == [[words[lv], counts.get(lv, 0)] for lv in range(6)]
    targets = dict(sql("SELECT branch_id, level FROM creation_target WHERE campaign_id = %s", [campaign.pk]))
    named = {b for (b,) in sql("SELECT branch_id FROM evaluation_award")}
    assert d["targets"].rows == [[n, targets.get(b, 0), levels[b][0], "是" if b in named else "否"] for b, n in branches]
    tasks = {b: (t, dn, ov) for b, t, dn, ov in sql(
        "SELECT branch_id, count(*), sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN status = 'overdue' THEN 1 ELSE 0 END) FROM creation_plantask GROUP BY branch_id")}
    assert d["progress"].rows == [[n, *(tasks.get(b, (0, 0, 0))), round(100 * tasks[b][1] / tasks[b][0], 1)
                                   if tasks.get(b, (0,))[0] else 0.0] for b, n in branches]
    share = sum(levels[b][0] >= 3 for b, _n in branches) / len(branches)
    zeros = sum(levels[b][0] == 0 for b, _n in branches)
    assert summary["flag"].won == (share >= 0.8 and zeros == 0)
    assert summary["flag"].at_or_above == sum(levels[b][0] >= 3 for b, _n in branches)


def test_every_dataset_exports_the_rows_it_shows(demo, client):
    import io

    from openpyxl import load_workbook

    campaign, user = demo
    client.force_login(user)
    datasets, _summary = selectors.district_dashboard(user, campaign)
    for ds in datasets:
        r = client.get(f"/contest/{campaign.pk}/", {"export": ds.key, "format": "xlsx"})
        values = list(load_workbook(io.BytesIO(r.content)).active.values)
        assert list(values[0]) == ds.headers
        assert [list(v) for v in values[1:]] == [[x for x in row] for row in ds.rows], ds.key


def test_office_and_branch_datasets_export_the_rows_they_show(demo, client):
    """The office's and a branch's dashboards export through the same path as the district's."""
    import io

    from openpyxl import load_workbook

    from wuxing.orgs.models import OrgUnit

    campaign, user = demo
    client.force_login(user)
    office = OrgUnit.objects.filter(level="office", path__startswith=campaign.unit.path).order_by("path").first()
    branch = OrgUnit.objects.filter(parent=office, level__in=("community", "village")).order_by("path").first()
    for url, (datasets, _summary) in (
            (f"/contest/{campaign.pk}/offices/{office.pk}/", selectors.office_dashboard(user, campaign, office)),
            (f"/contest/{campaign.pk}/branches/{branch.pk}/", selectors.branch_dashboard(user, campaign, branch))):
        for ds in datasets:
            r = client.get(url, {"export": ds.key, "format": "xlsx"})
            values = list(load_workbook(io.BytesIO(r.content)).active.values)
            assert list(values[0]) == ds.headers, (url, ds.key)
            assert [list(v) for v in values[1:]] == [[x for x in row] for row in ds.rows], (url, ds.key)
        assert client.get(url, {"export": "no-such-dataset"}).status_code == 404
