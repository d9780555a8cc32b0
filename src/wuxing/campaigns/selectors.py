"""Reads of campaign years; every query starts from for_user()."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core import weeks


def campaigns_for(user) -> QuerySet[Campaign]:
    # The standards' digests, not the standards: Campaign.standard_for_kind finds the prefetched standard by them
    # (three joined models cost every page ~0.7 ms more to build than one); `campaign.urban_standard` still loads.
    return Campaign.objects.for_user(user).select_related("unit").annotate(
        urban_digest=F("urban_standard__source_sha256"), rural_digest=F("rural_standard__source_sha256"))


def current_campaign(user) -> Campaign | None:
    return campaigns_for(user).filter(is_active=True).order_by("-year").first()


def report_weeks(campaign: Campaign, now: dt.datetime | None = None, last: int | None = None) -> list[tuple[int, int]]:
    """Weeks of the campaign from its weekly start up to the current week (which may still be pending)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    end = min(today, dt.date(campaign.year, 12, 31))
    found = weeks.weeks_between(campaign.weekly_start, end)
    return found[-last:] if last else found


def place(user, campaign: Campaign) -> tuple[str, list]:
    """Where a person works in a campaign, for the pages that open on "my" part of it: ("district", [unit])
    when they see the whole campaign, ("office", offices), ("branch", branches they speak for), ("leader",
    the branches assigned to them), or ("none", [])."""
    from wuxing.core import policy
    from wuxing.core.roles import BRANCH_LEVELS, Level
    from wuxing.orgs.models import OrgUnit

    if policy.may(user, "star.view", campaign.unit):
        return "district", [campaign.unit]
    units = OrgUnit.objects.for_user(user).filter(path__startswith=campaign.unit.path, is_active=True).order_by("path")
    offices = list(units.filter(level=Level.OFFICE)[:20])
    if offices:
        return "office", offices
    branches = list(units.filter(level__in=BRANCH_LEVELS)[:50])
    own = [b for b in branches if policy.may(user, "branch.declare", b)]
    if own:
        return "branch", own
    return ("leader", branches) if branches else ("none", [])


def star_names(campaign: Campaign) -> dict[str, str]:
    """Star code -> name across the campaign's urban and rural standards (codes they share, such as pafz, name
    the same star)."""
    names: dict[str, str] = {}
    for kind in ("urban", "rural"):
        names.update({s.code: s.name for s in campaign.standard_for_kind(kind).stars.all()})
    return names
