import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wuxing.core import hashing
from wuxing.core.audit import record, verify
from wuxing.core.models import AuditEvent


@pytest.mark.django_db
class TestAuditChain:
    def test_events_link_to_their_predecessor(self):
        a = record(None, "test.one", None, {"n": 1})
        b = record(None, "test.two", None, {"n": 2, "名称": "中文"})
        assert a.prev_hash == hashing.GENESIS
        assert b.prev_hash == a.hash
        assert (a.seq, b.seq) == (1, 2)
        assert verify().ok

    def test_chain_survives_a_database_round_trip(self):
        for i in range(5):
            record(None, "test.n", None, {"i": i, "nested": {"k": [1, "二"]}})
        result = verify()
        assert result.ok and result.checked == 5

    def test_changing_one_row_is_detected_and_named(self):
        for i in range(4):
            record(None, "test.n", None, {"i": i})
        AuditEvent.objects.filter(seq=3).update(data={"i": 999})
        result = verify()
        assert not result.ok
        assert result.broken_seq == 3
        with pytest.raises(CommandError, match="seq=3"):
            call_command("audit", "verify")

    def test_rehashing_a_changed_row_still_breaks_the_next_link(self):
        for i in range(3):
            record(None, "test.n", None, {"i": i})
        event = AuditEvent.objects.get(seq=2)
        event.data = {"i": 42}
        # Without the key outside the database the forger cannot seal the row itself, and the next link
        # breaks too: both are reported.
        forged = hashing.seal(event.algorithm, event.prev_hash, event.sealed_fields(), b"a guessed key")
        AuditEvent.objects.filter(pk=event.pk).update(data=event.data, hash=forged)
        result = verify()
        assert result.broken_seq == 2 and {2, 3} <= {p.seq for p in result.problems}

    def test_deleting_the_last_event_is_detected(self):
        for i in range(3):
            record(None, "test.n", None, {"i": i})
        AuditEvent.objects.filter(seq=3).delete()
        assert not verify().ok

    def test_deleting_a_middle_event_is_detected(self):
        for i in range(3):
            record(None, "test.n", None, {"i": i})
        AuditEvent.objects.filter(seq=2).delete()
        assert verify().broken_seq == 3

    def test_verify_command_exits_zero_on_an_intact_chain(self, capsys):
        record(None, "test.n", None)
        call_command("audit", "verify")
        assert "intact" in capsys.readouterr().out

    def test_sm3_is_used_when_available(self):
        import hashlib

        base = "sm3" if "sm3" in hashlib.algorithms_available else "sha256"
        assert hashing.preferred_algorithm() == f"hmac-{base}"  # keyed (AUDIT_KEY)
        assert record(None, "test.n").algorithm == f"hmac-{base}"
