"""Reads of the live aggregates: what dashboards, rankings and weekly compliance are drawn from.

Each read is a handful of indexed queries whatever the number of branches below (see
bench/README.md for the province-scale figures).
"""

from __future__ import annotations

from django.db.models import F, Q

from wuxing.campaigns.selectors import campaign_unit
from wuxing.core import policy
from wuxing.core.roles import Level
from wuxing.core.scoping import user_grants
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.selectors import KEPT_UNITS
from wuxing.rollups import rules
from wuxing.rollups.models import UNIT_FIELDS, BranchStat, UnitStat, UnitWeekStat

# The units a dashboard compares, by what they sit under: cities, counties (districts) or offices.
GROUP_LEVELS = (Level.CITY, Level.DISTRICT, Level.OFFICE)


class Totals:
    """A UnitStat-shaped sum (zeros where a unit has no row yet)."""

    def __init__(self, unit: OrgUnit | None = None, **values):
        self.unit = unit
        for f in UNIT_FIELDS:
            setattr(self, f, values.get(f, 0))

    @property
    def levels(self) -> list[int]:
        return [self.l0, self.l1, self.l2, self.l3, self.l4, self.l5]

    @property
    def held(self) -> list[int]:
        return [self.h0, self.h1, self.h2, self.h3, self.h4]

    @property
    def targeted(self) -> list[int]:
        return [self.t0, self.t1, self.t2, self.t3, self.t4]

    @property
    def avg_level(self) -> float:
        return round(self.level_sum / self.n_branches, 2) if self.n_branches else 0

    def __add__(self, other) -> Totals:
        return Totals(self.unit, **{f: getattr(self, f) + getattr(other, f) for f in UNIT_FIELDS})


def unit_totals(campaign, units: list[OrgUnit]) -> dict[int, Totals]:
    """unit id -> its totals in `campaign`, one query."""
    rows = {r["unit_id"]: r for r in UnitStat.objects.filter(campaign=campaign, unit__in=[u.pk for u in units]).values(
        "unit_id", *UNIT_FIELDS)}
    return {u.pk: Totals(u, **rows.get(u.pk, {})) for u in units}


def offices_behind(campaign, offices, week: tuple[int, int]) -> dict[int, int]:
    """office id -> its branches counted less the reports of `week` it has received (on time or late), for the
    offices that still miss some. `offices`: a query of offices, read by the database as a subquery (a province
    has 2,400: a list of their ids cost more than the two counts)."""
    y, w = week
    counted = dict(UnitStat.objects.filter(campaign=campaign, unit__in=offices.values("pk")).values_list(
        "unit_id", "n_branches"))
    received = {u: on + late for u, on, late in UnitWeekStat.objects.filter(
        campaign=campaign, unit__in=offices.values("pk"), iso_year=y, iso_week=w).values_list("unit_id", "on_time", "late")}
    return {u: n - received.get(u, 0) for u, n in counted.items() if n - received.get(u, 0) > 0}


def groups(user, root: OrgUnit) -> list[OrgUnit]:
    """The units a dashboard at `root` compares: its active cities, counties or offices the user sees."""
    return list(OrgUnit.objects.for_user(user).filter(parent=root, is_active=True, level__in=GROUP_LEVELS)
                .order_by("path"))


def area_totals(user, campaign, root: OrgUnit) -> tuple[list[OrgUnit], dict[int, Totals], Totals]:
    """What a dashboard or matrix of `root` compares: the groups the user sees, their totals, and the whole area
    (the root's own row where the user sees all of it, else the sum of what the user sees). One query."""
    groups_ = groups(user, root)
    totals = unit_totals(campaign, groups_ + [root])
    whole = totals[root.pk] if policy.may(user, "star.view", root) else sum(
        (totals[g.pk] for g in groups_), Totals())
    return groups_, totals, whole


AREA_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.OFFICE)
# Per process: (the user's grants, campaign id, epoch) -> the id of the area a person without a view of the whole
# campaign starts at (None: the campaign's unit). Decided by the grants and the org tree alone; bounded like units.
_OWN_AREA: dict[tuple, int | None] = {}


def area(user, campaign, unit_id=None) -> OrgUnit:
    """The area a dashboard, ranking or compliance page is drawn for: the one asked for if the user sees it, else
    the campaign's unit. Units are kept per process under the epoch read with the campaign (campaign.numbers)."""
    epoch = campaign.numbers[0]
    if unit_id is not None and str(unit_id).isdigit():
        unit = campaign_unit(user, campaign, unit_id, AREA_LEVELS)
        if unit is not None:
            return unit
    if policy.may(user, "star.view", campaign.unit):
        return campaign.unit
    # A county or city admin inside a province campaign starts at their own area (the highest one).
    key = (tuple(sorted(user_grants(user))), user.is_superuser, campaign.pk, epoch)
    if key not in _OWN_AREA:
        own = OrgUnit.objects.for_user(user).filter(
            path__startswith=campaign.unit.path, level__in=(Level.CITY, Level.DISTRICT)).order_by("depth", "path").first()
        if len(_OWN_AREA) >= KEPT_UNITS:
            _OWN_AREA.clear()
        _OWN_AREA[key] = own.pk if own else None
    own = _OWN_AREA[key]
    return (campaign_unit(user, campaign, own) if own is not None else None) or campaign.unit


