"""Roles of DESIGN §2, the unit levels each may be granted at, and which roles may do what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    AGENCY = "agency", _("区直部门")
    OFFICE = "office", _("办事处/乡镇/街道")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    GRID = "grid", _("网格")


class Kind(models.TextChoices):
    URBAN = "urban", _("城市")
    RURAL = "rural", _("农村")
    MIXED = "mixed", _("城乡混合")


BRANCH_LEVELS = frozenset({Level.COMMUNITY, Level.VILLAGE})

# Which levels a unit of each level may hang under; None means it may be a root.
PARENT_LEVELS: dict[str, frozenset[str | None]] = {
    Level.PROVINCE: frozenset({None}),
    Level.CITY: frozenset({None, Level.PROVINCE}),
    Level.DISTRICT: frozenset({None, Level.CITY}),
    Level.OFFICE: frozenset({Level.DISTRICT}),
    Level.AGENCY: frozenset({Level.PROVINCE, Level.CITY, Level.DISTRICT}),
    Level.COMMUNITY: frozenset({Level.OFFICE}),
    Level.VILLAGE: frozenset({Level.OFFICE}),
    Level.GRID: frozenset({Level.COMMUNITY, Level.VILLAGE}),
}

# The urban/rural kind is fixed by the level for branches; other levels choose.
KIND_BY_LEVEL = {Level.COMMUNITY: Kind.URBAN, Level.VILLAGE: Kind.RURAL}


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    STAR_REVIEWER = "star_reviewer", _("星级审核员")
    OFFICE_ADMIN = "office_admin", _("办事处管理员")
    LEADER = "leader", _("包联领导")
    SECRETARY = "secretary", _("支部书记")
    REPORTER = "reporter", _("填报员")
    CASEFILE_ORGANISER = "casefile_organiser", _("评查组织者")
    CASEFILE_REVIEWER = "casefile_reviewer", _("评查员")
    REVIEWED_UNIT = "reviewed_unit", _("被评查单位")


_DISTRICT_UP = frozenset({Level.PROVINCE, Level.CITY, Level.DISTRICT})
_BRANCH = frozenset({Level.COMMUNITY, Level.VILLAGE})

ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: _DISTRICT_UP,
    Role.STAR_REVIEWER: _DISTRICT_UP,
    Role.OFFICE_ADMIN: frozenset({Level.OFFICE}),
    Role.LEADER: frozenset({Level.OFFICE}),
    Role.SECRETARY: _BRANCH,
    Role.REPORTER: _BRANCH,
    Role.CASEFILE_ORGANISER: _DISTRICT_UP,
    Role.CASEFILE_REVIEWER: _DISTRICT_UP | {Level.AGENCY},
    Role.REVIEWED_UNIT: frozenset({Level.AGENCY}),
}

# Roles that administer the org tree and the people inside their subtree.
ADMIN_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.OFFICE_ADMIN})
BRANCH_ROLES = frozenset({Role.SECRETARY, Role.REPORTER})

# The two domains (DESIGN §2): star roles read star-campaign data, case-file roles case-file data.
# A role held at the district unit does not open the other domain.
STAR_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STAR_REVIEWER, Role.OFFICE_ADMIN, Role.LEADER,
                        Role.SECRETARY, Role.REPORTER})
CASEFILE_ROLES = frozenset({Role.CASEFILE_ORGANISER, Role.CASEFILE_REVIEWER, Role.REVIEWED_UNIT})
ORGANISERS = frozenset({Role.CASEFILE_ORGANISER})

