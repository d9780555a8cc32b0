"""Every API list pages by keyset: walking `next` from the first page gives each row once, in the list's own order,
whatever that order is (dates, related fields, NULLs, ties), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]

PERSONAS = ["demo_district", "demo_office", "demo_branch"]


def _lists(client) -> dict[str, str]:
    root = client.get("/api/v1/").json()
    return {name: url for name, url in root.items() if isinstance(url, str)}


def _walk(client, url: str) -> list:
    out, link, guard = [], url, 0
    while link:
        r = client.get(link)
        assert r.status_code == 200, (url, r.status_code)
        body = r.json()
        if "results" not in body:  # not a paged list (a summary endpoint)
            return None
        out += [row.get("id", repr(row)) if isinstance(row, dict) else repr(row) for row in body["results"]]
        link, guard = body["next"], guard + 1
        assert guard < 10_000
    return out


@pytest.mark.parametrize("username", PERSONAS)
def test_walking_next_gives_every_row_once_in_order_for_every_list(demo_world, db, username, monkeypatch):
    from rest_framework.test import APIClient

    from wuxing.api import pagination
    from wuxing.orgs.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    walked = 0
    for name, url in _lists(client).items():
        monkeypatch.setattr(pagination, "PAGE_SIZE", 100_000)
        whole = _walk(client, url)
        if whole is None:
            continue
        monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
        assert _walk(client, url) == whole, name
        walked += 1 if len(whole) > 3 else 0
    assert walked >= {"demo_district": 5, "demo_office": 3, "demo_branch": 1}[username]  # lists of several pages


@settings(deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.integers(0, 2)), min_size=1, max_size=12),
       st.booleans(), st.booleans())
def test_the_after_condition_agrees_with_the_order_nulls_included(rows, desc_a, desc_b):
    """Pure check of pagination._after against Python's sort with NULL largest, on plain tuples."""
    from wuxing.api.pagination import _after

    def key(row):
        out = []
        for value, desc in zip(row, (desc_a, desc_b)):
            rank = (1, 0) if value is None else (0, value)  # NULL largest
            out.append(tuple(-x for x in rank) if desc else rank)
        return (*out, row[2])

    data = [(a, b, i) for i, (a, b) in enumerate(rows)]
    ordered = sorted(data, key=key)
    keys = [("a", desc_a, True), ("b", desc_b, False), ("pk", False, False)]
    for i, row in enumerate(ordered):
        q = _after(keys, list(row))
        assert [r for r in ordered if _matches(q, dict(zip(("a", "b", "pk"), r)))] == ordered[i + 1:]


def _matches(q, row: dict) -> bool:
    """Evaluate a Q of field lookups (gt, lt, gte, lte, isnull, exact, in) on a dict."""
    from django.db.models import Q

    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_matches(child, row))
            continue
        lookup, value = child
        field, _sep, op = lookup.partition("__")
        x = row[field]
        if op == "in":
            ok = x in value
        elif op == "isnull":
            ok = (x is None) == value
        elif x is None or value is None:
            ok = op == "" and x == value
        else:
            ok = {"": x == value, "gt": x > value, "lt": x < value, "gte": x >= value, "lte": x <= value}[op]
        results.append(ok)
    out = all(results) if q.connector == "AND" else any(results)
    return not out if q.negated else out
