"""The org tree, people, their roles and 分包 assignments."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet
from wuxing.core.roles import BRANCH_LEVELS, Kind, Level, Role
from wuxing.orgs.validators import area_code_validator, code_validator, mask_mobile, mobile_validator, no_nul

PATH_SEGMENT_WIDTH = 8


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"


class OrgUnitQuerySet(ScopedQuerySet):
    scope_field = "path"
    actions = {"view": "unit.view", "manage": "unit.manage", "work": "branch.work"}

    def branches(self):
        return self.filter(level__in=BRANCH_LEVELS)

    def subtree(self, unit: OrgUnit):
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A node of the org tree: district, office (办事处/乡镇/街道), community, village or grid.

    `path` is the materialised path of ancestor ids (`00000001/00000007/`), so a subtree is one
    indexed prefix scan and the ancestors are parsed from the path without a query per level.
    """

    code = models.CharField(_("单位编码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("单位名称"), max_length=100, validators=[no_nul])
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("城乡类型"), max_length=8, choices=Kind.choices, default=Kind.MIXED)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Unique on PostgreSQL also yields a varchar_pattern_ops index, which serves LIKE 'prefix%'.
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), default=0, editable=False)
    area_code = models.CharField(_("区划代码"), max_length=12, blank=True, validators=[area_code_validator])
    # The head of the documents this unit issues (GB/T 9704): its mark (发文机关标志) and the prefix of its
    # document numbers (发文机关代字, as in 经开组〔2026〕12号). Blank: the unit's name serves for both.
    # db_default: the bulk writers (seed.scale's COPY) name their columns and leave these out.
    doc_mark = models.CharField(_("发文机关标志"), max_length=40, blank=True, db_default="", validators=[no_nul],
                                help_text=_("如“中共郑州经开区工委组织部文件”，留空时使用单位名称。"))
    doc_prefix = models.CharField(_("发文字号代字"), max_length=20, blank=True, db_default="", validators=[no_nul],
                                  help_text=_("如“经开组”，发文字号为“经开组〔2026〕12号”；留空时使用单位名称。"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        indexes = [models.Index(fields=["level", "path"], name="orgs_unit_level_path_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.path

    @property
    def is_branch(self) -> bool:
        return self.level in BRANCH_LEVELS

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.split("/") if seg][:-1]

    def ancestors(self):
        """Ancestors from the root down; one query."""
        ids = self.ancestor_ids()
        by_id = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def is_inside(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class UserQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """People one may manage (see, edit, reset, deactivate, export): every grant they hold lies inside
        one's administrative scope (`policy.manageable_users`); "view" adds oneself."""
        from wuxing.core import policy

        if action == "view":
            return self.filter(pk__in=policy.visible_users(user).values("pk"))
        if action == "manage":
            return self.filter(pk__in=policy.manageable_users(user).values("pk"))
        raise ValueError(f"unknown action {action!r} for User")


class WuxingUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. Rights come only from role assignments."""

    real_name = models.CharField(_("姓名"), max_length=50, validators=[no_nul])
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[mobile_validator])
    # Set for accounts whose first password someone else chose (import, admin reset); cleared on change.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = WuxingUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return f"{self.real_name}（{self.username}）" if self.real_name else self.username

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class RoleAssignmentQuerySet(ScopedQuerySet):
    scope_field = "unit__path"
    actions = {"view": "user.manage", "manage": "user.manage"}


class RoleAssignment(models.Model):
    """A role held over an org subtree. A user may hold several."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("范围单位"), on_delete=models.PROTECT, related_name="+")
    # For 星级审核员: the star codes this reviewer decides (e.g. ["pafz"] for 政法委); empty = none.
    star_codes = models.JSONField(_("负责的星"), default=list, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="orgs_roleassignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.unit.name}"

    @property
    def scope_path(self) -> str:
        return self.unit.path


class AssignmentQuerySet(ScopedQuerySet):
    scope_field = "unit__path"
    actions = {"view": "star.view", "manage": "unit.manage"}


class Assignment(models.Model):
    """分包: an office leader assigned to follow one community or village."""

    leader = models.ForeignKey(User, verbose_name=_("包联领导"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("包联支部"), on_delete=models.PROTECT, related_name="assignments")
    note = models.CharField(_("备注"), max_length=200, blank=True, validators=[no_nul])
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("分包")
        verbose_name_plural = _("分包")
        constraints = [models.UniqueConstraint(fields=["leader", "unit"], name="orgs_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"

    @property
    def scope_path(self) -> str:
        return self.unit.path


class IssuedDocument(models.Model):
    """A document number (发文字号) taken: an organisation's documents run 1, 2, 3 … within each year. Taken
    once per document (`key` names it, e.g. casefiles.circular:12), so printing it again keeps its number."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveIntegerField(_("顺序号"))
    prefix = models.CharField(_("代字"), max_length=40)
    key = models.CharField(_("文件"), max_length=80)
    title = models.CharField(_("标题"), max_length=200)
    issued_at = models.DateTimeField(_("编号时间"), auto_now_add=True)
    issued_by = models.ForeignKey(User, verbose_name=_("编号人"), null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["unit_id", "-year", "-number"]
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="orgs_issued_number"),
            models.UniqueConstraint(fields=["unit", "key"], name="orgs_issued_key"),
        ]

    def __str__(self) -> str:
        from wuxing.core.gongwen import document_number

        return document_number(self.prefix, self.year, self.number)

    @property
    def scope_path(self) -> str:
        return self.unit.path
