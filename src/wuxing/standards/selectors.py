"""Reads of standards. Standards are shared reference data: every signed-in user may read them."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from wuxing.standards.models import Indicator, Standard, Star, Veto


def standard_list() -> QuerySet[Standard]:
    return Standard.objects.annotate(n_stars=Count("stars")).select_related("loaded_by")


def standard_full(queryset=None) -> QuerySet[Standard]:
    """Standards with stars, indicators and vetoes prefetched in three queries."""
    stars = Star.objects.order_by("order").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order")),
        Prefetch("vetoes", queryset=Veto.objects.order_by("order")),
    )
    return (queryset if queryset is not None else Standard.objects.all()).prefetch_related(Prefetch("stars", queryset=stars))


def latest_for(applies_to: str, year: int | None = None) -> Standard | None:
    qs = Standard.objects.filter(applies_to=applies_to)
    if year is not None:
        qs = qs.filter(effective_year__lte=year)
    return qs.order_by("-effective_year", "-version").first()
