"""Keeping the rollups current, and rebuilding them from scratch.

Every write that can change a branch's numbers calls `refresh_branch` (directly, or through the
events, wuxing.core.events) inside its own transaction: the branch's row is recomputed from the raw
tables, and the difference from the previous row is added to every ancestor's UnitStat with one
UPDATE per distinct difference. A first weekly submission calls `report_submitted`, which adds one
to the branch and to each ancestor's week. `rebuild` recomputes everything from scratch in a few
set-based queries, reports what differed (drift), and replaces the rows.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, connections, router, transaction
from django.db.models import Case, Count, DateTimeField, F, Q, Value, When

from wuxing.core import versions
from wuxing.core.roles import BRANCH_LEVELS, Kind
from wuxing.orgs.models import OrgUnit
from wuxing.rollups.models import (
    HELD_FIELDS,
    TARGETED_FIELDS,
    UNIT_FIELDS,
    BranchStat,
    Stamp,
    UnitStat,
    UnitWeekStat,
)

BRANCH_FIELDS = ["office_id", "path", "kind", "level", "star_count", "star_codes", "positions", "named",
                 "target_level", "target_positions", "tasks", "done", "overdue", "progress", "on_time", "late"]


def _progress(done: int, tasks: int) -> Decimal:
    return Decimal(str(round(100 * done / tasks, 1))) if tasks else Decimal("0.0")


def ancestors(campaign, path: str, include_self: bool = False) -> list[int]:
    """Ids of the units a branch at `path` counts towards: the campaign's unit and every unit between."""
    ids = [int(seg) for seg in path.split("/") if seg]
    return ids[campaign.unit.depth:] if include_self else ids[campaign.unit.depth:-1]


def counted(campaign, unit: OrgUnit) -> bool:
    return unit.is_active and unit.level in BRANCH_LEVELS and unit.path.startswith(campaign.unit.path)


def _due_case(campaign, weeks):
    return Case(*[When(iso_year=y, iso_week=w, then=Value(campaign.weekly_due(y, w))) for y, w in weeks],
                default=Value(None), output_field=DateTimeField())


def _reports(campaign):
    return campaign.weekly_reports.filter(submitted_at__isnull=False, branch__is_active=True,
                                          branch__level__in=BRANCH_LEVELS, branch__path__startswith=campaign.unit.path)


def _week_counts(campaign, reports, group: str, weeks_of=None) -> dict:
    """{(group value, iso_year, iso_week): [on_time, late]} in one aggregate query.

    The CASE of due times covers the weeks `weeks_of` has reports for (default `reports` itself: a branch's
    few dozen rows); a whole-campaign count passes the campaign's reports, read from their own index.
    """
    source = weeks_of if weeks_of is not None else reports
    weeks = sorted(set(source.order_by().values_list("iso_year", "iso_week").distinct()))
    if not weeks:
        return {}
    rows = reports.annotate(due=_due_case(campaign, weeks)).values(group, "iso_year", "iso_week").annotate(
        on_time=Count("id", filter=Q(submitted_at__lte=F("due"))), n=Count("id")).order_by()
    return {(r[group], r["iso_year"], r["iso_week"]): [r["on_time"], r["n"] - r["on_time"]] for r in rows}


