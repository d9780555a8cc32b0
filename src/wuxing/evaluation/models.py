"""Evaluation data: evidence files (台账), assessments per stage and their per-indicator results.

The review chain (issue 6) moves assessments through their stages; creation (gap analysis) and
contest read them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.scoping import ANY_ROLE, ScopedQuerySet
from wuxing.orgs.roles import ADMIN_ROLES, BRANCH_ROLES


class BranchScopedQuerySet(ScopedQuerySet):
    """Rows that belong to one branch: visible in its subtree, written by its own people or admins."""

    scope_field = "branch__path"
    action_roles = {"view": ANY_ROLE, "edit": BRANCH_ROLES | ADMIN_ROLES, "review": ADMIN_ROLES}


class Stage(models.TextChoices):
    SELF = "self", _("自评")
    OFFICE = "office", _("办事处初审")
    DISTRICT = "district", _("区级审核")


STAGE_ORDER = [Stage.SELF, Stage.OFFICE, Stage.DISTRICT]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")


class Assessment(models.Model):
    """One stage's judgement of one branch in one campaign year."""

    campaign = models.ForeignKey("creation.Campaign", on_delete=models.CASCADE, related_name="assessments")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="assessments")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    status = models.CharField(_("状态"), max_length=16, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)  # optimistic lock for concurrent reviewers
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch", "stage"], name="evaluation_assessment_stage")]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_stage_display()}"


class IndicatorResult(models.Model):
    """The result of one indicator in one assessment: met/unmet, or points."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    indicator_code = models.CharField(_("指标编码"), max_length=48)
    met = models.BooleanField(_("达标"), null=True)
    points = models.FloatField(_("得分"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标结果")
        verbose_name_plural = _("指标结果")
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator_code"], name="evaluation_result_indicator")]

    def value(self):
        """What the star engine takes: a score for points indicators, else True/False/None."""
        return self.points if self.points is not None else self.met


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name never comes from the uploader: no traversal, no collisions.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.campaign_id}/{instance.branch_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A file in a branch's ledger (台账) behind one indicator."""

    campaign = models.ForeignKey("creation.Campaign", on_delete=models.CASCADE, related_name="evidence")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="evidence")
    indicator_code = models.CharField(_("指标编码"), max_length=48)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=150)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    content_type = models.CharField(_("类型"), max_length=120)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("内容摘要"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_code", "-uploaded_at"]
        verbose_name = _("台账资料")
        verbose_name_plural = _("台账资料")
        indexes = [models.Index(fields=["campaign", "branch", "indicator_code"], name="evaluation_evidence_idx")]

    def __str__(self) -> str:
        return self.original_name
