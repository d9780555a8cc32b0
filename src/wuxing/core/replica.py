"""Reads from a PostgreSQL streaming replica, every write and the writer's next reads on the primary.

Switched on by DATABASE_REPLICA_URL (settings.py adds the `replica` database, this router and the
middleware). What goes where:

- A GET or HEAD request reads from the replica when the replica is healthy and the caller has not written in
  the last PIN_SECONDS (a mark in the shared cache, keyed by the session cookie or the API token, so it
  holds whichever app server the next request reaches). Everything else reads and writes on the primary.
- Inside a request, the first write sends the rest of that request's reads to the primary too, and so does
  any open transaction (a locked read must see its own lock).
- Healthy: the replica answers, is in recovery, streams from the primary, and has replayed what it
  received or lags by at most MAX_LAG_SECONDS. Checked at most every CHECK_SECONDS per process; a replica
  found down or behind is left alone for DOWN_SECONDS.
- A GET that fails on the replica (it stopped mid-request) is answered again from the primary: the caller
  sees no error, the failure is logged.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import time

from django.core.cache import cache
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_SECONDS = 5
MAX_LAG_SECONDS = 5.0
CHECK_SECONDS = 1.0
DOWN_SECONDS = 5.0
SAFE = ("GET", "HEAD", "OPTIONS")

_reads: contextvars.ContextVar[str] = contextvars.ContextVar("wuxing_reads", default=PRIMARY)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("wuxing_wrote", default=False)

LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN NULL
  WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


class _Health:
    checked = -1e9
    ok = False
    down_until = 0.0


_health = _Health()


def mark_down(reason: str) -> None:
    _health.ok, _health.down_until, _health.checked = False, time.monotonic() + DOWN_SECONDS, time.monotonic()
    log.warning("replica set aside for %.0f s: %s", DOWN_SECONDS, reason)
    try:
        connections[REPLICA].close()
    except DatabaseError:
        pass


def replica_healthy() -> bool:
    now = time.monotonic()
    if now < _health.down_until:
        return False
    if now - _health.checked < CHECK_SECONDS:
        return _health.ok
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = cursor.fetchone()[0]
    except DatabaseError as exc:
        mark_down(f"no answer ({exc.__class__.__name__})")
        return False
    if lag is None or float(lag) > MAX_LAG_SECONDS:
        mark_down("not streaming" if lag is None else f"{float(lag):.1f} s behind")
        return False
    _health.ok, _health.checked = True, now
    return True


class Router:
    """DATABASE_ROUTERS entry: reads where the request's middleware said, writes always on the primary."""

    def db_for_read(self, model, **hints):
        if _reads.get() == REPLICA and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        _reads.set(PRIMARY)  # the rest of this request reads what it wrote
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _pin_key(value: str | None) -> str | None:
    return "wuxing:pin:" + hashlib.sha256(value.encode()).hexdigest()[:32] if value else None


class ReplicaMiddleware:
    """First in MIDDLEWARE (after SecurityMiddleware): decides where this request reads, and after a write
    keeps the caller on the primary for PIN_SECONDS, on every app server (the mark is in the shared cache)."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.cookie = settings.SESSION_COOKIE_NAME
        self.header = getattr(settings, "WUXING_READ_HEADER", False)

    def __call__(self, request):
        caller = request.COOKIES.get(self.cookie) or request.headers.get("Authorization")
        pinned = caller is not None and cache.get(_pin_key(caller)) is not None
        use = request.method in SAFE and not pinned and replica_healthy()
        reads, wrote = _reads.set(REPLICA if use else PRIMARY), _wrote.set(False)
        try:
            connections[REPLICA].errors_occurred = False
            response = self.get_response(request)
            if use and response.status_code >= 500 and connections[REPLICA].errors_occurred:
                mark_down("failed during a request")
                _reads.set(PRIMARY)
                response = self.get_response(request)  # a GET: safe to answer again, from the primary
            served = _reads.get()
            changed = _wrote.get() or request.method not in SAFE
        finally:
            _reads.reset(reads)
            _wrote.reset(wrote)
        if changed:
            # A sign-in sets a new session cookie: the mark follows the caller under its new name.
            fresh = response.cookies.get(self.cookie)
            key = _pin_key(fresh.value if fresh is not None and fresh.value else caller)
            if key is not None:
                cache.set(key, 1, PIN_SECONDS)
        if self.header:
            response["X-Wuxing-Read"] = "replica" if use and served == REPLICA else "primary"
        return response