def branch_rows(campaign, branches: list[OrgUnit]) -> dict[int, dict]:
    """From the raw tables: the BranchStat fields of each given branch (all taken as counted)."""
    from wuxing.rollups.metrics import metrics_for

    if not branches:
        return {}
    orders = {kind: [s.code for s in campaign.standard_for_kind(kind).stars.all()] for kind in (Kind.URBAN, Kind.RURAL)}
    ids = [b.pk for b in branches]
    kinds = {b.pk: Kind.URBAN if b.kind == Kind.URBAN else Kind.RURAL for b in branches}
    weekly = defaultdict(lambda: [0, 0])
    if len(ids) < 1000:
        # A few branches' few dozen reports: read them and compare with the due times here (one query).
        dues: dict[tuple[int, int], object] = {}
        for b, y, w, at in _reports(campaign).filter(branch_id__in=ids).values_list(
                "branch_id", "iso_year", "iso_week", "submitted_at"):
            due = dues.get((y, w)) or dues.setdefault((y, w), campaign.weekly_due(y, w))
            weekly[b][0 if at <= due else 1] += 1
    else:
        counts = _week_counts(campaign, _reports(campaign), "branch_id", campaign.weekly_reports.all())
        for (b, _y, _w), (on, late) in counts.items():
            weekly[b][0] += on
            weekly[b][1] += late
    out = {}
    for m in metrics_for(campaign, branches):
        b = m.branch
        order = orders[kinds[b.pk]]
        out[b.pk] = {
            "office_id": b.parent_id, "path": b.path, "kind": b.kind, "level": m.level, "star_count": len(m.stars),
            "star_codes": list(m.stars), "positions": [p for p in m.positions if p < 5], "named": m.named,
            "target_level": m.target_level,
            "target_positions": [order.index(c) for c in m.target_codes if c in order and order.index(c) < 5],
            "tasks": m.tasks, "done": m.done, "overdue": m.overdue, "progress": _progress(m.done, m.tasks),
            "on_time": weekly[b.pk][0], "late": weekly[b.pk][1],
        }
    return out


def contribution(row) -> dict[str, int]:
    """What one branch adds to each of its ancestors' UnitStat."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    level, target = get("level"), get("target_level")
    c = dict.fromkeys(UNIT_FIELDS, 0)
    c.update(n_branches=1, named=int(get("named")), with_target=int(target > 0),
             met_target=int(target > 0 and level >= target), level_sum=level, target_sum=target, tasks=get("tasks"),
             done=get("done"), overdue=get("overdue"))
    c[f"l{min(level, 5)}"] = 1
    for p in get("positions"):
        c[HELD_FIELDS[p]] += 1
    for p in get("target_positions"):
        c[TARGETED_FIELDS[p]] += 1
    return c


def _add(model, keys: dict, ids: list[int], delta: dict[str, int]) -> None:
    """Add `delta` to the rows of `ids` (creating missing ones at zero first). One UPDATE normally."""
    delta = {k: v for k, v in delta.items() if v}
    if not delta or not ids:
        return
    qs = model.objects.filter(unit_id__in=ids, **keys)
    changes = {k: F(k) + v for k, v in delta.items()}
    if qs.update(**changes) != len(ids):
        have = set(qs.values_list("unit_id", flat=True))
        missing = [i for i in ids if i not in have]
        model.objects.bulk_create([model(unit_id=i, **keys) for i in missing], ignore_conflicts=True)
        model.objects.filter(unit_id__in=missing, **keys).update(**changes)


def _week_deltas(campaign, branch_id: int) -> dict[tuple[int, int], list[int]]:
    """The branch's own submitted weeks, whatever its state now (it may just have been deactivated or moved)."""
    reports = campaign.weekly_reports.filter(submitted_at__isnull=False, branch_id=branch_id)
    counts = _week_counts(campaign, reports, "branch_id")
    return {(y, w): v for (_b, y, w), v in counts.items()}


# (campaign id, branch id) -> campaign (or None until loaded) while a `batched()` block collects refreshes.
_pending: ContextVar[dict | None] = ContextVar("wuxing_rollups_pending", default=None)


