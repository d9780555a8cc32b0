"""In-app notifications (the bell)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from wuxing.core.models import Notification


def notify(users: Iterable, title: str, body: str = "", url: str = "") -> int:
    rows = [Notification(user=u, title=title[:200], body=body, url=url[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    for row in rows:
        row.user._wuxing_unread = None  # a count kept for this request is out of date
    return len(rows)


def unread(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def unread_count(user) -> int:
    """How many notifications the user has not read: as counted when the user was loaded for this request
    (wuxing.orgs.auth), else counted now."""
    # getattr/setattr: request.user is a lazy object that passes them on to the user it wraps.
    if getattr(user, "_wuxing_unread", None) is None:
        user._wuxing_unread = unread(user).count()
    return user._wuxing_unread


def remember_unread(user, count: int) -> None:
    user._wuxing_unread = count


def mark_read(user, pk: int | None = None) -> int:
    user._wuxing_unread = None
    qs = unread(user)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
