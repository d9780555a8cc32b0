"""Faults: a database failure in the middle of an action, double submits, commands rerun after a kill."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from wuxing.orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def test_a_database_failure_mid_action_shows_a_clean_page_and_writes_nothing(world, monkeypatch):
    """create_unit saves the unit, then writes its audit event; the failure comes between the two."""
    import wuxing.orgs.services as services

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "record", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.office_admin)
    r = client.post(reverse("orgs:unit_create", args=[world.east.pk]), {"code": "T199", "name": "半途社区", "level": "community"})
    assert r.status_code == 500
    html = r.content.decode()
    assert "服务器错误" in html and "Traceback" not in html and "OperationalError" not in html
    assert not OrgUnit.objects.filter(code="T199").exists()  # the unit row rolled back with the failed audit write


def test_a_double_submitted_user_form_creates_one_account(world, login):
    client = login(world.office_admin)
    data = {"username": "twice", "real_name": "重复提交", "role": "reporter", "unit": world.village.pk,
            "password": "Twice2026pass"}
    first = client.post(reverse("orgs:user_create"), data)
    second = client.post(reverse("orgs:user_create"), data)
    assert first.status_code == 302 and second.status_code == 200 and "已存在" in second.content.decode()
    assert User.objects.filter(username="twice").count() == 1


def test_a_double_submitted_target_confirmation_changes_state_once(world, campaign, login):
    from wuxing.core.models import AuditEvent
    from wuxing.creation import services

    target = services.submit_target(world.branch_user, services.save_target(world.branch_user, campaign, world.community,
                                                                            star_codes=["pafz"]))
    client = login(world.office_admin)
    url = reverse("creation:target_action", args=[campaign.pk, world.community.pk, "confirm"])
    client.post(url, {"note": "同意"})
    client.post(url, {"note": "同意"})
    target.refresh_from_db()
    assert target.status == "confirmed"
    assert AuditEvent.objects.filter(action="creation.target.confirm").count() == 1


def test_scheduled_commands_can_be_rerun_after_an_interruption(world, campaign):
    """Both commands keep no state outside the database rows they change, so a rerun after a kill
    finishes the work without doing any of it twice."""
    import datetime as dt

    import time_machine
    from django.core.management import call_command

    from wuxing.core.models import Notification
    from wuxing.creation.models import PlanTask
    from wuxing.creation.services import create_task

    with time_machine.travel(dt.datetime(2026, 6, 1, 1, tzinfo=dt.timezone.utc)):
        for i in range(3):
            create_task(world.branch_user, campaign, world.community, title=f"t{i}", star_code="pafz",
                        due_date=dt.date(2026, 6, 10), responsible_name="x")
    with time_machine.travel(dt.datetime(2026, 7, 1, 1, tzinfo=dt.timezone.utc)):
        PlanTask.objects.filter(title="t0").update(status="overdue")  # as if a first run died after one row
        call_command("tasks", "mark-overdue")
        call_command("weekly", "remind")
        sent = Notification.objects.count()
        call_command("tasks", "mark-overdue")
        call_command("weekly", "remind")
    assert PlanTask.objects.filter(status="overdue").count() == 3
    assert Notification.objects.count() == sent