@contextmanager
def batched():
    """Inside the block, branch refreshes are collected and run once per (campaign, branch) when it ends
    normally, still inside the caller's transaction: a 1,000-row plan import for one branch refreshes it
    once, not 1,000 times. Nested blocks leave the work to the outermost; on an error nothing is
    refreshed (the caller's transaction rolls the writes back)."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[tuple[int, int], object] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    from wuxing.campaigns.models import Campaign

    missing = {c for (c, _b), campaign in pending.items() if campaign is None}
    loaded = {c.pk: c for c in Campaign.objects.select_related("unit", "urban_standard", "rural_standard").filter(
        pk__in=missing)}
    for (campaign_id, branch_id), campaign in sorted(pending.items(), key=lambda kv: kv[0]):
        campaign = campaign or loaded.get(campaign_id)
        if campaign is not None:
            refresh_branch(campaign, branch_id)


def branch_changed(campaign_id: int, branch_id: int, *, campaign=None, unit=None) -> None:
    """The `branch_changed` domain event: refresh the branch now, or once at the end of a `batched()` block.
    `campaign` and `unit`: the objects, when the sender has them loaded."""
    pending = _pending.get()
    if pending is not None:
        if pending.get((campaign_id, branch_id)) is None:
            pending[(campaign_id, branch_id)] = campaign
        return
    if campaign is None:
        from wuxing.campaigns.models import Campaign

        campaign = Campaign.objects.select_related("unit", "urban_standard", "rural_standard").filter(
            pk=campaign_id).first()
    if campaign is not None:
        refresh_branch(campaign, branch_id, unit)


def refresh_branch(campaign, branch_id: int, unit: OrgUnit | None = None) -> None:
    """Recompute one branch's row and move the difference into its ancestors; call inside the write's
    transaction. `unit`: the branch, when the caller has it loaded (with its parent)."""
    pending = _pending.get()
    if pending is not None:
        pending[(campaign.pk, branch_id)] = campaign
        return
    with transaction.atomic(savepoint=False):
        old = BranchStat.objects.select_for_update().filter(campaign=campaign, branch_id=branch_id).first()
        if unit is None or unit.pk != branch_id:
            unit = OrgUnit.objects.select_related("parent").get(pk=branch_id)
        new = branch_rows(campaign, [unit])[unit.pk] if counted(campaign, unit) else None
        if old is None and new is None:
            return
        deltas: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(UNIT_FIELDS, 0))
        if old is not None:
            for uid in ancestors(campaign, old.path):
                for k, v in contribution(old).items():
                    deltas[uid][k] -= v
        if new is not None:
            for uid in ancestors(campaign, new["path"]):
                for k, v in contribution(new).items():
                    deltas[uid][k] += v
        # The stamp before any shared row: the branch's own row, then the stamp, then the ancestors, in every
        # writer, so writers of shared rows queue on the stamp instead of on each other's rows.
        changed()
        grouped: dict[tuple, list[int]] = defaultdict(list)
        for uid, d in deltas.items():
            grouped[tuple(d[k] for k in UNIT_FIELDS)].append(uid)
        for vector, ids in grouped.items():
            _add(UnitStat, {"campaign": campaign}, ids, dict(zip(UNIT_FIELDS, vector)))
        moved = old is None or new is None or old.path != new["path"]
        if moved:
            weeks = _week_deltas(campaign, branch_id)
            for row, sign in ((old, -1), (new, 1)):
                if row is None:
                    continue
                path = row.path if isinstance(row, BranchStat) else row["path"]
                for (y, w), (on, late) in weeks.items():
                    _add(UnitWeekStat, {"campaign": campaign, "iso_year": y, "iso_week": w}, ancestors(campaign, path),
                         {"on_time": sign * on, "late": sign * late})
        if new is None:
            old.delete()
        elif old is None:
            BranchStat.objects.create(campaign=campaign, branch_id=branch_id, **new)
        else:
            for k, v in new.items():
                setattr(old, k, v)
            old.save()


def refresh_branches(branch_ids, campaigns=None) -> None:
    """Refresh the given branches in every campaign they may count in (or in `campaigns`)."""
    from wuxing.campaigns.models import Campaign

    units = list(OrgUnit.objects.filter(pk__in=list(branch_ids), level__in=BRANCH_LEVELS))
    if not units:
        return
    for campaign in campaigns or Campaign.objects.select_related("unit"):
        for unit in units:
            stale = unit.path.startswith(campaign.unit.path) or BranchStat.objects.filter(
                campaign=campaign, branch_id=unit.pk).exists()
            if stale:
                refresh_branch(campaign, unit.pk)


def report_submitted(report, branch_row: bool = True) -> None:
    """A report's first submission: one more on time or late for the branch and its ancestors' week.
    `branch_row=False`: the branch's row was just refreshed from the saved report and already counts it."""
    campaign = report.campaign
    on_time = report.submitted_at <= campaign.weekly_due(report.iso_year, report.iso_week)
    key = "on_time" if on_time else "late"
    # A branch counted in the campaign has its BranchStat row, whose path is the branch's own.
    if branch_row:
        if not BranchStat.objects.filter(campaign=campaign, branch_id=report.branch_id).update(**{key: F(key) + 1}):
            return
    elif not counted(campaign, report.branch):
        return
    if branch_row:  # else the branch's refresh just before, in this transaction, has moved the stamp
        changed()
    _add(UnitWeekStat, {"campaign": campaign, "iso_year": report.iso_year, "iso_week": report.iso_week},
         ancestors(campaign, report.branch.path), {key: 1})


