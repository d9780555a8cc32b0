"""Reads of campaign years; every query starts from for_user()."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core import weeks


def campaigns_for(user) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(user).select_related("unit", "urban_standard", "rural_standard")


def current_campaign(user) -> Campaign | None:
    return campaigns_for(user).filter(is_active=True).order_by("-year").first()


def report_weeks(campaign: Campaign, now: dt.datetime | None = None, last: int | None = None) -> list[tuple[int, int]]:
    """Weeks of the campaign from its weekly start up to the current week (which may still be pending)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    end = min(today, dt.date(campaign.year, 12, 31))
    found = weeks.weeks_between(campaign.weekly_start, end)
    return found[-last:] if last else found
