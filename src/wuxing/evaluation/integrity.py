"""Rows the audit chain vouches for (`wuxing audit verify`): every award and star decision must agree with
the event that made it, and an award's current stars with its named stars less the removals in force. A
direct edit of these tables (a branch set to 五星级 in the database) is reported with the event's sequence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from wuxing.core.models import AuditEvent


def check_rows() -> Iterator[tuple[int | None, str]]:
    from wuxing.evaluation.models import Award, StarDecision, StarRemoval

    by_seq = {}
    by_award = {}
    for seq, object_id, data in AuditEvent.objects.filter(action="evaluation.award").values_list(
            "seq", "object_id", "data").iterator(chunk_size=5000):
        by_seq[seq] = (object_id, data)
        by_award[object_id] = (seq, data)
    removed = defaultdict(set)
    for award_id, star in StarRemoval.objects.filter(reinstated_at__isnull=True).values_list("award_id", "star_code"):
        removed[award_id].add(star)
    for pk, seq, stars, level, effective, effective_level in Award.objects.values_list(
            "pk", "audit_seq", "star_codes", "level", "effective_star_codes", "effective_level").iterator(chunk_size=5000):
        found = by_seq.get(seq) if seq is not None else None
        if found is not None and found[0] != str(pk):
            yield seq, f"award {pk}: its event names another award ({found[0]})"
            continue
        if found is None:
            legacy = by_award.get(str(pk))  # rows named before awards carried their event's sequence
            if legacy is None:
                yield seq, f"award {pk}: no naming event in the chain"
                continue
            seq, data = legacy
        else:
            data = found[1]
        if list(stars) != list(data.get("stars", [])) or level != data.get("level"):
            yield seq, f"award {pk}: named stars/level in the table ({level}) differ from the naming event ({data.get('level')})"
        expected = [c for c in stars if c not in removed[pk]]
        if list(effective) != expected or effective_level > len(expected) or effective_level > level:
            yield seq, f"award {pk}: current stars/level ({effective_level}) do not follow from its stars and removals"
    decided = {seq: data for seq, data in AuditEvent.objects.filter(action="evaluation.district.decide").values_list(
        "seq", "data").iterator(chunk_size=5000)}
    for pk, seq, star, passed in StarDecision.objects.exclude(audit_seq=None).values_list(
            "pk", "audit_seq", "star_code", "passed"):
        data = decided.get(seq)
        if data is None or data.get("star") != star or data.get("passed") != passed:
            yield seq, f"star decision {pk}: differs from its event"