# --- from scratch ------------------------------------------------------------------------------------------

@dataclass
class Drift:
    campaign: object
    branch_rows: int = 0
    unit_rows: int = 0
    week_rows: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.branch_rows + self.unit_rows + self.week_rows


def compute(campaign) -> tuple[dict[int, dict], dict[int, dict[str, int]], dict[tuple[int, int, int], list[int]]]:
    """Everything from the raw tables: branch rows, unit sums, unit-week sums."""
    branches = list(OrgUnit.objects.filter(level__in=BRANCH_LEVELS, is_active=True,
                                           path__startswith=campaign.unit.path).order_by("path"))
    rows = branch_rows(campaign, branches)
    units: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(UNIT_FIELDS, 0))
    for row in rows.values():
        c = contribution(row)
        for uid in ancestors(campaign, row["path"]):
            u = units[uid]
            for k, v in c.items():
                u[k] += v
    # Weeks per office (a branch's parent), then up the office's ancestors.
    offices = {o.pk: o.path for o in OrgUnit.objects.filter(pk__in={b.parent_id for b in branches})}
    weeks: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for (office, y, w), (on, late) in _week_counts(campaign, _reports(campaign), "branch__parent_id",
                                                   campaign.weekly_reports.all()).items():
        for uid in ancestors(campaign, offices[office], include_self=True):
            weeks[(uid, y, w)][0] += on
            weeks[(uid, y, w)][1] += late
    return rows, units, weeks


def _same(a, b) -> bool:
    return a == b or (isinstance(a, (Decimal, float)) and Decimal(str(a)) == Decimal(str(b)))


def drift(campaign) -> Drift:
    """What differs between the stored rollups and a from-scratch computation (nothing written)."""
    rows, units, weeks = compute(campaign)
    return _compare(campaign, rows, units, weeks)


def _compare(campaign, rows, units, weeks) -> Drift:
    d = Drift(campaign)
    stored = {s.branch_id: s for s in BranchStat.objects.filter(campaign=campaign)}
    for bid in set(stored) | set(rows):
        s, r = stored.get(bid), rows.get(bid)
        if s is None or r is None or any(not _same(getattr(s, k), r[k]) for k in BRANCH_FIELDS):
            d.branch_rows += 1
            if len(d.examples) < 10:
                d.examples.append(f"branch {bid}")
    zero = dict.fromkeys(UNIT_FIELDS, 0)
    stored_units = {u["unit_id"]: u for u in UnitStat.objects.filter(campaign=campaign).values("unit_id", *UNIT_FIELDS)}
    for uid in set(stored_units) | set(units):
        s = {k: v for k, v in stored_units.get(uid, {"unit_id": uid, **zero}).items() if k != "unit_id"}
        if s != units.get(uid, zero):
            d.unit_rows += 1
            if len(d.examples) < 10:
                d.examples.append(f"unit {uid}")
    stored_weeks = {(u, y, w): [on, late] for u, y, w, on, late in UnitWeekStat.objects.filter(
        campaign=campaign).values_list("unit_id", "iso_year", "iso_week", "on_time", "late")}
    for key in set(stored_weeks) | set(weeks):
        if stored_weeks.get(key, [0, 0]) != weeks.get(key, [0, 0]):
            d.week_rows += 1
            if len(d.examples) < 10:
                d.examples.append(f"unit {key[0]} week {key[1]}-W{key[2]:02d}")
    return d


