"""案卷评查: matters, case files, rubrics, review campaigns with their draw, score sheets, circulars
and rectification. Reviewed units are org units of level `agency` (区直部门) under the district."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet


class UnitQuerySet(ScopedQuerySet):
    """Rows of a reviewed unit: that unit's people see them; the organiser's district subtree too."""

    scope_field = "unit__path"
    actions = {"view": "casefile.view", "manage": "casefile.upload"}


class MatterCategory(models.TextChoices):
    LICENCE = "licence", _("许可")
    REGISTRATION = "registration", _("登记")
    PAYMENT = "payment", _("给付")
    FILING = "filing", _("备案")
    OTHER = "other", _("其他")


class Matter(models.Model):
    """事项: what a unit decides, with its limits and the documents its files must hold."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("办理单位"), on_delete=models.PROTECT, related_name="matters")
    code = models.CharField(_("事项编码"), max_length=40)
    name = models.CharField(_("事项名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=16, choices=MatterCategory.choices)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), default=20)
    extension_days = models.PositiveSmallIntegerField(_("可延长（工作日）"), default=10)
    extension_approver = models.CharField(_("延期批准人"), max_length=40, default="本机关负责人")
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), null=True, blank=True)
    instant = models.BooleanField(_("即办件"), default=False)
    joint = models.BooleanField(_("联合办理"), default=False)
    required_documents = models.JSONField(_("应有材料"), default=list, blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="casefiles_matter_code")]

    def __str__(self) -> str:
        return self.name


class DecisionType(models.TextChoices):
    GRANT = "grant", _("准予")
    REFUSE = "refuse", _("不予许可")
    NOT_ACCEPT = "not_accept", _("不予受理")


class CaseFile(models.Model):
    """案卷: one closed file, with the dates its time limits are checked against."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="case_files")
    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="files")
    file_no = models.CharField(_("案卷编号"), max_length=60)
    applicant = models.CharField(_("申请人"), max_length=120)
    applicant_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    received = models.DateField(_("收件日期"))
    supplement_notice = models.DateField(_("补正告知日期"), null=True, blank=True)
    supplement_complete = models.DateField(_("补正齐全日期"), null=True, blank=True)
    accepted = models.DateField(_("受理日期"), null=True, blank=True)
    extension_approved = models.DateField(_("延期批准日期"), null=True, blank=True)
    extension_notified = models.DateField(_("延期告知日期"), null=True, blank=True)
    excluded_periods = models.JSONField(_("不计时段"), default=list, blank=True)  # [{start, end, kind, noticed}]
    decided = models.DateField(_("决定日期"), null=True, blank=True)
    decision_type = models.CharField(_("决定类型"), max_length=12, choices=DecisionType.choices, default=DecisionType.GRANT)
    served = models.DateField(_("送达日期"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=20, blank=True)
    published = models.DateField(_("公示日期"), null=True, blank=True)
    archived = models.DateField(_("归档日期"), null=True, blank=True)
    documents = models.JSONField(_("卷内材料"), default=list, blank=True)  # names (with seal/signature notes)
    verifiers = models.JSONField(_("核查人员"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "file_no"]
        constraints = [models.UniqueConstraint(fields=["unit", "file_no"], name="casefiles_file_no")]
        indexes = [models.Index(fields=["unit", "decided"], name="casefiles_file_unit_decided")]

    def __str__(self) -> str:
        return self.file_no

    @property
    def scope_path(self) -> str:
        return self.unit.path


class OcrState(models.TextChoices):
    PENDING = "pending", _("待识别")
    DONE = "done", _("已识别")
    FAILED = "failed", _("识别失败")


def page_path(instance: ScanPage, filename: str) -> str:
    return f"dossiers/{instance.file_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class ScanPage(models.Model):
    """One page of a case file's scanned dossier: a one-page PDF (what the viewer shows), its thumbnail, its hash,
    the upload it came from, and its OCR text once `wuxing casefiles ocr` has read it."""

    file = models.ForeignKey(CaseFile, verbose_name=_("案卷"), on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("页码"))
    pdf = models.FileField(upload_to=page_path, max_length=200)
    thumbnail = models.FileField(upload_to=page_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    source_name = models.CharField(_("来源文件"), max_length=160)
    source_page = models.PositiveIntegerField(default=1)
    width = models.PositiveIntegerField(default=0)  # points (1/72 inch), as the PDF page says
    height = models.PositiveIntegerField(default=0)
    text = models.TextField(_("识别文字"), blank=True)
    ocr_state = models.CharField(_("识别状态"), max_length=8, choices=OcrState.choices, default=OcrState.PENDING)
    ocr_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["file_id", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="casefiles_page_number")]
        indexes = [models.Index(fields=["ocr_state", "id"], name="casefiles_page_ocr")]


class DateStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    CORRECTED = "corrected", _("已更正")
    REJECTED = "rejected", _("不采用")


class DateProposal(models.Model):
    """A date OCR found near its key word, proposed for one of the file's date fields until a person decides."""

    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="date_proposals")
    field = models.CharField(_("日期项"), max_length=24)
    proposed = models.DateField(_("识别日期"))
    page = models.PositiveIntegerField(_("页码"))
    keyword = models.CharField(_("关键词"), max_length=80)
    snippet = models.CharField(_("原文"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=DateStatus.choices, default=DateStatus.PROPOSED)
    value = models.DateField(_("确认日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["file_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["file", "field"], name="casefiles_date_field")]


class Rubric(models.Model):
    """评查标准: sections (the seven dimensions) and items, versioned like the star standards."""

    code = models.CharField(_("编码"), max_length=48)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=200)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    veto_mode = models.CharField(_("否决方式"), max_length=12, choices=[("zero_score", _("记零分")),
                                                                 ("force_fail", _("直接评为不合格"))])
    bands = models.JSONField(_("等次"), default=list)  # [[label, min], …] highest first
    source = models.TextField()
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="casefiles_rubric_version")]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"


