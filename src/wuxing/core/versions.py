"""Per-branch version numbers for caching a branch's own pages (its workspace, its weekly history).

The rollups' stamp (wuxing.rollups.services.version) moves with every write anywhere in the campaign: right
for pages drawn from the rollups of a whole area, useless for a branch's page at province scale, where some
branch writes every second. A branch's number moves only with that branch's writes — targets, plan tasks and
their progress, assessments, awards (through the domain events, wuxing.core.events), and the writes that send
no event: comments, evidence, weekly drafts, returns and acceptances (their services call `touch`). The epoch
(row 0) moves with writes that reach many branches at once.

Both live in the database and move inside the write's own transaction, so a number read before a page part is
built is never newer than the rows it was built from, whichever process wrote.
"""

from __future__ import annotations

import time

from django.db import connection, connections, router

EPOCH = 0


def touch(*unit_ids: int, at_least: int = 1) -> None:
    """Move each unit's number by one (to `at_least` if that is more), in the current transaction: one statement
    per unit, no read first, in a fixed order so two writers never lock two rows crosswise."""
    from wuxing.core.models import UnitVersion

    table = connection.ops.quote_name(UnitVersion._meta.db_table)
    with connection.cursor() as cursor:
        for unit_id in sorted(set(unit_ids)):
            cursor.execute(f"INSERT INTO {table} (unit_id, version) VALUES (%s, %s) ON CONFLICT (unit_id) DO UPDATE "
                           f"SET version = CASE WHEN {table}.version + 1 > %s THEN {table}.version + 1 ELSE %s END",
                           [unit_id, at_least, at_least, at_least])


def clock_floor() -> int:
    """The clock's microseconds: a number that a version moved at least this far has never had in a database
    created before, whose pages a shared cache may still hold under its old numbers."""
    return time.time_ns() // 1000


def touch_all() -> None:
    """A write that reaches many branches at once (or raw rows written past the events: a seed, a demo load): every
    branch's cached parts are stale. The epoch moves to the clock_floor() at least."""
    touch(EPOCH, at_least=clock_floor())


def of(unit_id: int) -> tuple[int, int]:
    """(epoch, the unit's number), in one query: read before the part is built."""
    found = numbers(unit_id)
    return found[EPOCH], found[unit_id]


def numbers(*unit_ids: int) -> dict[int, int]:
    """The epoch's and each unit's number (0 for none yet), in one query. Plain SQL (a third of the ORM's cost here:
    it runs on nearly every request), on the database the ORM would read the rows from."""
    from wuxing.core.models import UnitVersion

    ids = sorted({EPOCH, *map(int, unit_ids)})
    table = connection.ops.quote_name(UnitVersion._meta.db_table)
    with connections[router.db_for_read(UnitVersion)].cursor() as cursor:
        cursor.execute(f"SELECT unit_id, version FROM {table} WHERE unit_id IN ({', '.join(['%s'] * len(ids))})", ids)
        found = dict(cursor.fetchall())
    return {unit_id: found.get(unit_id, 0) for unit_id in ids}


def number(unit_id):
    """A unit's number as a subquery (NULL: 0), for reading it in the same statement as the rows built from it.
    `unit_id`: an id or an OuterRef."""
    from django.db.models import Subquery

    from wuxing.core.models import UnitVersion

    return Subquery(UnitVersion.objects.filter(unit_id=unit_id).values("version")[:1])
