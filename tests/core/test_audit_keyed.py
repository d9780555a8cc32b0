"""Issue 18 finding 6: a keyed audit chain. On a copy of the database an attacker without the key cannot
re-seal an edit; an insider with the key is caught by a checkpoint handed out before; the rows an event
made must agree with it; a broken event is reported by its sequence, never by a traceback."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import proposed
from wuxing.core import hashing
from wuxing.core.audit import checkpoint, record, verify
from wuxing.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def reseal_from(seq: int, algorithm: str, key: bytes = b"") -> None:
    """What someone who can write to the database does after editing event `seq`: seal it and every later
    event again, and move the head."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else hashing.GENESIS
    for e in events:
        e.prev_hash, e.algorithm = prev, algorithm
        e.hash = hashing.seal(algorithm, prev, e.sealed_fields(), key)
        AuditEvent.objects.filter(pk=e.pk).update(prev_hash=e.prev_hash, algorithm=algorithm, hash=e.hash)
        prev = e.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_re_sealing_an_edited_chain_without_the_key_is_detected():
    for i in range(5):
        record(None, "test.n", None, {"i": i})
    AuditEvent.objects.filter(seq=3).update(data={"i": 300})
    reseal_from(3, "sha256")  # the unkeyed algorithm: no key needed
    result = verify()
    assert not result.ok and result.broken_seq == 3
    assert any("unkeyed" in p.reason for p in result.problems)
    reseal_from(3, hashing.preferred_algorithm(), b"not the key")  # keyed, with a guessed key
    assert verify().broken_seq == 3


def test_an_insider_with_the_key_is_caught_by_a_checkpoint(settings, capsys):
    for i in range(4):
        record(None, "test.n", None, {"i": i})
    call_command("audit", "checkpoint")
    handed_out = capsys.readouterr().out.strip()
    assert handed_out == f"4:{AuditEvent.objects.get(seq=4).hash}" and checkpoint()[0] == 4
    record(None, "test.n", None, {"i": 4})
    AuditEvent.objects.filter(seq=2).update(data={"i": 200})
    reseal_from(2, hashing.preferred_algorithm(), settings.AUDIT_KEY)
    assert verify().ok  # the key alone cannot tell
    with pytest.raises(CommandError, match="seq=4"):
        call_command("audit", "verify", "--checkpoint", handed_out)
    assert "re-sealed" in capsys.readouterr().err


def test_a_direct_edit_of_the_award_table_is_detected(world, campaign, capsys):
    from wuxing.evaluation import services
    from wuxing.evaluation.models import Award

    c = campaign
    proposed(world, c)
    notice = services.publish_notice(world.district_admin, c, "", dt.date(2026, 10, 13), today=dt.date(2026, 10, 13))
    award = services.close_notice(world.district_admin, notice, today=dt.date(2026, 10, 20))[0]
    assert award.audit_seq and verify().ok
    five = ["zbgy", "gjgx", "yjyy", "pafz", "wmxf"]
    Award.objects.filter(pk=award.pk).update(effective_star_codes=five, effective_level=5)
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert f"award {award.pk}" in capsys.readouterr().err
    Award.objects.filter(pk=award.pk).update(star_codes=five, level=5, effective_star_codes=five, effective_level=5)
    result = verify()
    assert not result.ok and result.broken_seq == award.audit_seq and "naming event" in result.reason


def test_a_bad_algorithm_is_reported_by_sequence_not_by_a_traceback(capsys):
    for i in range(3):
        record(None, "test.n", None, {"i": i})
    AuditEvent.objects.filter(seq=2).update(algorithm="md5; DROP")
    with pytest.raises(CommandError, match="seq=2"):
        call_command("audit", "verify")
    assert "unknown algorithm" in capsys.readouterr().err


def test_every_broken_event_is_named():
    for i in range(6):
        record(None, "test.n", None, {"i": i})
    AuditEvent.objects.filter(seq__in=[2, 5]).update(data={"i": -1})
    assert {p.seq for p in verify().problems} == {2, 5}
