"""Where people are told: group channels per organisation, each person's own choices, and the outbox.

Every notice is first an in-app notification (core.Notification). Channels outside the app are a copy
queued in `Delivery` inside the same transaction as the step that caused it, and sent later by
`wuxing notify send` (messaging.sending): a failing channel is retried with backoff and never takes
the in-app notice with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class ChannelQuerySet(ScopedQuerySet):
    scope_field = "unit__path"
    actions = {"view": "unit.manage", "manage": "unit.manage"}


class Channel(models.Model):
    """A group channel of one organisation: a WeCom group robot or a shared mailbox. It carries the
    notices about the unit and, unless `own_unit_only`, about every unit below it."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE,
                             related_name="channels")
    kind = models.CharField(_("渠道"), max_length=16, choices=[(ChannelKind.WECOM, ChannelKind.WECOM.label),
                                                              (ChannelKind.EMAIL, ChannelKind.EMAIL.label)])
    name = models.CharField(_("名称"), max_length=60)
    address = models.CharField(_("地址"), max_length=500,
                               help_text=_("群机器人的 Webhook 地址，或单位邮箱。"))
    digest = models.BooleanField(_("每日汇总"), default=False,
                                 help_text=_("勾选后每天只发一条汇总消息，不逐条推送。"))
    own_unit_only = models.BooleanField(_("仅本单位"), default=False,
                                        help_text=_("勾选后不推送下级单位的消息。"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "pk"]
        verbose_name = _("推送渠道")
        verbose_name_plural = _("推送渠道")

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"

    @property
    def scope_path(self) -> str:
        return self.unit.path


class Preference(models.Model):
    """One person's own channels: e-mail to their address, SMS to their mobile, each as it happens or
    as one digest a day. Without a row, nothing leaves the app for them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging")
    email = models.BooleanField(_("邮件通知"), default=False)
    sms = models.BooleanField(_("短信通知"), default=False)
    digest = models.BooleanField(_("每日汇总"), default=False)

    class Meta:
        verbose_name = _("个人通知设置")
        verbose_name_plural = verbose_name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message waiting for (or done with) one channel: a person's e-mail or SMS, or a group channel.

    `next_at` is when the sender may next try it; a sender claims a row by moving `next_at` forward in
    a conditional update, so two senders never take the same row, and a sender that dies leaves the row
    to be retried once the lease has passed.
    """

    kind = models.CharField(_("渠道"), max_length=16, choices=ChannelKind.choices)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="deliveries")
    address = models.CharField(_("地址"), max_length=500)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    digest = models.BooleanField(_("每日汇总"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_at = models.DateTimeField(_("下次发送"))
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        indexes = [models.Index(fields=["status", "next_at"], name="messaging_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.address}: {self.title}"
