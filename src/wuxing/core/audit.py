"""Appending to and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone as dt_timezone
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from wuxing.core import hashing
from wuxing.core.models import AuditEvent, AuditHead


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict | None = None,
    *,
    unit_path: str = "",
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction so a rolled-back change leaves no trace."""
    # No savepoint of its own: inside a service's transaction the event stands or falls with the change.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        user = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            seq=head.seq + 1,
            # Microsecond UTC time: the hash covers its ISO form, so it must survive a DB round trip.
            at=timezone.now().astimezone(dt_timezone.utc),
            actor=user,
            actor_name=actor_name or (getattr(user, "display_name", "") if user else ""),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            unit_path=unit_path or getattr(obj, "scope_path", "") or "",
            data=data or {},
            ip=ip or None,  # the column stores a blank address as NULL; the hash must see the same
            algorithm=hashing.preferred_algorithm(),
            prev_hash=head.last_hash,
        )
        event.hash = hashing.seal(event.algorithm, event.prev_hash, event.sealed_fields())
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content does not check out."""
    prev = hashing.GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, event.seq, event.pk, f"sequence gap: expected {expected_seq}")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, event.pk, "previous-hash link does not match")
        if hashing.seal(event.algorithm, event.prev_hash, event.sealed_fields()) != event.hash:
            return VerifyResult(False, checked, event.seq, event.pk, "content does not match its hash")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.last_hash != prev):
        return VerifyResult(False, checked, head.seq, None, "events after the last one were deleted")
    return VerifyResult(True, checked)
