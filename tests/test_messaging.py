"""The outbox and its channels, each over its real protocol: a WeCom-robot-shaped HTTP server, a real SMTP
server (aiosmtpd) and an SMS gateway, all started by the tests on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import SHANGHAI, SYSTEM, at
from wuxing.core.audit import verify
from wuxing.core.models import AuditEvent, Notification
from wuxing.messaging import services
from wuxing.messaging.models import Channel, ChannelKind, Delivery, DeliveryStatus, Preference
from wuxing.messaging.sending import drain
from wuxing.messaging.sink import Sink


@pytest.fixture
def sink(settings):
    with Sink() as s:
        yield s


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks its own port by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


def robot(world, sink, unit=None, **kw):
    return services.add_channel(world.office_admin, unit or world.east, kind=ChannelKind.WECOM, name="东城工作群",
                                address=sink.webhook("east-key"), **kw)


def test_a_notice_reaches_the_office_robot_group_over_http(world, sink):
    robot(world, sink)
    told = services.tell([world.branch_user], "第48周动态被退回", "请补充图片", "/weekly/", unit=world.community)
    assert told.people == {world.branch_user.pk} and told.channels == {"in-app": 1, "wecom": 1}
    assert Notification.objects.filter(user=world.branch_user).count() == 1
    result = drain()
    assert (result.sent, result.deliveries) == (1, 1)
    [text] = sink.texts("east-key")
    assert "第48周动态被退回" in text and "请补充图片" in text and "http://127.0.0.1:8000/weekly/" in text
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert drain().sent == 0  # idempotent: nothing is sent twice


def test_a_channel_of_another_office_hears_nothing(world, sink):
    services.add_channel(world.district_admin, world.west, kind=ChannelKind.WECOM, name="西城群",
                         address=sink.webhook("west-key"))
    services.tell([world.branch_user], "东城的消息", unit=world.community)
    drain()
    assert sink.texts("west-key") == []


def test_own_unit_only_keeps_the_district_group_to_district_notices(world, sink):
    services.add_channel(world.district_admin, world.district, kind=ChannelKind.WECOM, name="区群",
                         address=sink.webhook("d"), own_unit_only=True)
    services.tell([world.branch_user], "支部的消息", unit=world.community)
    services.tell([world.district_admin], "区里的消息", unit=world.district)
    drain()
    assert sink.texts("d") == ["【五星平台】区里的消息"]


def test_a_failing_robot_is_retried_with_backoff_and_the_in_app_notice_stays(world, sink):
    robot(world, sink)
    sink.fail_next = 2  # the robot answers errcode 45009 twice
    with at(2026, 11, 30, 9, 0):
        services.tell([world.branch_user], "目标已确认", unit=world.community)
    row = Delivery.objects.get()
    with at(2026, 11, 30, 9, 0, 5):
        assert drain().retrying == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1 and "45009" in row.last_error
    assert row.next_at == dt.datetime(2026, 11, 30, 9, 1, 5, tzinfo=SHANGHAI)  # one minute later
    with at(2026, 11, 30, 9, 0, 30):
        assert drain().sent == 0  # not before its time
    with at(2026, 11, 30, 9, 1, 5):
        assert drain().retrying == 1
    row.refresh_from_db()
    assert row.next_at == dt.datetime(2026, 11, 30, 9, 3, 5, tzinfo=SHANGHAI)  # then two minutes
    with at(2026, 11, 30, 9, 3, 5):
        assert drain().sent == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3 and row.last_error == ""
    assert sink.refused == [("east-key", 45009), ("east-key", 45009)] and len(sink.received) == 1
    assert Notification.objects.filter(user=world.branch_user, title="目标已确认").exists()


def test_a_robot_that_never_answers_is_given_up_after_the_last_attempt(world, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    with Sink() as gone:
        address = gone.webhook("k")
    settings.NOTIFY_TIMEOUT = 1
    services.add_channel(world.office_admin, world.east, kind=ChannelKind.WECOM, name="群", address=address)
    services.tell([world.branch_user], "通知", unit=world.community)
    assert drain().retrying == 1
    row = Delivery.objects.get()
    assert "Connection refused" in row.last_error or "URLError" in row.last_error
    with at(2030, 1, 1, 0, 0):
        assert drain().failed == 1
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert Notification.objects.filter(user=world.branch_user).count() == 1


def test_an_unknown_robot_key_is_a_failure_not_a_success(world, sink):
    sink.keys = {"right"}
    robot(world, sink)
    services.tell([world.branch_user], "通知", unit=world.community)
    assert drain().retrying == 1
    assert "93000" in Delivery.objects.get().last_error and sink.received == []


def test_a_long_notice_is_cut_to_what_the_robot_takes(world, sink):
    robot(world, sink)
    services.tell([world.branch_user], "长消息", "很长" * 2000, unit=world.community)
    assert drain().sent == 1
    [text] = sink.texts()
    assert len(text.encode()) <= 2048 and text.endswith("…")


def test_email_goes_through_a_real_smtp_server(world, smtp):
    world.branch_user.email = "shuji@example.cn"
    world.branch_user.save()
    services.set_preference(world.branch_user, email=True, sms=False, digest=False)
    services.tell([world.branch_user, world.village_user], "请补报第48周动态", "已逾期", "/weekly/", unit=world.community)
    assert drain().sent == 1
    [(to, message)] = smtp.messages
    assert to == ["shuji@example.cn"]
    assert message["Subject"] and "请补报第48周动态" in str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "已逾期" in message.get_payload(decode=True).decode()


def test_sms_goes_through_the_gateway(world, sink, settings):
    settings.NOTIFY_SMS_URL = f"{sink.url}/sms"
    services.set_preference(world.branch_user, email=False, sms=True, digest=False)
    services.tell([world.branch_user], "整改通知", unit=world.community)
    assert drain().sent == 1
    assert sink.received == [("sms", {"mobile": "13912345678", "content": "【五星平台】整改通知", "sign": "五星支部创建"})]


def test_a_digest_is_one_message_a_day(world, sink):
    robot(world, sink, digest=True)
    with at(2026, 11, 30, 9, 0):
        for n in range(3):
            services.tell([world.branch_user], f"第{n}条", unit=world.community)
        assert drain().sent == 0  # waits for the digest hour
    with at(2026, 11, 30, 17, 0):
        result = drain()
    assert (result.sent, result.deliveries) == (1, 3)
    [text] = sink.texts()
    assert "消息汇总（3 条）" in text and "第0条" in text and "第2条" in text


def test_after_the_digest_hour_the_digest_is_tomorrows(world, sink):
    robot(world, sink, digest=True)
    with at(2026, 12, 31, 18, 30):  # year end, after the hour
        services.tell([world.branch_user], "年末消息", unit=world.community)
    assert Delivery.objects.get().next_at == dt.datetime(2027, 1, 1, 17, 0, tzinfo=SHANGHAI)


def test_two_senders_never_send_the_same_row(world, sink):
    robot(world, sink)
    services.tell([world.branch_user], "一次", unit=world.community)
    row = Delivery.objects.get()
    # The first sender claimed the row (moved its next_at); a second one reading the old next_at gets nothing.
    Delivery.objects.filter(pk=row.pk).update(next_at=row.next_at + dt.timedelta(minutes=5))
    from wuxing.messaging.sending import _claim

    assert _claim([row], row.next_at) == []


def test_a_step_rolled_back_leaves_no_message(world, sink):
    from django.db import transaction

    robot(world, sink)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.tell([world.branch_user], "不该发出", unit=world.community)
        raise RuntimeError
    assert not Delivery.objects.exists() and not Notification.objects.exists()


# --- configuration ----------------------------------------------------------------------------------

def test_a_channel_is_audited_with_its_key_masked(world, sink):
    channel = robot(world, sink)
    event = AuditEvent.objects.get(action="messaging.channel.add")
    assert event.object_id == str(channel.pk) and "east-key" not in str(event.data) and "****" in event.data["address"]
    assert verify().ok


@pytest.mark.parametrize("address, message", [
    ("http://10.0.0.8/cgi-bin/webhook/send?key=x", "不在允许范围内"),
    ("ftp://127.0.0.1/x?key=1", "完整 Webhook 地址"),
    ("http://127.0.0.1:9/cgi-bin/webhook/send", "缺少 key 参数"),
])
def test_a_bad_webhook_is_refused_and_nothing_saved(world, address, message):
    with pytest.raises(ValidationError) as err:
        services.add_channel(world.office_admin, world.east, kind=ChannelKind.WECOM, name="群", address=address)
    assert message in str(err.value.message_dict["address"]) and not Channel.objects.exists()


def test_an_office_admin_cannot_configure_another_office(world, sink):
    with pytest.raises(PermissionDenied):
        services.add_channel(world.office_admin, world.west, kind=ChannelKind.WECOM, name="群",
                             address=sink.webhook("k"))
    assert not Channel.objects.exists() and not AuditEvent.objects.filter(action="messaging.channel.add").exists()


def test_a_person_without_an_address_cannot_choose_that_channel(world):
    world.branch_user.mobile = ""
    world.branch_user.save()
    with pytest.raises(ValidationError) as err:
        services.set_preference(world.branch_user, email=True, sms=True, digest=False)
    assert set(err.value.message_dict) == {"email", "sms"} and not Preference.objects.exists()


def test_a_branch_group_robot_hears_its_branch(world, sink):
    services.add_channel(SYSTEM, world.community, kind=ChannelKind.WECOM, name="社区群", address=sink.webhook("c"))
    services.tell([world.branch_user], "社区的消息", unit=world.community)
    services.tell([world.village_user], "村的消息", unit=world.village)
    drain()
    assert sink.texts("c") == ["【五星平台】社区的消息"]


def test_a_webhook_host_removed_from_the_allowed_list_is_not_posted_to(world, sink, settings):
    robot(world, sink)
    services.tell([world.branch_user], "通知", unit=world.community)
    settings.NOTIFY_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    assert drain().retrying == 1
    assert "not allowed" in Delivery.objects.get().last_error and sink.received == [] and sink.refused == []
