"""Query counts of the list pages, detail pages and API lists on the demo district, and of the weekly
submit, against one checked-in baseline (tests/query_counts.json, NetBox's query_counts idea). A page
that needs more queries than its baseline fails; a new page needs its line in the file.

To record a deliberate change: WUXING_UPDATE_QUERY_COUNTS=1 pytest tests/test_query_counts.py, then
review the diff of the JSON file like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINE = Path(__file__).with_name("query_counts.json")
# The demo loads once per module: keep the module on one xdist worker with the other demo modules.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]


def _urls():
    """(name, username, url) of every page and API list to count, with ids from the demo district."""
    from django.urls import reverse

    from wuxing.activities.models import Activity
    from wuxing.campaigns.models import Campaign
    from wuxing.casefiles.models import ReviewCampaign
    from wuxing.contest.models import Contest, Highlight, Pairing
    from wuxing.evaluation.models import Award
    from wuxing.orgs.models import OrgUnit, User

    c = Campaign.objects.get().pk
    office = OrgUnit.objects.get(code="JK01").pk
    branch = OrgUnit.objects.get(code="JK0101").pk
    award = Award.objects.order_by("pk").first().pk
    pages = {
        "home": reverse("home"),
        "orgs:unit_list": reverse("orgs:unit_list"),
        "orgs:unit_detail": reverse("orgs:unit_detail", args=[office]),
        "orgs:user_list": reverse("orgs:user_list"),
        "orgs:user_detail": reverse("orgs:user_detail", args=[User.objects.get(username="demo_branch").pk]),
        "standards:standard_list": reverse("standards:standard_list"),
        "creation:campaigns": reverse("creation:campaigns"),
        "creation:campaign": reverse("creation:campaign", args=[c]),
        "creation:office": reverse("creation:office", args=[c, office]),
        "creation:branch": reverse("creation:branch", args=[c, branch]),
        "weekly:district": reverse("weekly:district", args=[c]),
        "weekly:office": reverse("weekly:office", args=[c, office]),
        "weekly:branch": reverse("weekly:branch", args=[c, branch]),
        "evaluation:queue": reverse("evaluation:queue", args=[c]),
        "evaluation:awards": reverse("evaluation:awards", args=[c]),
        "evaluation:notices": reverse("evaluation:notices", args=[c]),
        "evaluation:branch": reverse("evaluation:branch", args=[c, branch]),
        "evaluation:history": reverse("evaluation:history", args=[c, branch]),
        "evaluation:award": reverse("evaluation:award", args=[award]),
        "contest:district": reverse("contest:district", args=[c]),
        "contest:office": reverse("contest:office", args=[c, office]),
        "contest:branch": reverse("contest:branch", args=[c, branch]),
        "contest:rankings": reverse("contest:rankings", args=[c]),
        "contest:matrix": reverse("contest:matrix", args=[c]),
        "contest:flags": reverse("contest:flags", args=[c]),
        "contest:pairings": reverse("contest:pairings", args=[c]),
        "contest:highlights": reverse("contest:highlights", args=[c]),
        "contest:sanctions": reverse("contest:sanctions", args=[c]),
        "contest:contests": reverse("contest:contests", args=[c]),
        "activities:list": reverse("activities:list"),
        "activities:detail": reverse("activities:detail", args=[Activity.objects.order_by("pk").first().pk]),
        "api:unit-list": "/api/v1/units/",
        "api:target-list": "/api/v1/targets/",
        "api:task-list": "/api/v1/tasks/",
        "api:weekly-report-list": "/api/v1/weekly-reports/",
        "api:submission-list": "/api/v1/submissions/",
        "api:award-list": "/api/v1/awards/",
        "api:activity-list": "/api/v1/activities/",
        "api:evidence-list": "/api/v1/evidence/",
    }
    for model, name in ((Pairing, "contest:pairing"), (Highlight, "contest:highlight"), (Contest, "contest:contest")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages[name] = reverse(name, args=[first.pk])
    out = [(name, "demo_district", url) for name, url in pages.items()]
    out += [(f"{name}#branch", "demo_branch", url) for name, url in pages.items()
            if name in ("home", "creation:branch", "weekly:branch", "evaluation:branch", "api:task-list")]
    # Each role's to-do (issue 19), the bell and the channels.
    out += [(f"home#{who}", f"demo_{who}", reverse("home")) for who in ("office", "leader", "reviewer", "casefile")]
    out += [("api:me-todo", "demo_office", "/api/v1/me/todo/"), ("notifications", "demo_office", reverse("notifications")),
            ("messaging:channels", "demo_district", reverse("messaging:channels")),
            ("messaging:preferences", "demo_branch", reverse("messaging:preferences"))]
    review = ReviewCampaign.objects.order_by("pk").first()
    out += [("casefiles:home", "demo_casefile", reverse("casefiles:home")),
            ("casefiles:files", "demo_casefile", reverse("casefiles:files")),
            ("casefiles:campaign", "demo_casefile", reverse("casefiles:campaign", args=[review.pk])),
            ("api:case-file-list", "demo_casefile", "/api/v1/case-files/")]
    # The scanned dossier (issue 22): a file with its pages and dates, the viewer, a search in the campaign's dossiers.
    from wuxing.casefiles.models import ScanPage

    scanned = ScanPage.objects.order_by("pk").first().file
    out += [("casefiles:file#dossier", "demo_casefile", reverse("casefiles:file", args=[scanned.pk])),
            ("casefiles:dossier", "demo_casefile", reverse("casefiles:dossier", args=[scanned.pk])),
            ("casefiles:dossier_search", "demo_casefile",
             reverse("casefiles:dossier_search", args=[review.pk]) + "?q=%E9%80%81%E8%BE%BE")]
    return out


def _check(measured: dict[str, int]) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    if os.environ.get("WUXING_UPDATE_QUERY_COUNTS"):
        baseline.update(measured)
        BASELINE.write_text(json.dumps(dict(sorted(baseline.items())), ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
        return
    missing = sorted(set(measured) - set(baseline))
    grown = {k: (baseline[k], v) for k, v in measured.items() if k in baseline and v > baseline[k]}
    assert not missing, f"no baseline for {missing}: record it (see the module docstring)"
    assert not grown, f"more queries than the baseline (baseline, now): {grown}"


def test_pages_and_api_lists_need_no_more_queries_than_their_baseline(demo_world, db, client):
    from wuxing.orgs.models import User

    measured = {}
    for name, username, url in _urls():
        client.force_login(User.objects.get(username=username))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = len(ctx.captured_queries)
    _check(measured)


def test_the_weekly_submit_needs_no_more_queries_than_its_baseline(world, campaign):
    from tests.test_findings import _submit_queries
    from wuxing.rollups.services import rebuild

    rebuild(campaign)
    _check({"weekly submit, 20 linked tasks": _submit_queries(world, campaign, 20, 41)})
