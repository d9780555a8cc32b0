"""Reads of campaign years; every query starts from for_user()."""

from __future__ import annotations

import copy
import datetime as dt

from django.db.models import F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core import versions, weeks
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.selectors import seen_unit


def campaigns_with_digests() -> QuerySet[Campaign]:
    # The standards' digests, not the standards: Campaign.standard_for_kind finds the prefetched standard by them
    # (three joined models cost every page ~0.7 ms more to build than one); `campaign.urban_standard` still loads.
    return Campaign.objects.select_related("unit").annotate(
        urban_digest=F("urban_standard__source_sha256"), rural_digest=F("rural_standard__source_sha256"))


def campaigns_for(user) -> QuerySet[Campaign]:
    return campaigns_with_digests().for_user(user)


# Per process: campaign id -> (the version numbers it was read under, the campaign as read). Campaign rows change
# only with the epoch (every campaign write moves it: wuxing.creation.services) and their unit only with its own
# number or the epoch (a rename, a move), so one query of both numbers tells whether the copy kept here is current.
_KNOWN: dict[int, tuple[tuple[int, int], Campaign]] = {}


def visible_campaign(user, pk: int, *, branch=None) -> Campaign | None:
    """The campaign if `user` sees it (campaigns_for's rule), else None: what every campaign page starts from.

    One small query (the two version numbers) where reading the campaign with its unit and standards' digests
    costs a join's compilation on every request; the row itself is read again only after a write moved them.
    Each call gets its own copy, so a view changing its campaign (an edit form) changes nothing kept here; the copy
    carries the numbers it was checked against as `numbers`. `branch`: a unit id (from the URL, not yet checked)
    whose own number a page keys on, read in the same statement and kept with the others read (`branch_numbers`)."""
    try:
        pk = int(pk)
        branch = int(branch) if branch is not None else None
    except (TypeError, ValueError):
        return None
    known = _KNOWN.get(pk)
    found = versions.numbers(known[1].unit_id, *([branch] if branch is not None else [])) if known else None
    if known is None or (found[versions.EPOCH], found[known[1].unit_id]) != known[0]:
        # The row and its numbers in one statement, so from one snapshot: never kept under numbers newer than it.
        campaign = campaigns_with_digests().annotate(
            epoch=versions.number(versions.EPOCH), unit_number=versions.number(OuterRef("unit_id"))).filter(pk=pk).first()
        if campaign is None:
            return None
        known = _KNOWN[pk] = ((campaign.epoch or 0, campaign.unit_number or 0), campaign)
        found = {}
    campaign = copy.copy(known[1])
    campaign.unit = copy.copy(known[1].unit)
    # The numbers just read (the epoch, the campaign unit's): a part of a campaign page that changes only with them
    # (names, the org tree, flag awards) keys on them at no further cost.
    campaign.numbers = known[0]
    campaign.read_numbers = found
    return campaign if Campaign.objects.admits(user, campaign) else None


def branch_numbers(campaign: Campaign, branch_id: int) -> tuple[int, int]:
    """(epoch, the branch's number) for a cache key: as read with the campaign when it was asked for that branch,
    else read now (versions.of)."""
    found = getattr(campaign, "read_numbers", {})
    return (found[versions.EPOCH], found[branch_id]) if branch_id in found else versions.of(branch_id)


def campaign_or_404(user, pk: int, *, branch=None) -> Campaign:
    campaign = visible_campaign(user, pk, branch=branch)
    if campaign is None:
        raise Http404
    return campaign


def campaign_unit(user, campaign: Campaign, pk, levels=None) -> OrgUnit | None:
    """A unit of the campaign's area that `user` sees, of one of `levels`, else None: kept per process under the
    epoch read with the campaign (orgs.selectors.seen_unit, `campaign.numbers`)."""
    return seen_unit(user, pk, epoch=campaign.numbers[0], levels=levels, under=campaign.unit.path)


def campaign_unit_or_404(user, campaign: Campaign, pk, levels=None) -> OrgUnit:
    unit = campaign_unit(user, campaign, pk, levels)
    if unit is None:
        raise Http404
    return unit


def forget_campaigns() -> None:
    """Drop the campaigns this process keeps (tests: a new database reuses ids and version numbers)."""
    _KNOWN.clear()


def current_campaign(user) -> Campaign | None:
    return campaigns_for(user).filter(is_active=True).order_by("-year").first()


def report_weeks(campaign: Campaign, now: dt.datetime | None = None, last: int | None = None) -> list[tuple[int, int]]:
    """Weeks of the campaign from its weekly start up to the current week (which may still be pending)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    end = min(today, dt.date(campaign.year, 12, 31))
    found = weeks.weeks_between(campaign.weekly_start, end)
    return found[-last:] if last else found


def weeks_state(campaign: Campaign, shown: list[tuple[int, int]]) -> tuple[str, int, int]:
    """What a page of `shown` weeks (in either order) depends on besides its rows, for a cache key: the newest week
    and how many there are (a new week is listed from its Monday 00:00, with no write at all), and how many of their
    deadlines have passed (a week turns from pending to missing at its deadline, and on a Monday morning two weeks
    shown are pending)."""
    now = timezone.now()
    # Deadlines follow the weeks' order (a fixed weekday and time after each week): the ones not yet passed are the
    # newest, and counting them from there reads one or two deadlines, not every week's.
    ordered = sorted(shown)
    pending = 0
    while pending < len(ordered) and now <= campaign.weekly_due(*ordered[-1 - pending]):
        pending += 1
    newest = f"{ordered[-1][0]}-{ordered[-1][1]}" if ordered else "-"
    return newest, len(ordered), len(ordered) - pending


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
