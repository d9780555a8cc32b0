"""The replica router's decisions (the whole stack is proven by bench/second_machine.py in .ci/run)."""

import pytest
from django.db import transaction

from wuxing.core import replica


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction, as a request runs
def test_reads_go_where_the_request_said_until_it_writes_or_opens_a_transaction():
    router = replica.Router()
    token = replica._reads.set(replica.REPLICA)
    try:
        assert router.db_for_read(None) == "replica"
        with transaction.atomic():  # a locked read must see its own transaction
            assert router.db_for_read(None) == "default"
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"  # the rest of the request reads what it wrote
        assert replica._wrote.get() is True
    finally:
        replica._reads.reset(token)
    assert router.db_for_read(None) == "default"  # outside a request (the command line): the primary
    assert router.allow_migrate("replica", "orgs") is False and router.allow_migrate("default", "orgs") is True


def test_the_writer_is_marked_under_its_session_or_token():
    assert replica._pin_key("abc") == replica._pin_key("abc") != replica._pin_key("abd")
    assert replica._pin_key(None) is None and replica._pin_key("") is None
