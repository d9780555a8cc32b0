"""Telling people: the in-app notice, its copies for their own channels and their organisations' group
channels, and the management of those channels and choices. The only place messaging state changes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import policy
from wuxing.core.audit import record
from wuxing.core.notify import notify
from wuxing.messaging import people
from wuxing.messaging.models import Channel, ChannelKind, Delivery, Preference
from wuxing.orgs.models import OrgUnit


def digest_time(now: dt.datetime) -> dt.datetime:
    """When today's digest goes out (NOTIFY_DIGEST_HOUR, local time); tomorrow's once that has passed."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.NOTIFY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at if local < at else at + dt.timedelta(days=1)


@dataclass
class Told:
    """Who a message reached: people in the app, and how many copies were queued for each channel."""

    people: set[int] = field(default_factory=set)
    channels: Counter = field(default_factory=Counter)

    def __iadd__(self, other: Told) -> Told:
        self.people |= other.people
        self.channels.update(other.channels)
        return self

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {self.channels[kind]}" for kind in ("in-app", *ChannelKind.values))
        return f"reached {len(self.people)} people ({kinds})"


def tell(users: Iterable, title: str, body: str = "", url: str = "", *, unit: OrgUnit | None = None,
         now: dt.datetime | None = None) -> Told:
    """Tell `users` (in the app, and by e-mail or SMS where they chose it) and the group channels of `unit`
    and its ancestors. Runs inside the caller's transaction: a step that fails leaves no message behind."""
    users = [u for u in users if getattr(u, "is_active", False)]
    now = now or timezone.now()
    told = notify(users, title, body, url)
    rows: list[Delivery] = []
    prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users)}

    def queue(kind, address, *, digest, user=None, channel=None):
        rows.append(Delivery(kind=kind, address=address, user=user, channel=channel, title=title[:200], body=body,
                             url=url[:300], digest=digest, next_at=digest_time(now) if digest else now))

    for user in users:
        pref = prefs.get(user.pk)
        if pref is None:
            continue
        if pref.email and user.email:
            queue(ChannelKind.EMAIL, user.email, digest=pref.digest, user=user)
        if pref.sms and user.mobile:
            queue(ChannelKind.SMS, user.mobile, digest=pref.digest, user=user)
    for channel in channels_for(unit):
        queue(channel.kind, channel.address, digest=channel.digest, channel=channel)
    Delivery.objects.bulk_create(rows)
    result = Told(people={u.pk for u in users})
    result.channels["in-app"] = told
    result.channels.update(row.kind for row in rows)
    return result


def channels_for(unit: OrgUnit | None) -> list[Channel]:
    """The active group channels that carry notices about `unit`: its own, and its ancestors' unless they
    keep to their own unit."""
    if unit is None:
        return []
    found = Channel.objects.filter(is_active=True, unit_id__in=people.line_of(unit)).select_related("unit")
    return [c for c in found if c.unit_id == unit.pk or not c.own_unit_only]


# --- configuration -------------------------------------------------------------------------------------

_WEBHOOK_KEY = re.compile(r"(key=)[^&]+")


def masked_address(address: str) -> str:
    """A webhook's key is its password: pages and the audit trail show only its first characters."""
    return _WEBHOOK_KEY.sub(lambda m: m.group(1) + "****", address) if "key=" in address else address


def _check_address(kind: str, address: str) -> str:
    address = address.strip()
    if kind == ChannelKind.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"address": _("请填写有效的邮箱地址。")}) from None
        return address
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"address": _("请填写群机器人的完整 Webhook 地址（以 https:// 开头）。")})
    if parts.hostname not in settings.NOTIFY_WEBHOOK_HOSTS:
        # The server posts to this address: only the robot service's hosts, never an inside machine.
        raise ValidationError({"address": _("Webhook 地址的主机 {host} 不在允许范围内（允许：{allowed}）。").format(
            host=parts.hostname, allowed="、".join(settings.NOTIFY_WEBHOOK_HOSTS))})
    if "key=" not in (parts.query or ""):
        raise ValidationError({"address": _("Webhook 地址缺少 key 参数，请从企业微信群机器人设置中完整复制。")})
    return address


def _may_manage(actor, unit: OrgUnit) -> None:
    if not policy.may(actor, "unit.manage", unit):
        raise PermissionDenied(_("您没有权限管理该单位的推送渠道。"))


@transaction.atomic
def add_channel(actor, unit: OrgUnit, *, kind: str, name: str, address: str, digest: bool = False,
                own_unit_only: bool = False) -> Channel:
    """A group channel for an organisation (office admin for its subtree, district admin for all)."""
    _may_manage(actor, unit)
    if kind not in (ChannelKind.WECOM, ChannelKind.EMAIL):
        raise ValidationError({"kind": _("请选择渠道类型。")})
    if not name.strip():
        raise ValidationError({"name": _("请填写渠道名称。")})
    channel = Channel.objects.create(unit=unit, kind=kind, name=name.strip()[:60], address=_check_address(kind, address),
                                     digest=digest, own_unit_only=own_unit_only,
                                     created_by=actor if getattr(actor, "is_authenticated", False) else None)
    record(actor, "messaging.channel.add", channel, {"kind": kind, "address": masked_address(channel.address),
                                                     "digest": digest}, unit_path=unit.path)
    return channel


@transaction.atomic
def set_channel_active(actor, channel: Channel, active: bool) -> Channel:
    _may_manage(actor, channel.unit)
    if channel.is_active != active:
        channel.is_active = active
        channel.save(update_fields=["is_active"])
        record(actor, "messaging.channel.enable" if active else "messaging.channel.disable", channel, {},
               unit_path=channel.unit.path)
    return channel


@transaction.atomic
def remove_channel(actor, channel: Channel) -> None:
    _may_manage(actor, channel.unit)
    record(actor, "messaging.channel.remove", channel, {"kind": channel.kind,
                                                        "address": masked_address(channel.address)},
           unit_path=channel.unit.path)
    channel.delete()


@transaction.atomic
def set_preference(actor, *, email: bool, sms: bool, digest: bool) -> Preference:
    """A person's own channels. Refused for a channel they have no address for."""
    errors = {}
    if email and not actor.email:
        errors["email"] = _("您的账号还没有邮箱地址，请先请管理员填写。")
    if sms and not actor.mobile:
        errors["sms"] = _("您的账号还没有手机号码，请先请管理员填写。")
    if errors:
        raise ValidationError(errors)
    pref, _created = Preference.objects.update_or_create(user=actor, defaults={"email": email, "sms": sms,
                                                                               "digest": digest})
    return pref


def send_test_message(actor, channel: Channel) -> Delivery:
    """Queue a test message to a channel so that its configuration can be seen to work."""
    _may_manage(actor, channel.unit)
    now = timezone.now()
    return Delivery.objects.create(kind=channel.kind, channel=channel, address=channel.address,
                                   title=_("测试消息：{name}").format(name=channel.name),
                                   body=_("这是一条来自五星支部创建平台的测试消息。"), next_at=now)
