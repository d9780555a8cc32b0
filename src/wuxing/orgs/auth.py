"""The signed-in user's loader: the user row, their grants and their unread notifications in one query.

Every authenticated request needs all three (the policy for the grants, the menu for the count); read one by one
they were three round trips and three ORM compilations before the view began, a large part of a cached page's
cost (issue 21 §2). The statement is plain SQL written once: built through the ORM with three subqueries it cost
about 2 ms of Python per request to compile, more than the three queries it replaced.
"""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from wuxing.core.models import Notification
from wuxing.core.notify import remember_unread
from wuxing.core.scoping import remember_grants
from wuxing.orgs.models import Assignment, OrgUnit, RoleAssignment, User

SEP = "\x1f"  # between a grant's role and its path; between rows twice (neither occurs in role codes or paths)

_SQL = """
SELECT {columns},
  (SELECT {agg}(r.role || %s || o.path, %s) FROM {ra} r JOIN {unit} o ON o.id = r.unit_id
    WHERE r.user_id = u.id AND o.is_active) AS _grant_rows,
  (SELECT {agg}(o.path, %s) FROM {asg} a JOIN {unit} o ON o.id = a.unit_id
    WHERE a.leader_id = u.id AND o.is_active) AS _assigned_rows,
  (SELECT COUNT(*) FROM {note} n WHERE n.user_id = u.id AND n.read_at IS NULL) AS _unread_count
FROM {user} u WHERE u.id = %s
"""


def _statement(vendor: str) -> str:
    # The model's own columns in the model's order: from_db maps a full row by position.
    columns = ", ".join(f"u.{f.column}" for f in User._meta.concrete_fields)
    return _SQL.format(columns=columns, agg="string_agg" if vendor == "postgresql" else "group_concat",
                       ra=RoleAssignment._meta.db_table, unit=OrgUnit._meta.db_table, asg=Assignment._meta.db_table,
                       note=Notification._meta.db_table, user=User._meta.db_table)


def _split(joined: str | None) -> list[str]:
    return [part for part in (joined or "").split(SEP * 2) if part]


_ATTNAMES = [f.attname for f in User._meta.concrete_fields]


@functools.cache
def _converters(alias: str) -> list:
    """The backend's conversions the ORM applies to the user's columns (SQLite's datetimes made aware, say)."""
    connection = connections[alias]
    out = []
    for i, field in enumerate(User._meta.concrete_fields):
        col = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if converters:
            out.append((i, col, converters))
    return out


def load(user_id) -> User | None:
    """The user with their grants (wuxing.core.scoping) and unread count (wuxing.core.notify) kept on the object.

    Read with a plain cursor and built with `User.from_db` (what the ORM itself does with a row): a RawQuerySet
    around the same statement spent about as long again on mapping its columns as the statement took."""
    alias = router.db_for_read(User)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection.vendor), [SEP, SEP * 2, SEP * 2, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, grant_rows, assigned_rows, unread = row
    for i, col, converters in _converters(alias):
        for convert in converters:
            values[i] = convert(values[i], col, connection)
    user = User.from_db(alias, _ATTNAMES, values)
    remember_grants(user, (tuple(r.split(SEP, 1)) for r in _split(grant_rows)), _split(assigned_rows))
    remember_unread(user, unread or 0)
    return user


class UserBackend(ModelBackend):
    """Django's ModelBackend, whose get_user (once per request, from the session) reads the grants and the unread
    count with the user row and keeps them on the object, where the policy and the menu look first."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
