"""Reads of campaign years; every query starts from for_user()."""

from __future__ import annotations

from django.db.models import QuerySet

from wuxing.campaigns.models import Campaign


def campaigns_for(user) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(user).select_related("unit", "urban_standard", "rural_standard")


def current_campaign(user) -> Campaign | None:
    return campaigns_for(user).filter(is_active=True).order_by("-year").first()
