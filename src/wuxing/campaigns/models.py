"""The campaign year (创建年度): one year of the campaign in one district, with its standards, key dates and
rules. Every domain app hangs on it, so it sits just above the standards (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet, paths_for
from wuxing.core.roles import Kind
from wuxing.core.scoping import ALL

DEFAULT_TAGS = ["能力作风建设年", "基层党建质量提升三年行动", "网格化基层治理", "防汛救灾", "疫情防控", "重点项目"]


def default_tags() -> list[str]:
    return list(DEFAULT_TAGS)


class CampaignQuerySet(ScopedQuerySet):
    """A campaign belongs to a district; everyone inside that district sees it, and so do people above."""

    scope_field = "unit__path"
    actions = {"view": "star.view", "manage": "campaign.manage"}

    @staticmethod
    def _reach(user):
        """ALL, or (the ids of the units on the paths to the user's units, those paths): a campaign is seen from
        below it (its unit is one of those ids) and from above it (its unit lies under one of those paths)."""
        paths = paths_for(user, "star.view")
        if paths is ALL:
            return ALL
        return {int(seg) for p in paths for seg in p.split("/") if seg}, paths

    def for_user(self, user, action: str = "view"):
        if action != "view":
            return super().for_user(user, action)
        reach = self._reach(user)
        if reach is ALL:
            return self
        ancestors, paths = reach
        if not paths:
            return self.none()
        q = Q(unit_id__in=ancestors)
        for p in paths:
            q |= Q(unit__path__startswith=p)
        return self.filter(q)

    def admits(self, user, campaign) -> bool:
        """What for_user(user) decides, for one campaign already read (its unit loaded)."""
        reach = self._reach(user)
        if reach is ALL:
            return True
        ancestors, paths = reach
        return campaign.unit_id in ancestors or any(campaign.unit.path.startswith(p) for p in paths)


_FULL_STANDARDS: dict = {}  # (standard id, sha256) -> the standard with stars, indicators, vetoes


class Campaign(models.Model):
    """One year of the campaign in one district, with its standards, key dates and rules."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="campaigns")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    urban_standard = models.ForeignKey("standards.Standard", verbose_name=_("城市社区标准"), on_delete=models.PROTECT,
                                       related_name="+")
    rural_standard = models.ForeignKey("standards.Standard", verbose_name=_("农村标准"), on_delete=models.PROTECT,
                                       related_name="+")
    plan_due = models.DateField(_("创建规划截止"))
    assessment_opens = models.DateField(_("自评开始"))
    assessment_closes = models.DateField(_("自评截止"))
    office_review_due = models.DateField(_("初审截止"))
    district_review_due = models.DateField(_("审核截止"))
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    flag_min_level = models.PositiveSmallIntegerField(_("夺旗：星级线"), default=3)
    flag_min_share = models.DecimalField(_("夺旗：达线支部比例"), max_digits=4, decimal_places=3, default=Decimal("0.800"))
    flag_allow_zero = models.BooleanField(_("夺旗：允许零星支部"), default=False)
    pairing_mentor_level = models.PositiveSmallIntegerField(_("结对：帮带支部星级线"), default=4)
    flag_period = models.CharField(_("夺旗：授旗周期"), max_length=8, default="year",
                                   choices=[("year", _("按年度")), ("quarter", _("按季度"))])
    weekly_from = models.DateField(_("周动态起始日期"), null=True, blank=True,
                                   help_text=_("留空表示从年度的 1 月 1 日起。"))
    weekly_due_weekday = models.PositiveSmallIntegerField(
        _("周动态截止（次周星期几）"), default=0, choices=[(i, d) for i, d in enumerate(
            [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")])])
    weekly_due_time = models.TimeField(_("周动态截止时间"), default=dt.time(12, 0))
    key_work_tags = models.JSONField(_("重点工作标签"), default=default_tags, blank=True)
    is_active = models.BooleanField(_("进行中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("创建年度")
        verbose_name_plural = _("创建年度")
        db_table = "creation_campaign"  # the table keeps its name: moving the model copied no data
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="creation_campaign_unit_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.unit.path

    @property
    def weekly_start(self) -> dt.date:
        return self.weekly_from or dt.date(self.year, 1, 1)

    def weekly_due(self, iso_year: int, iso_week: int) -> dt.datetime:
        """When this campaign's report for an ISO week is due."""
        from wuxing.core.weeks import due_at

        return due_at(iso_year, iso_week, self.weekly_due_weekday, self.weekly_due_time)

    def flag_periods(self) -> list[tuple[str, str]]:
        """The periods a flag is conferred for: the year, or its four quarters."""
        if self.flag_period == "quarter":
            return [(f"{self.year}-Q{q}", f"{self.year}年第{'一二三四'[q - 1]}季度") for q in range(1, 5)]
        return [(str(self.year), f"{self.year}年度")]

    def standard_for(self, branch):
        """The standard that rates `branch`: urban for communities, rural for villages."""
        return self.standard_for_kind(branch.kind)

    def standard_for_kind(self, kind: str):
        """The standard (stars, indicators and vetoes prefetched) for an urban or rural branch; cached."""
        from wuxing.standards.selectors import standard_full

        pk = self.urban_standard_id if kind == Kind.URBAN else self.rural_standard_id
        cache = self.__dict__.setdefault("_standards", {})
        if pk not in cache:
            # A loaded standard version never changes (standards.services refuses new content under an
            # existing version), so its prefetched tree is kept per process, keyed by its content digest.
            digest = self.__dict__.get("urban_digest" if kind == Kind.URBAN else "rural_digest") or (
                self.urban_standard if kind == Kind.URBAN else self.rural_standard).source_sha256
            key = (pk, digest)
            if key not in _FULL_STANDARDS:
                if len(_FULL_STANDARDS) > 64:
                    _FULL_STANDARDS.clear()
                _FULL_STANDARDS[key] = standard_full().get(pk=pk)
            cache[pk] = _FULL_STANDARDS[key]
        return cache[pk]


