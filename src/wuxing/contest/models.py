"""Competition: pairing (五星带四星), highlights, rewards and penalties, judged contests."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet
from wuxing.evaluation.models import BranchScopedQuerySet


class PairingQuerySet(ScopedQuerySet):
    """A pairing is visible in the mentor's subtree and in every mentee's (for_user unions both)."""

    scope_field = "mentor__path"
    actions = {"view": "star.view", "manage": "area.manage"}

    def for_user(self, user, action: str = "view"):
        from django.db.models import Q

        from wuxing.core.policy import paths_for
        from wuxing.core.scoping import ALL, path_q

        if action != "view":
            return super().for_user(user, action)
        paths = paths_for(user, "star.view")
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        return self.filter(path_q("mentor__path", paths) | Q(pk__in=Pairing.objects.filter(
            path_q("mentees__path", paths)).values("pk"))).distinct()


class Pairing(models.Model):
    """结对: a strong (mentor) branch helps one or more mentees, with goals and joint activities."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="pairings")
    mentor = models.ForeignKey("orgs.OrgUnit", verbose_name=_("帮带支部"), on_delete=models.PROTECT, related_name="+")
    mentees = models.ManyToManyField("orgs.OrgUnit", verbose_name=_("结对支部"), related_name="+")
    goals = models.TextField(_("结对目标"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["mentor__path"]
        verbose_name = _("结对")
        verbose_name_plural = _("结对")

    @property
    def scope_path(self) -> str:
        return self.mentor.path


class PairingActivity(models.Model):
    """A joint activity of a pairing (帮带活动)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="activities")
    on = models.DateField(_("日期"))
    content = models.TextField(_("活动内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]


class Highlight(models.Model):
    """亮点/典型案例: a showcased practice of a branch, linked to stars and indicators."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="highlights")
    branch = models.ForeignKey("orgs.OrgUnit", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=120)
    story = models.TextField(_("事迹"))
    star_codes = models.JSONField(_("相关的星"), default=list, blank=True)
    indicator_codes = models.JSONField(_("相关指标"), default=list, blank=True)
    featured = models.BooleanField(_("区级推荐"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-featured", "-created_at"]
        verbose_name = _("亮点")
        verbose_name_plural = _("亮点")

    @property
    def scope_path(self) -> str:
        return self.branch.path


def photo_path(instance: HighlightPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"highlights/{instance.highlight_id}/{uuid.uuid4().hex}.{ext}"


class HighlightPhoto(models.Model):
    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=255)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()


class SanctionKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PENALTY = "penalty", _("惩戒")


class UnitScopedQuerySet(ScopedQuerySet):
    """Rows that belong to an org unit (an office or a branch): seen in its subtree, managed by admins."""

    scope_field = "unit__path"
    actions = {"view": "star.view", "manage": "area.manage"}


class Sanction(models.Model):
    """奖惩台账: a reward or penalty for a unit (branch or office) or a named person in it."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(_("类别"), max_length=8, choices=SanctionKind.choices)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    person = models.CharField(_("个人"), max_length=50, blank=True)
    reason = models.CharField(_("事由"), max_length=300)
    decided_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("奖惩")
        verbose_name_plural = _("奖惩")

    @property
    def scope_path(self) -> str:
        return self.unit.path


class ContestKind(models.TextChoices):
    SHOWCASE = "showcase", _("亮赛比")
    TOUR = "tour", _("观摩")
    ARENA = "arena", _("擂台赛")


class Contest(models.Model):
    """A judged event: criteria with maximum points, judges, entries (branches) and their scores."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="contests")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=ContestKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    held_on = models.DateField(_("日期"))
    drop_extremes = models.BooleanField(_("去掉一个最高分和一个最低分"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("赛事")
        verbose_name_plural = _("赛事")

    @property
    def scope_path(self) -> str:
        return self.unit.path


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=50)
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class Judge(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges")
    name = models.CharField(_("评委"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "branch"], name="contest_entry_branch")]


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge", "criterion"], name="contest_score_once")]


class FlagKind(models.TextChoices):
    FLAG = "flag", _("授旗（摘星夺旗）")
    NOMINATION = "nomination", _("推荐参加上级争创（三级争创）")


class FlagAwardQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Conferred flags are honours of the campaign: whoever sees the campaign sees them."""
        from wuxing.campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.for_user(user, "view" if action == "view" else "manage"))


class FlagAward(models.Model):
    """授旗 (or the nomination upward that follows it): the district admin confers the computed 摘星夺旗 result
    of an office for a period. The inputs are frozen — each branch's level and the shares at that moment — so
    the record stays as conferred when levels change later; a revocation needs a reason."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="flag_awards")
    office = models.ForeignKey("orgs.OrgUnit", verbose_name=_("办事处"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=12, choices=FlagKind.choices, default=FlagKind.FLAG)
    period = models.CharField(_("周期"), max_length=8)
    inputs = models.JSONField(_("授旗时的依据"))  # {"branches": [[id, name, level]], "total", "at_or_above", …}
    note = models.CharField(_("说明"), max_length=300, blank=True)
    conferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    conferred_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    objects = FlagAwardQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "period", "office__path", "kind"]
        verbose_name = _("授旗")
        verbose_name_plural = _("授旗")
        constraints = [models.UniqueConstraint(
            fields=["campaign", "office", "period", "kind"], condition=models.Q(revoked_at__isnull=True),
            name="contest_flag_award_live")]
