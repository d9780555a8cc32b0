"""In-app notifications (the bell)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from wuxing.core.models import Notification


def notify(users: Iterable, title: str, body: str = "", url: str = "") -> int:
    rows = [Notification(user=u, title=title[:200], body=body, url=url[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def unread(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user, pk: int | None = None) -> int:
    qs = unread(user)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
