"""Live aggregates of a campaign, kept current in the same transaction as every write that changes
them (see services.py), so dashboards and rankings never compute from raw rows and never lag.

- BranchStat: one row per branch: what rankings, flags and branch lists read.
- UnitStat: one row per unit at or under the campaign's unit (province, city, county, office):
  counts of its active branches by level, star, target and task state.
- UnitWeekStat: one row per unit and ISO week: reports submitted on time and late. Expected and
  missing follow from UnitStat.n_branches once the week's due time has passed.

`wuxing rollups rebuild` recomputes all three from scratch and reports any drift.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.policy import ScopedQuerySet

LEVEL_FIELDS = [f"l{i}" for i in range(6)]
HELD_FIELDS = [f"h{i}" for i in range(5)]
TARGETED_FIELDS = [f"t{i}" for i in range(5)]
# The additive fields of UnitStat, in a fixed order: what a branch contributes to each ancestor.
UNIT_FIELDS = ["n_branches", *LEVEL_FIELDS, "named", "with_target", "met_target", "level_sum", "target_sum", "tasks",
               "done", "overdue", *HELD_FIELDS, *TARGETED_FIELDS]


class BranchStatQuerySet(ScopedQuerySet):
    scope_field = "path"
    actions = {"view": "star.view"}


class BranchStat(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("orgs.OrgUnit", null=True, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)  # the branch's path when last counted: scope filter and ancestors
    kind = models.CharField(max_length=8)
    level = models.PositiveSmallIntegerField(default=0)
    star_count = models.PositiveSmallIntegerField(default=0)
    star_codes = models.JSONField(default=list)
    positions = models.JSONField(default=list)  # star positions 0–4 held (urban/rural columns)
    named = models.BooleanField(default=False)
    target_level = models.PositiveSmallIntegerField(default=0)
    target_positions = models.JSONField(default=list)
    tasks = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    progress = models.DecimalField(max_digits=4, decimal_places=1, default=0)  # % of tasks done, as ranked
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)

    objects = BranchStatQuerySet.as_manager()

    class Meta:
        verbose_name = _("支部统计")
        verbose_name_plural = _("支部统计")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="rollups_branchstat_unique")]
        indexes = [
            # The ranking: an index scan in rank order, LIMIT one page.
            models.Index("campaign", models.F("level").desc(), models.F("star_count").desc(),
                         models.F("progress").desc(), "path", name="rollups_branchstat_rank"),
            # Scope filters are `path LIKE 'prefix%'`: a pattern opclass on PostgreSQL (ignored elsewhere).
            models.Index(fields=["campaign", "path"], opclasses=["int8_ops", "varchar_pattern_ops"],
                         name="rollups_branchstat_path"),
        ]


class UnitStat(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    n_branches = models.IntegerField(default=0)
    l0 = models.IntegerField(default=0)
    l1 = models.IntegerField(default=0)
    l2 = models.IntegerField(default=0)
    l3 = models.IntegerField(default=0)
    l4 = models.IntegerField(default=0)
    l5 = models.IntegerField(default=0)
    named = models.IntegerField(default=0)
    with_target = models.IntegerField(default=0)
    met_target = models.IntegerField(default=0)
    level_sum = models.IntegerField(default=0)
    target_sum = models.IntegerField(default=0)  # the target levels set: the matrix's 目标星数
    tasks = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    h0 = models.IntegerField(default=0)
    h1 = models.IntegerField(default=0)
    h2 = models.IntegerField(default=0)
    h3 = models.IntegerField(default=0)
    h4 = models.IntegerField(default=0)
    t0 = models.IntegerField(default=0)
    t1 = models.IntegerField(default=0)
    t2 = models.IntegerField(default=0)
    t3 = models.IntegerField(default=0)
    t4 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("单位统计")
        verbose_name_plural = _("单位统计")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="rollups_unitstat_unique")]


class UnitWeekStat(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("单位周统计")
        verbose_name_plural = _("单位周统计")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "iso_year", "iso_week"],
                                               name="rollups_unitweekstat_unique")]


class Stamp(models.Model):
    """A version number per kind of cached page, bumped inside every write's own transaction by whatever process
    makes it (a request, a cron job, the command line), so a page cached under an older number is stale the
    moment that write commits, and never before."""

    name = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("版本戳")
        verbose_name_plural = _("版本戳")
