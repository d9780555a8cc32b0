"""Appending to and verifying the audit chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone
from typing import Any

from django.conf import settings
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
        event.hash = hashing.seal(event.algorithm, event.prev_hash, event.sealed_fields(), settings.AUDIT_KEY)
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class Problem:
    seq: int | None
    reason: str
    event_id: int | None = None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    problems: tuple[Problem, ...] = field(default=())


# Checks that current rows agree with the chain, registered by the apps that own the rows (AppConfig.ready):
# each yields (event seq or None, reason) for every row that does not match the event that made it.
ROW_CHECKS: list[Callable[[], Iterable[tuple[int | None, str]]]] = []


def register_row_check(check: Callable[[], Iterable[tuple[int | None, str]]]) -> None:
    if check not in ROW_CHECKS:
        ROW_CHECKS.append(check)


def verify(checkpoint: tuple[int, str] | None = None, rows: bool = True) -> VerifyResult:
    """Walk the whole chain and report every event whose link, algorithm or content does not check out
    (the walk continues past a break, trusting the stored hash, so each break is named); an unkeyed event
    after a keyed one is a downgrade; a checkpoint (sequence, hash) handed to a witness must still be in the
    chain; and, with `rows`, the rows the apps registered must agree with the events that made them."""
    problems: list[Problem] = []
    prev = hashing.GENESIS
    expected_seq = 1
    checked = 0
    keyed_seen = False
    found_checkpoint = checkpoint is None
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        def bad(reason: str) -> None:
            problems.append(Problem(event.seq, reason, event.pk))

        if event.seq != expected_seq:
            bad(f"sequence gap: expected {expected_seq}")
        if event.prev_hash != prev:
            bad("previous-hash link does not match")
        if event.algorithm in hashing.KEYED:
            keyed_seen = True
        elif keyed_seen:
            bad(f"unkeyed algorithm {event.algorithm!r} after keyed events (re-sealed without the key?)")
        try:
            if hashing.seal(event.algorithm, event.prev_hash, event.sealed_fields(), settings.AUDIT_KEY) != event.hash:
                bad("content does not match its hash")
        except hashing.UnknownAlgorithm:
            bad(f"unknown algorithm {str(event.algorithm)[:20]!r}")
        if checkpoint is not None and event.seq == checkpoint[0]:
            found_checkpoint = True
            if event.hash != checkpoint[1]:
                bad("differs from the checkpoint handed out (the chain was re-sealed after it)")
        prev = event.hash
        expected_seq = event.seq + 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        problems.append(Problem(head.seq, "events after the last one were deleted"))
    if not found_checkpoint:
        problems.append(Problem(checkpoint[0], "the checkpoint's event is missing from the chain"))
    if rows:
        for check in ROW_CHECKS:
            problems.extend(Problem(seq, reason) for seq, reason in check())
    first = problems[0] if problems else None
    return VerifyResult(not problems, checked, first.seq if first else None, first.event_id if first else None,
                        first.reason if first else "", tuple(problems))


def checkpoint() -> tuple[int, str]:
    """The head of the chain (sequence, hash), to hand to a witness outside the system."""
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.last_hash) if head is not None else (0, hashing.GENESIS)
