"""Activities (会议、论坛、培训…), their decisions, photos and briefs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet


class ActivityType(models.TextChoices):
    FORUM = "forum", _("书记论坛")
    SYMPOSIUM = "symposium", _("座谈会")
    DEPLOYMENT = "deployment", _("部署会")
    PROGRESS = "progress", _("推进会")
    MOBILISATION = "mobilisation", _("动员会")
    TRAINING = "training", _("培训")
    REVIEW = "review", _("评查会")
    TOUR = "tour", _("观摩")
    OTHER = "other", _("其他")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class ActivityQuerySet(ScopedQuerySet):
    scope_field = "unit__path"
    actions = {"view": "star.view", "manage": "area.manage"}


class Activity(models.Model):
    """A meeting, forum, training or tour: who held it, when, who came, what was decided."""

    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="activities")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("组织单位（系统内）"), on_delete=models.PROTECT,
                             related_name="activities")
    # A 评查会 and the case-file review it met about: the campaign page and its circular name the meeting.
    review_campaign = models.ForeignKey("casefiles.ReviewCampaign", verbose_name=_("评查活动"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="meetings")
    organiser_name = models.CharField(_("组织单位"), max_length=60)  # as written, incl. units outside the tree
    type = models.CharField(_("类型"), max_length=16, choices=ActivityType.choices)
    title = models.CharField(_("名称"), max_length=120)
    on = models.DateField(_("日期"))
    at = models.TimeField(_("时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.CharField(_("主持"), max_length=60, blank=True)
    attendees = models.CharField(_("参加人员"), max_length=200, blank=True)
    participants = models.CharField(_("人数（原文）"), max_length=20, blank=True)  # "40余人"
    participants_count = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    documents = models.JSONField(_("学习文件"), default=list, blank=True)
    content = models.TextField(_("主要内容"), blank=True)
    requirements = models.TextField(_("会议要求"), blank=True)
    reporter = models.CharField(_("记者"), max_length=40, blank=True)
    correspondents = models.JSONField(_("通讯员"), default=list, blank=True)
    subtitle = models.CharField(_("副题"), max_length=80, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.CONFIRMED)
    raw_text = models.TextField(_("原文"), blank=True)  # kept beside the clean text when parsed from a brief
    clean_text = models.TextField(_("整理后的原文"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        indexes = [models.Index(fields=["unit", "on"], name="activities_unit_on")]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.unit.path


class Decision(models.Model):
    """A requirement or decision of an activity; it can become plan tasks for named branches."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("决定事项"), max_length=300)
    star_code = models.CharField(_("对应的星"), max_length=48, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    branches = models.ManyToManyField("orgs.OrgUnit", verbose_name=_("落实支部"), blank=True, related_name="+")
    tasks_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


def photo_path(instance: ActivityPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"activities/{instance.activity_id}/{uuid.uuid4().hex}.{ext}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=255)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
