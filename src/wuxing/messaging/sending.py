"""The sender: drains the outbox (`wuxing notify send [--loop N]`). Idempotent and safe to run twice at
once: a row is claimed by a conditional update of its `next_at`; a failure is retried with doubling
waits up to NOTIFY_MAX_ATTEMPTS; a digest row waits for the day's digest time and goes out in one
message with every other digest row for the same address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.messaging import backends
from wuxing.messaging.models import ChannelKind, Delivery, DeliveryStatus
from wuxing.messaging.services import masked_address

LEASE = dt.timedelta(minutes=5)  # a claimed row is retried after this if its sender died


@dataclass
class DrainResult:
    sent: int = 0  # messages that left (a digest is one)
    deliveries: int = 0  # outbox rows they carried
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (f"sent: {self.sent} messages ({self.deliveries} notices), "
                f"retrying: {self.retrying}, failed for good: {self.failed}")


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the first, second, third failure; never more than six hours."""
    return min(dt.timedelta(minutes=2 ** (attempts - 1)), dt.timedelta(hours=6))


def _link(url: str) -> str:
    return settings.NOTIFY_SITE_URL.rstrip("/") + url if url.startswith("/") else url


def compose(rows: list[Delivery]) -> tuple[str, str]:
    """(subject, text) of one message carrying `rows`: the notice itself, or a digest of several."""
    if len(rows) == 1 and not rows[0].digest:
        row = rows[0]
        lines = [f"【五星平台】{row.title}", row.body.strip(), _link(row.url) if row.url else ""]
        return row.title, "\n".join(line for line in lines if line)
    subject = _("五星平台消息汇总（{n} 条）").format(n=len(rows))
    lines = [f"【{subject}】"]
    for i, row in enumerate(rows, start=1):
        lines.append(f"{i}. {row.title}" + (f" {_link(row.url)}" if row.url else ""))
    return subject, "\n".join(lines)


def _deliver(kind: str, address: str, subject: str, text: str) -> None:
    if kind == ChannelKind.EMAIL:
        backends.send_email(address, subject, text)
    elif kind == ChannelKind.WECOM:
        backends.send_wecom(address, text)
    elif kind == ChannelKind.SMS:
        backends.send_sms(address, text)
    else:
        raise backends.ChannelError(f"unknown channel kind {kind!r}")


def _claim(rows: list[Delivery], now: dt.datetime) -> list[Delivery]:
    claimed = []
    for row in rows:
        if Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING, next_at=row.next_at).update(
                next_at=now + LEASE, attempts=F("attempts") + 1):
            row.attempts += 1
            claimed.append(row)
    return claimed


def drain(now: dt.datetime | None = None, limit: int = 500) -> DrainResult:
    """Send what is due now; returns what happened."""
    now = now or timezone.now()
    result = DrainResult()
    due = list(Delivery.objects.filter(status=DeliveryStatus.PENDING, next_at__lte=now).order_by("next_at", "pk")[:limit])
    groups: dict[tuple, list[Delivery]] = {}
    for row in due:
        key = (row.kind, row.address) if row.digest else ("one", row.pk)
        groups.setdefault(key, []).append(row)
    for rows in groups.values():
        rows = _claim(rows, now)
        if not rows:
            continue  # another sender took them
        subject, text = compose(rows)
        attempts = max(r.attempts for r in rows)
        ids = [r.pk for r in rows]
        try:
            _deliver(rows[0].kind, rows[0].address, subject, text)
        except Exception as exc:  # any failure of a channel is retried, whatever raised it
            error = masked_address(f"{type(exc).__name__}: {exc}")[:500]
            if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.FAILED, last_error=error)
                result.failed += len(ids)
            else:
                Delivery.objects.filter(pk__in=ids).update(next_at=now + backoff(attempts), last_error=error)
                result.retrying += len(ids)
            continue
        Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
        result.sent += 1
        result.deliveries += len(ids)
    return result
