"""Evaluation data: evidence files (台账), assessments per stage and their per-indicator results.

The review chain (issue 6) moves assessments through their stages; creation (gap analysis) and
contest read them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet


class BranchScopedQuerySet(ScopedQuerySet):
    """Rows that belong to one branch: visible in its subtree, written by its own people or admins."""

    scope_field = "branch__path"
    actions = {"view": "star.view", "edit": "branch.work"}


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


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("自评中")
    OFFICE = "office", _("待办事处初审")
    RETURNED = "returned", _("退回修改")
    DISTRICT = "district", _("待区级审核")
    PROPOSED = "proposed", _("审核完成待公示")
    NOTICE = "notice", _("公示中")
    AWARDED = "awarded", _("已命名")


class Submission(models.Model):
    """申报: a branch's claim of stars for a campaign year, and where it stands in the review chain."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="submissions")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="submissions")
    status = models.CharField(_("状态"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    claimed_star_codes = models.JSONField(_("申报的星"), default=list)
    office_star_codes = models.JSONField(_("初审通过的星"), default=list)
    proposed_star_codes = models.JSONField(_("审核通过的星"), default=list)
    proposed_level = models.PositiveSmallIntegerField(_("拟命名星级"), default=0)
    note = models.TextField(_("最近意见"), blank=True)  # the latest send-back note, shown to the level below
    notice = models.ForeignKey("PublicNotice", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions")
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["branch__path"]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="evaluation_submission_branch")]

    def __str__(self) -> str:
        return f"{self.branch} {self.campaign.year} 申报"

    @property
    def scope_path(self) -> str:
        return self.branch.path


class StarDecision(models.Model):
    """区级审核 of one star of one submission, by that star's reviewer or the district admin."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    star_code = models.CharField(_("星"), max_length=48)
    passed = models.BooleanField(_("通过"))
    note = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True)  # the audit event that made this decision

    class Meta:
        verbose_name = _("星级审核")
        verbose_name_plural = _("星级审核")
        constraints = [models.UniqueConstraint(fields=["submission", "star_code"], name="evaluation_decision_star")]


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        from wuxing.campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.for_user(user, action))


class PublicNotice(models.Model):
    """公示: the proposed levels, open to the public for a number of working days."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    # The number the public calls with an objection (监督电话), printed on the page and the poster.
    hotline = models.CharField(_("监督电话"), max_length=40, blank=True, db_default="")
    ends_estimated = models.BooleanField(default=False)  # the end crosses a year the official calendar lacks
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return self.title


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    PARTLY = "partly", _("异议部分成立")
    DISMISSED = "dismissed", _("异议不成立")
    REJECTED = "rejected", _("不予受理")


# Upheld and partly upheld objections take stars away; the others leave the proposal as it is.
REMOVING = (ObjectionStatus.UPHELD, ObjectionStatus.PARTLY)


class RejectionGround(models.TextChoices):
    """Why an objection is not taken up (不予受理): it then does not hold up the naming."""

    DUPLICATE = "duplicate", _("重复提出")
    EMPTY = "empty", _("无实质内容")
    OUT_OF_SCOPE = "out_of_scope", _("不属于本次公示事项")


class Objection(models.Model):
    """异议 raised by anyone during a public notice. Name and contact are never shown publicly."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="objections")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections")
    name = models.CharField(_("姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=50)
    content = models.TextField(_("异议内容"))
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(_("处理结果"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    outcome = models.TextField(_("处理情况"), blank=True)
    removed_star_codes = models.JSONField(_("因异议取消的星"), default=list, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    rejection = models.CharField(_("不予受理理由"), max_length=16, choices=RejectionGround.choices, blank=True)
    corrections = models.JSONField(_("更正记录"), default=list, blank=True)  # earlier resolutions, with who and why

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self) -> str:
        return f"{self.submission.branch if self.submission_id else self.notice} 公示异议"


class Award(models.Model):
    """命名: the level a branch holds for a campaign year; removals adjust the effective stars."""

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="award")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="awards")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="awards")
    star_codes = models.JSONField(_("命名的星"), default=list)
    level = models.PositiveSmallIntegerField(_("命名星级"))
    effective_star_codes = models.JSONField(_("现有的星"), default=list)
    effective_level = models.PositiveSmallIntegerField(_("现有星级"))
    awarded_at = models.DateTimeField(_("命名时间"), auto_now_add=True)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True)  # the audit event that named it

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["branch__path"]
        verbose_name = _("命名")
        verbose_name_plural = _("命名")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="evaluation_award_branch")]
        indexes = [models.Index(fields=["campaign", "effective_level"], name="evaluation_award_level")]

    @property
    def scope_path(self) -> str:
        return self.branch.path

    def __str__(self) -> str:
        return f"{self.branch} {self.campaign.year} 命名{self.level}星"


class RemovalCategory(models.TextChoices):
    VETO = "veto", _("一票否决")
    PETITION = "petition", _("“三零”：发生越级上访")
    ACCIDENT = "accident", _("“三零”：发生伤亡事故")
    CRIMINAL = "criminal", _("“三零”：发生刑事案件")
    WEAK = "weak", _("被列为软弱涣散")
    DISCIPLINE = "discipline", _("班子成员违纪违法")
    OTHER = "other", _("其他")


# A veto removal comes only from a veto event; a hand-made removal picks one of the others.
MANUAL_REMOVAL = [c for c in RemovalCategory.choices if c[0] != RemovalCategory.VETO]


class StarRemoval(models.Model):
    """降星/撤星: a star taken away during the year, with reason, date and approver; may be reinstated."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="removals")
    star_code = models.CharField(_("星"), max_length=48)
    category = models.CharField(_("原因类别"), max_length=16, choices=RemovalCategory.choices)
    description = models.TextField(_("情况说明"))
    occurred_on = models.DateField(_("发生日期"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("撤星时间"), auto_now_add=True)
    reinstated_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    reinstated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    reinstate_reason = models.TextField(_("恢复理由"), blank=True)
    veto = models.ForeignKey("VetoEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="removals")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("撤星")
        verbose_name_plural = _("撤星")


class VetoStatus(models.TextChoices):
    PENDING = "pending", _("待区级确认")
    IN_FORCE = "in_force", _("生效")
    REVOKED = "revoked", _("已撤销")


class VetoEvent(models.Model):
    """一票否决 event: one of the standard's veto conditions happened at a branch. While it is in force the
    star it belongs to cannot be held — not met in the engine, not claimable, not passable, and struck
    from an award (a 降星 removal linked to this event)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="veto_events")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="veto_events")
    veto_code = models.CharField(_("否决情形"), max_length=48)
    star_code = models.CharField(_("星"), max_length=48)
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("情况说明"))
    evidence = models.TextField(_("佐证材料"))
    status = models.CharField(_("状态"), max_length=16, choices=VetoStatus.choices, default=VetoStatus.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("否决事件")
        verbose_name_plural = _("否决事件")
        indexes = [models.Index(fields=["campaign", "status", "branch"], name="evaluation_veto_force")]

    def __str__(self) -> str:
        return f"{self.branch} {self.veto_code}"

    @property
    def scope_path(self) -> str:
        return self.branch.path


class Assessment(models.Model):
    """One stage's judgement of one branch in one campaign year."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="assessments")
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
    agree = models.BooleanField(_("同意自评"), null=True)  # review stages: does the reviewer agree with the branch?
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


class LedgerManager(models.Manager.from_queryset(BranchScopedQuerySet)):
    """The ledger as it stands: files withdrawn or replaced are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Evidence(models.Model):
    """A file in a branch's ledger (台账) behind one indicator."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="evidence")
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
    # Withdrawn (or replaced) before the claim went up: out of the ledger, the row and the file kept for the
    # audit trail. After the claim is submitted a file can no longer be withdrawn.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("替换的文件"))

    objects = LedgerManager()
    all_objects = models.Manager.from_queryset(BranchScopedQuerySet)()

    class Meta:
        ordering = ["indicator_code", "-uploaded_at"]
        base_manager_name = "all_objects"
        verbose_name = _("台账资料")
        verbose_name_plural = _("台账资料")
        indexes = [models.Index(fields=["campaign", "branch", "indicator_code"], name="evaluation_evidence_idx")]

    def __str__(self) -> str:
        return self.original_name
