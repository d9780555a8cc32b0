"""Annual creation (年度创建): the campaign year, each branch's target and its creation plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The campaign year moved to wuxing.campaigns (every domain app hangs on it); migration 0001 still names
# default_tags here.
from wuxing.campaigns.models import Campaign, default_tags  # noqa: E402,F401
from wuxing.evaluation.models import BranchScopedQuerySet


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


class Target(models.Model):
    """A branch's diagnosis (研判) and the stars it goes for this year (争创目标)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="targets")
    strengths = models.TextField(_("自身优势"), blank=True)
    achieved = models.TextField(_("已达到的标准"), blank=True)
    weaknesses = models.TextField(_("短板弱项"), blank=True)
    goal = models.TextField(_("创建目标"), blank=True)
    measures = models.TextField(_("创建措施"), blank=True)
    star_codes = models.JSONField(_("争创的星"), default=list)
    level = models.PositiveSmallIntegerField(_("争创星级"), default=0)  # = len(star_codes); kept for aggregates
    status = models.CharField(_("状态"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    office_note = models.TextField(_("办事处意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("争创目标")
        verbose_name_plural = _("争创目标")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="creation_target_branch")]

    def __str__(self) -> str:
        return f"{self.branch} {self.level}星"

    @property
    def scope_path(self) -> str:
        return self.branch.path


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("已逾期")


class PlanTask(models.Model):
    """One task of a branch's creation plan: what, how, for which star, who, by when."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="tasks")
    star_code = models.CharField(_("星"), max_length=48)
    indicator_codes = models.JSONField(_("对应指标"), default=list, blank=True)
    title = models.CharField(_("任务"), max_length=200)
    measures = models.TextField(_("推进措施"), blank=True)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人（账号）"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    responsible_name = models.CharField(_("责任人"), max_length=50)
    due_date = models.DateField(_("时间节点"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED,
                              db_index=True)
    tags = models.JSONField(_("重点工作"), default=list, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("创建任务")
        verbose_name_plural = _("创建任务")
        indexes = [models.Index(fields=["campaign", "branch", "status"], name="creation_task_branch_idx"),
                   models.Index(fields=["status", "due_date"], name="creation_task_overdue_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.branch.path


class TaskProgress(models.Model):
    """A dated progress note on a task (append-only)."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("日期"))
    note = models.TextField(_("进展"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")


class Comment(models.Model):
    """批注: a remark by an assigned leader (or an administrator) on a branch's creation work. The branch is
    told; the remark stays on the branch's page."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批注人"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("批注"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("批注")
        verbose_name_plural = _("批注")
        indexes = [models.Index(fields=["campaign", "branch"], name="creation_comment_branch")]

    def __str__(self) -> str:
        return self.text[:40]