def forget_areas() -> None:
    """Drop what this process keeps of who starts where (tests: a new database reuses ids and numbers)."""
    _OWN_AREA.clear()


def flag(campaign, t: Totals) -> rules.FlagResult:
    """The office flag rule over a unit's level counts (the rule needs only counts per level)."""
    return rules.flag_counts(t.levels, campaign.flag_min_level, float(campaign.flag_min_share),
                             campaign.flag_allow_zero)


def week_counts(campaign, unit_ids: list[int], weeks: list[tuple[int, int]]) -> dict[tuple[int, int, int], tuple[int, int]]:
    """(unit id, iso year, iso week) -> (on time, late), one query."""
    if not unit_ids or not weeks:
        return {}
    q = Q()
    for y in {y for y, _w in weeks}:
        q |= Q(iso_year=y, iso_week__in=[w for yy, w in weeks if yy == y])
    rows = UnitWeekStat.objects.filter(q, campaign=campaign, unit_id__in=unit_ids).values_list(
        "unit_id", "iso_year", "iso_week", "on_time", "late")
    return {(u, y, w): (on, late) for u, y, w, on, late in rows}


def ranking_page(user, campaign, root: OrgUnit, kind: str = "", page: int = 1, per_page: int = 50):
    """One page of the branch ranking under `root`: (rows as (rank, stat), total rows, pages).

    Rank order is level, stars held, task progress (all descending); equal keys share a rank, the
    rank of a page's first row is one more than the rows strictly ahead of it (one COUNT).
    """
    qs = BranchStat.objects.for_user(user).filter(campaign=campaign, path__startswith=root.path)
    if kind in ("urban", "rural"):
        qs = qs.filter(kind=kind)
    if not kind and policy.may(user, "star.view", root):  # the whole area: its branch count is already kept
        total = UnitStat.objects.filter(campaign=campaign, unit=root).values_list("n_branches", flat=True).first() or 0
    else:
        total = qs.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    offset = (page - 1) * per_page
    stats = list(qs.select_related("branch", "office").order_by("-level", "-star_count", "-progress", "path")
                 [offset:offset + per_page])
    out, previous, rank = [], None, 0
    for i, s in enumerate(stats):
        key = (s.level, s.star_count, s.progress)
        if key != previous:
            if i == 0 and offset:
                ahead = qs.filter(Q(level__gt=s.level) | Q(level=s.level, star_count__gt=s.star_count)
                                  | Q(level=s.level, star_count=s.star_count, progress__gt=s.progress)).count()
                rank = ahead + 1
            else:
                rank = offset + i + 1
            previous = key
        out.append((rank, s))
    return out, total, page, pages



def office_ranking(user, campaign, root: OrgUnit, limit: int | None = None):
    """办事处排名 under `root`, ordered in the database from the per-unit rollup: flag holders first, then by
    the share of branches at 3 stars or more, then 4 or more (both as shown, rounded to 0.1 %).

    Rows are (office, branch count, % at 3+, % at 4+, flag result); `limit` rows, or all.
    """
    from django.db.models import BooleanField, ExpressionWrapper, FloatField, Value
    from django.db.models.functions import Cast, Greatest, Round

    from wuxing.core.policy import paths_for
    from wuxing.core.scoping import ALL, path_q

    qs = UnitStat.objects.filter(campaign=campaign, unit__level=Level.OFFICE, unit__is_active=True,
                                 unit__path__startswith=root.path)
    paths = paths_for(user, "star.view")
    if paths is not ALL:
        qs = qs.filter(path_q("unit__path", paths)) if paths else qs.none()
    n = Cast(Greatest(F("n_branches"), Value(1)), FloatField())
    at = sum((F(f"l{i}") for i in range(campaign.flag_min_level, 6)), Value(0))
    # The same comparison as rules.flag_counts (share = at / total, in floating point).
    qs = qs.annotate(share=Cast(at, FloatField()) / n)
    won = ExpressionWrapper(Q(n_branches__gt=0) & Q(share__gte=float(campaign.flag_min_share)),
                            output_field=BooleanField())
    if not campaign.flag_allow_zero:
        won = ExpressionWrapper(won & Q(l0=0), output_field=BooleanField())
    qs = qs.annotate(
        won=won, p3=Round(100 * Cast(F("l3") + F("l4") + F("l5"), FloatField()) / n, 1),
        p4=Round(100 * Cast(F("l4") + F("l5"), FloatField()) / n, 1),
    ).select_related("unit").order_by("-won", "-p3", "-p4", "unit__path")
    rows = []
    for s in (qs[:limit] if limit else qs):
        t = Totals(s.unit, **{f: getattr(s, f) for f in UNIT_FIELDS})
        rows.append((s.unit, s.n_branches, round(s.p3, 1), round(s.p4, 1), flag(campaign, t)))
    return rows