class RubricSection(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=20)
    name = models.CharField(_("维度"), max_length=20)
    max_points = models.DecimalField(max_digits=6, decimal_places=1)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rubric_id", "order"]


class RubricItem(models.Model):
    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=20)
    text = models.CharField(_("评查内容"), max_length=300)
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    rule = models.CharField(_("扣分方式"), max_length=16)
    unit_points = models.DecimalField(_("每次/每项扣分"), max_digits=6, decimal_places=1, default=0)
    veto = models.BooleanField(_("一票否决"), default=False)
    check_id = models.CharField(_("自动检查"), max_length=8, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["section_id", "order"]


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Organisers see campaigns of their district; a reviewed unit or a reviewer sees campaigns it is in."""
        from django.db.models import Q

        from wuxing.core.policy import paths_for
        from wuxing.core.scoping import ALL, path_q

        if action not in ("view", "manage"):
            raise ValueError(action)
        organiser = paths_for(user, "casefile.organise")
        if organiser is ALL:
            return self
        q = path_q("unit__path", organiser) if organiser else Q(pk__in=[])
        if action == "view" and getattr(user, "is_authenticated", False):
            units = paths_for(user, "casefile.answer") or []
            if units:
                q |= Q(pk__in=SampledFile.objects.filter(path_q("file__unit__path", units)).values("campaign_id"))
            q |= Q(pool__user=user)
        return self.filter(q).distinct()


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", _("准备中")
    DRAWN = "drawn", _("已抽取")
    REVIEWING = "reviewing", _("评查中")
    CLOSED = "closed", _("已通报")


class ReviewCampaign(models.Model):
    """评查活动: scope, sample plan, the stored draw, reviewer pool, results."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=120)
    rubric = models.ForeignKey(Rubric, verbose_name=_("评查标准"), on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField("orgs.OrgUnit", verbose_name=_("被评查单位"), related_name="+")
    categories = models.JSONField(_("事项类别"), default=list, blank=True)
    closed_from = models.DateField(_("办结日期起"))
    closed_to = models.DateField(_("办结日期止"))
    plan = models.JSONField(_("抽样方案"), default=dict)  # {unit code: {"count": n} | {"percent": p, "min": m}}
    # Or an exact total over all units, allocated in proportion to their frames (largest remainder, at least
    # `sample_min` each); the allocation is computed at the draw and stored with the seed.
    sample_total = models.PositiveIntegerField(_("抽取总份数"), null=True, blank=True)
    sample_min = models.PositiveSmallIntegerField(_("每单位最少份数"), default=1)
    allocation = models.JSONField(_("各单位份数"), default=dict, blank=True)  # {unit code: n}, stored at the draw
    arbitration_points = models.DecimalField(_("复核分差仲裁线"), max_digits=5, decimal_places=1, default=10)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    algorithm = models.TextField(_("抽样算法"), blank=True)
    frame = models.JSONField(_("抽样框"), default=dict, blank=True)  # {unit code: [file numbers]}
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING)
    causes = models.TextField(_("问题原因分析"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.unit.path


class PoolMember(models.Model):
    """A reviewer of the campaign and the unit they come from (never assigned that unit's files)."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="pool")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    home_unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="casefiles_pool_user")]


class SampledFileQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Sampled files `user` may open: the organiser's campaigns, the unit's own files, the reviewer's own."""
        from django.db.models import Q

        from wuxing.core.policy import paths_for
        from wuxing.core.scoping import ALL, path_q

        if action != "view":
            raise ValueError(action)
        organised = paths_for(user, "casefile.organise")
        if organised is ALL:
            return self
        q = Q(pk__in=[])
        if organised:
            q |= path_q("campaign__unit__path", organised)
        own = paths_for(user, "casefile.answer")
        if own:
            q |= path_q("file__unit__path", own)
        if getattr(user, "is_authenticated", False):
            q |= Q(reviewer=user) | Q(second_reviewer=user)
        return self.filter(q)


class SampledFile(models.Model):
    """A file of the draw, with the reviewers assigned to it."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="sample")
    file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="samples")
    order = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    disputed = models.BooleanField(_("有争议"), default=False)

    objects = SampledFileQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "file"], name="casefiles_sample_file")]


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("评查中")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheet(models.Model):
    """One reviewer's item-by-item review of one sampled file."""

    sample = models.ForeignKey(SampledFile, on_delete=models.CASCADE, related_name="sheets")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("等次"), max_length=12, blank=True)
    vetoed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True)  # the audit event of its submission

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sample", "reviewer"], name="casefiles_sheet_reviewer")]


class Arbitration(models.Model):
    """仲裁: two sheets of a file differ beyond the campaign's threshold (points, band, or a veto on one side);
    the organiser decides which stands, with a reason. Until then the results show neither."""

    sample = models.OneToOneField(SampledFile, on_delete=models.CASCADE, related_name="arbitration")
    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("采用的评查表"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("仲裁理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("仲裁时间"), auto_now_add=True)


class Finding(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="findings")
    item_code = models.CharField(max_length=20)
    occurrences = models.PositiveSmallIntegerField(default=1)
    points = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    page_ref = models.CharField(_("页码"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    source = models.CharField(max_length=8, default="manual")  # auto (from a check) or manual
    computation = models.TextField(blank=True)
    waived_reason = models.TextField(_("不扣分理由"), blank=True)

    class Meta:
        ordering = ["item_code"]


class Rectification(models.Model):
    """整改通知 to a unit, its response, and the follow-up (回头看) that closes it."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="rectifications")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    problems = models.TextField(_("存在问题"))
    deadline = models.DateField(_("整改期限"))
    response = models.TextField(_("整改情况"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    followup = models.TextField(_("回头看情况"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="casefiles_rectification_unit")]

    @property
    def scope_path(self) -> str:
        return self.unit.path


class CalendarYear(models.Model):
    """A year's holidays and make-up workdays entered by an administrator (before the package has it)."""

    year = models.PositiveSmallIntegerField(unique=True)
    holidays = models.JSONField(default=list)
    workdays = models.JSONField(default=list)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
