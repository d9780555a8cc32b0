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


# --- every field of every write, replaced by the wrong kind of value ------------------------------------------

WRONG = [5, [1], [{}], "x", None]


def _writes() -> list[tuple[str, str, dict]]:
    """(method, path, body schema) of every write in the generated OpenAPI schema, $refs resolved."""
    from drf_spectacular.generators import SchemaGenerator

    doc = SchemaGenerator().get_schema(request=None, public=True)
    components = doc.get("components", {}).get("schemas", {})
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("post", "put", "patch"):
                continue
            content = (op.get("requestBody") or {}).get("content", {})
            media = content.get("application/json") or content.get("multipart/form-data") or {}
            schema = media.get("schema", {})
            if "$ref" in schema:
                schema = components[schema["$ref"].rsplit("/", 1)[-1]]
            out.append((method, path, schema))
    return out


def _base_body(schema, campaign_id, branch_id) -> dict:
    """A plausible body from the schema: the demo's campaign, the caller's branch, dates in its year."""
    body = {}
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("readOnly"):
            continue
        kind = prop.get("type")
        if name == "campaign":
            body[name] = campaign_id
        elif name in ("branch", "unit", "mentor"):
            body[name] = branch_id
        elif kind == "integer":
            body[name] = 1
        elif kind == "number":
            body[name] = 1.5
        elif kind == "boolean":
            body[name] = True
        elif kind == "array":
            body[name] = []
        elif kind == "object":
            body[name] = {}
        elif prop.get("format") == "date":
            body[name] = "2026-11-02"
        else:
            body[name] = "文字"
    return body


def _path(path: str, client) -> str:
    """`path` with `{id}` replaced by an object the caller can list (or 999999)."""
    import re

    if "{" not in path:
        return path
    listed = client.get(path.split("{")[0])
    results = listed.json().get("results") if listed.status_code == 200 and listed["Content-Type"].startswith(
        "application/json") else None
    pk = results[0]["id"] if results and isinstance(results[0], dict) and "id" in results[0] else 999999
    return re.sub(r"\{[^}]+\}", str(pk), path)


@pytest.mark.parametrize("username", PERSONAS)
def test_every_field_of_every_write_refuses_the_wrong_kind_of_value_with_a_4xx(demo_world, db, username):
    """Each field of each API write replaced in turn by a number, a list, a list of objects, a string and
    null, then the body form-encoded: never a 5xx, and never accepted (null may be a field's "unset")."""
    from rest_framework.test import APIClient

    from wuxing.campaigns.models import Campaign
    from wuxing.orgs.models import User

    user = User.objects.get(username=username)
    client = APIClient()
    client.force_authenticate(user)
    campaign = Campaign.objects.get()
    branch = user.role_assignments.first().unit
    wrong, sent = [], 0
    for method_name, path, schema in _writes():
        url = _path(path, client)
        base = _base_body(schema, campaign.pk, branch.pk)
        method = getattr(client, method_name)
        for field in base:
            for value in WRONG:
                if not isinstance(value, list) and type(value) is type(base[field]):
                    continue  # not a wrong kind for this field (an integer id stays an integer)
                r = method(url, {**base, field: value}, format="json")
                sent += 1
                if r.status_code >= 500 or (r.status_code < 400 and value is not None):
                    wrong.append(f"{method_name} {url} {field}={value!r}: {r.status_code}")
        r = method(url, {k: v for k, v in base.items() if not isinstance(v, (list, dict))})
        sent += 1
        if r.status_code >= 500:
            wrong.append(f"{method_name} {url} form-encoded: {r.status_code}")
    assert sent > 100, sent
    assert not wrong, wrong
