"""Weekly work dynamics (周工作动态): one report per branch per ISO week."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core import weeks
from wuxing.evaluation.models import BranchScopedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


class WeeklyReport(models.Model):
    """What a branch did in one ISO week, what is stuck, and what comes next."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="weekly_reports")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="weekly_reports")
    iso_year = models.PositiveSmallIntegerField(_("年"))
    iso_week = models.PositiveSmallIntegerField(_("周"))
    week_start = models.DateField(_("周一"))
    due_at = models.DateTimeField(_("截止时间"))
    summary = models.TextField(_("本周工作"), blank=True)
    problems = models.TextField(_("问题和困难"), blank=True)
    next_plan = models.TextField(_("下周计划"), blank=True)
    highlights = models.TextField(_("亮点"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The first submission decides on time / late; a report sent back and sent again keeps it.
    submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    office_note = models.TextField(_("办事处意见"), blank=True)
    decided_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-iso_year", "-iso_week", "branch__path"]
        verbose_name = _("周工作动态")
        verbose_name_plural = _("周工作动态")
        constraints = [models.UniqueConstraint(fields=["branch", "iso_year", "iso_week"], name="weekly_report_week")]
        indexes = [models.Index(fields=["campaign", "iso_year", "iso_week"], name="weekly_report_campaign_week"),
                   # The API list's order: a page is an index walk, not a sort of a province's reports.
                   models.Index(fields=["campaign", "-iso_year", "-iso_week", "branch"], name="weekly_report_list")]

    def __str__(self) -> str:
        return f"{self.branch} {weeks.label(self.iso_year, self.iso_week)}"

    @property
    def scope_path(self) -> str:
        return self.branch.path


class WorkItem(models.Model):
    """One item of work done, optionally tied to a plan task and its indicators."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("工作事项"), max_length=500)
    task = models.ForeignKey("creation.PlanTask", verbose_name=_("对应任务"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="weekly_items")
    indicator_codes = models.JSONField(_("对应指标"), default=list, blank=True)
    task_done = models.BooleanField(_("任务已完成"), default=False)
    applied = models.BooleanField(default=False)  # progress already written to the task (once)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("工作事项")
        verbose_name_plural = _("工作事项")


def attachment_path(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"weekly/{instance.report.iso_year}/{instance.report_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A photo or document attached to a weekly report (checked by content like evidence)."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class ReminderLog(models.Model):
    """One row per reminder sent; the unique key is what makes `weekly remind` never send twice."""

    kind = models.CharField(max_length=16)  # "branch", "office" (missing) or "office_soon" (without accounts)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "iso_year", "iso_week"], name="weekly_reminder_once")]
