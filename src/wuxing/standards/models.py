"""Star standards as versioned data: a standard has stars, stars have indicators and vetoes.

A loaded (code, version) never changes: a county's refinement is a new version beside the old
one, so results recorded against a version keep their meaning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.standards.engine import IndicatorSpec, StandardSpec, StarSpec, VetoSpec


class AppliesTo(models.TextChoices):
    URBAN = "urban", _("城市社区")
    RURAL = "rural", _("农村")


class IndicatorKind(models.TextChoices):
    PASS = "pass", _("达标制")
    POINTS = "points", _("计分制")


class Standard(models.Model):
    """One version of a star standard (评星标准), loaded from a YAML file."""

    code = models.CharField(_("标准编码"), max_length=48)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=200)
    applies_to = models.CharField(_("适用"), max_length=8, choices=AppliesTo.choices)
    effective_year = models.PositiveSmallIntegerField(_("生效年度"))
    description = models.TextField(_("说明"), blank=True)
    prerequisite_star = models.CharField(_("前置星"), max_length=48, blank=True)
    capstone_star = models.CharField(_("封顶星"), max_length=48, blank=True)
    source = models.TextField(_("原始文件"))
    source_sha256 = models.CharField(_("文件摘要"), max_length=64)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("加载人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["applies_to", "code", "-version"]
        verbose_name = _("评星标准")
        verbose_name_plural = _("评星标准")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="standards_standard_code_version")]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    def spec(self) -> StandardSpec:
        """The engine's view of this standard (expects stars prefetched with indicators)."""
        stars = list(self.stars.all())
        return StandardSpec(
            code=self.code, version=self.version,
            stars=tuple(StarSpec(s.code, s.name, tuple(
                IndicatorSpec(i.code, i.text, i.kind, i.required, i.max_points, i.pass_mark)
                for i in s.indicators.all())) for s in stars),
            vetoes=tuple(VetoSpec(v.code, v.text, s.code) for s in stars for v in s.vetoes.all()),
            prerequisite_star=self.prerequisite_star or None, capstone_star=self.capstone_star or None,
        )


class Star(models.Model):
    """One of the five stars of a standard."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="stars")
    code = models.CharField(_("编码"), max_length=48)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"))
    lead_department = models.CharField(_("牵头部门"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["standard_id", "order"]
        verbose_name = _("星")
        verbose_name_plural = _("星")
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="standards_star_code")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A checkable condition of a star: pass/fail, or points with a pass mark."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编码"), max_length=48)
    text = models.CharField(_("指标内容"), max_length=500)
    evidence_hint = models.CharField(_("佐证材料"), max_length=500, blank=True)
    kind = models.CharField(_("类型"), max_length=8, choices=IndicatorKind.choices)
    max_points = models.FloatField(_("满分"), null=True, blank=True)
    pass_mark = models.FloatField(_("达标分"), null=True, blank=True)
    required = models.BooleanField(_("必达"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["star_id", "order"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [models.UniqueConstraint(fields=["star", "code"], name="standards_indicator_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Veto(models.Model):
    """A condition that fails its star whatever else holds (一票否决), e.g. a 三零 breach."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="vetoes")
    code = models.CharField(_("编码"), max_length=48)
    text = models.CharField(_("否决情形"), max_length=500)
    category = models.CharField(_("类别"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["star_id", "order"]
        verbose_name = _("否决项")
        verbose_name_plural = _("否决项")
        constraints = [models.UniqueConstraint(fields=["star", "code"], name="standards_veto_code")]

    def __str__(self) -> str:
        return self.text
