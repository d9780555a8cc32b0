"""Schemathesis over the whole OpenAPI schema: requests generated from the schema, sent to the real
WSGI app on the throwaway test database filled with the demo district, as the district admin and as a
branch secretary. Every answer must be a non-5xx response that the schema documents and describes.
Schema-valid requests may still be refused (400/404): a random id names no campaign, a random date
is outside the campaign; so "positive data is accepted" is the one check left out.

Each operation × persona is its own test with its own token, so a failure names the operation and
DELETE of the caller's token revokes only that test's key.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

# One worker takes the whole module (make test runs `--dist loadgroup`), so the demo loads once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]

SCHEMA_URL = "/api/schema/?format=json"


def _schema():
    import wuxing.wsgi

    return schemathesis.openapi.from_wsgi(SCHEMA_URL, wuxing.wsgi.application)


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
PERSONAS = ["demo_district", "demo_branch"]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo district, loaded once per worker inside a transaction rolled back at the end; each test
    runs in a savepoint within it (pytest-django's `db`), so nothing leaks to other modules."""
    from django.core import signals
    from django.db import close_old_connections, transaction

    from wuxing.seed.demo import load_demo

    # Requests go through the WSGI app itself, not Django's test client, so Django would close the
    # database connection at the end of each request (inside this transaction); the test client
    # switches that off the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_every_operation_answers_as_its_schema_says(demo_world, db, operation, username):
    from wuxing.orgs.models import User

    key = Token.objects.create(user=User.objects.get(username=username)).key

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, excluded_checks=[positive_data_acceptance])

    run()