def rebuild(campaign, batch_size: int = 5000) -> Drift:
    """Recompute the campaign's rollups from scratch, replace them, and report what had drifted."""
    rows, units, weeks = compute(campaign)
    with transaction.atomic():
        changed(at_least=versions.clock_floor())  # like the branches' epoch: a re-seeded database repeats no stamp
        versions.touch_all()  # a rebuild follows raw rows written past the events (a seed, a demo load)
        d = _compare(campaign, rows, units, weeks)
        BranchStat.objects.filter(campaign=campaign).delete()
        UnitStat.objects.filter(campaign=campaign).delete()
        UnitWeekStat.objects.filter(campaign=campaign).delete()
        BranchStat.objects.bulk_create([BranchStat(campaign=campaign, branch_id=b, **r) for b, r in rows.items()],
                                       batch_size=batch_size)
        UnitStat.objects.bulk_create([UnitStat(campaign=campaign, unit_id=u, **v) for u, v in units.items()],
                                     batch_size=batch_size)
        UnitWeekStat.objects.bulk_create([UnitWeekStat(campaign=campaign, unit_id=u, iso_year=y, iso_week=w,
                                                       on_time=on, late=late)
                                          for (u, y, w), (on, late) in weeks.items()], batch_size=batch_size)
    return d


def rebuild_all() -> list[Drift]:
    from wuxing.campaigns.models import Campaign

    return [rebuild(c) for c in Campaign.objects.select_related("unit", "urban_standard", "rural_standard")]


REBUILD_ABOVE = 500  # branches: past this, a set-based rebuild is cheaper than refreshing one by one


def units_changed(units: list[OrgUnit]) -> None:
    """Units were added, moved, (de)activated or re-classified: re-count every branch under them."""
    from wuxing.campaigns.models import Campaign

    roots: list[str] = []
    for path in sorted({u.path for u in units}):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    if not roots:
        return
    campaigns = list(Campaign.objects.select_related("unit"))
    if len(roots) <= 50:
        q = Q()
        for path in roots:
            q |= Q(path__startswith=path)
        ids = list(OrgUnit.objects.filter(q, level__in=BRANCH_LEVELS).values_list("pk", flat=True)[:REBUILD_ABOVE + 1])
        if len(ids) <= REBUILD_ABOVE:
            refresh_branches(ids, campaigns)
            return
    for campaign in campaigns:  # rare (a re-organisation): also drops branches moved out of a campaign
        rebuild(campaign)


# --- a version stamp for caches of pages drawn from the rollups ------------------------------------------

STAMP = "rollups"


def version() -> int:
    """The rollups' version: a page cached under an older one is stale. Read before the page is built, so a
    body is never filed under a version newer than the rows it was built from."""
    # Plain SQL (a third of the ORM's cost: every cached page reads it), where the ORM would read the rows from.
    with connections[router.db_for_read(Stamp)].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {connection.ops.quote_name(Stamp._meta.db_table)} WHERE name = %s", [STAMP])
        row = cursor.fetchone()
    return row[0] if row else 0


def changed(*, at_least: int = 0) -> None:
    """Called by every write that changed a rollup, inside its transaction: the new version is visible to
    every process exactly when the write commits, and not at all if it rolls back. The stamp row is locked
    until then, as the campaign root's UnitStat row already is by the same writes, so it adds no new wait.
    `at_least`: move it to this number if that is more (a rebuild: see there)."""
    if not Stamp.objects.filter(name=STAMP).update(version=F("version") + 1):
        Stamp.objects.get_or_create(name=STAMP, defaults={"version": 1})
    if at_least:
        Stamp.objects.filter(name=STAMP, version__lt=at_least).update(version=at_least)
