"""A scheduled command killed (SIGKILL) in the middle of its work, then run again.

The command runs as its own process against the test database, is killed while its transaction holds
rows, and leaves nothing half-done: no task changed, the rollups equal to the raw tables. The rerun
finishes the work and a third run changes nothing. Needs PostgreSQL (a second process on the same
database); on SQLite's in-memory test database it is skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.creation.models import PlanTask, TaskStatus
from wuxing.rollups import services as rollups

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second process on the database")]
OPEN = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]


def command(*args):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "WUXING_TESTING": "true"}
    return subprocess.Popen([sys.executable, "-c", "from wuxing.cli import main; main()", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def holds_rows() -> bool:
    """Another backend on this database has a transaction id: it has locked or written rows."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")
        return cur.fetchone()[0] > 0


def test_mark_overdue_killed_mid_run_leaves_nothing_half_done_and_a_rerun_finishes():
    call_command("seed", scale="district", quiet=True)
    campaign = Campaign.objects.get(unit__code="SD")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PlanTask.objects.filter(status__in=OPEN).update(due_date=yesterday)
    due = PlanTask.objects.filter(status__in=OPEN).count()
    overdue_before = PlanTask.objects.filter(status=TaskStatus.OVERDUE).count()
    branches = PlanTask.objects.filter(status__in=OPEN).values("branch").distinct().count()
    assert due > 100 and branches > 50  # enough work that the run lasts while it is killed
    assert rollups.drift(campaign).total == 0

    proc = command("tasks", "mark-overdue")
    started = time.monotonic()
    while not holds_rows():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() - started < 60, "the command never started its transaction"
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the per-branch rollup refreshes
    assert proc.poll() is None, "finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert PlanTask.objects.filter(status=TaskStatus.OVERDUE).count() == overdue_before
    assert rollups.drift(campaign).total == 0

    rerun = command("tasks", "mark-overdue")
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read().decode()
    assert PlanTask.objects.filter(status__in=OPEN, due_date__lt=timezone.localdate()).count() == 0
    assert PlanTask.objects.filter(status=TaskStatus.OVERDUE).count() == overdue_before + due
    assert rollups.drift(campaign).total == 0

    again = command("tasks", "mark-overdue")
    assert again.wait(timeout=300) == 0
    assert PlanTask.objects.filter(status=TaskStatus.OVERDUE).count() == overdue_before + due
