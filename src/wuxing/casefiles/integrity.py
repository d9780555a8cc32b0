"""Score sheets the audit chain vouches for: a submitted sheet's score and band must be those of its
submission event (`wuxing audit verify`)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from wuxing.core.models import AuditEvent


def check_rows() -> Iterator[tuple[int | None, str]]:
    from wuxing.casefiles.models import ScoreSheet

    events = {seq: data for seq, data in AuditEvent.objects.filter(action="casefiles.sheet.submit").values_list(
        "seq", "data").iterator(chunk_size=5000)}
    for pk, seq, score, band in ScoreSheet.objects.exclude(audit_seq=None).values_list("pk", "audit_seq", "score", "band"):
        data = events.get(seq)
        if data is None or data.get("sheet") != pk or Decimal(str(data.get("score"))) != score or data.get("band") != band:
            yield seq, f"score sheet {pk}: score/band differ from its submission event"
