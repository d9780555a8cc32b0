"""Dashboards, rankings, flags, pairing, highlights, rewards and penalties, contests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_or_404, campaign_unit_or_404, campaigns_for, place
from wuxing.contest import exporting, selectors, services
from wuxing.contest.forms import (
    ActivityForm,
    ConferForm,
    ContestForm,
    DashboardQuery,
    FlagQuery,
    FlagRevokeForm,
    HighlightForm,
    PairingForm,
    PhotoForm,
    RankingQuery,
    SanctionForm,
    SanctionQuery,
    ScoreGridForm,
)
from wuxing.contest.models import (
    Contest,
    FlagAward,
    Highlight,
    HighlightPhoto,
    Judge,
    Pairing,
    Sanction,
    SanctionKind,
)
from wuxing.core import policy
from wuxing.core.exports import export_response
from wuxing.core.files import serve
from wuxing.core.forms import action_of, apply_errors, form_failure, query_of, report_failure
from wuxing.core.pagecache import CSRF_SENTINEL, cached
from wuxing.core.paging import Page, page_or_404
from wuxing.core.roles import BRANCH_LEVELS, Level
from wuxing.core.views import export_sheet
from wuxing.orgs.models import OrgUnit
from wuxing.rollups import metrics
from wuxing.rollups import selectors as rollups
from wuxing.rollups.caching import cached_body
from wuxing.rollups.services import version

OFFICE_ROWS = 50  # offices listed on the page; the export has them all


def _campaign(request, pk):
    return campaign_or_404(request.user, pk)


def _dashboard(request, campaign, unit, name: str, context, stem: str, **page):
    """A dashboard (district or area, office, branch): its body drawn from the rollups — and, for a branch, its
    tasks and weeks, whose every write moves the rollups' stamp — cached under the stamp; `?export=` one of its
    datasets as a workbook. `context()` gives (datasets, the body's context); `page`: the page's own context."""
    query = query_of(request, DashboardQuery)
    if query["export"]:
        datasets, _ctx = context()
        ds = selectors.dataset(datasets, query["export"])
        if ds is None:
            raise Http404
        return export_response(query["format"] or "xlsx", f"{stem}_{ds.title}", ds.headers, ds.rows,
                               title=ds.title)

    def build():
        datasets, ctx = context()
        return render_to_string(f"contest/_{name}_body.html", {
            **ctx, "datasets": datasets, "charts": selectors.chart_payload(datasets)}, request)

    return render(request, f"contest/{name}.html", {
        "campaign": campaign, **page, "body": cached_body(request, campaign, unit, name, build)})


@login_required
def home(request):
    campaign = campaigns_for(request.user).filter(is_active=True).order_by("-year").first()
    if campaign is None:
        return render(request, "weekly/none.html")
    # 看板 opens on the person's own part: an office's or a branch's dashboard, never an empty district.
    where, units = place(request.user, campaign)
    if where == "office" and len(units) == 1:
        return redirect("contest:office", pk=campaign.pk, office=units[0].pk)
    if where in ("branch", "leader") and len(units) == 1:
        return redirect("contest:branch", pk=campaign.pk, branch=units[0].pk)
    if where == "leader":
        return redirect("creation:leader", pk=campaign.pk)
    if where == "none":
        return render(request, "weekly/none.html")
    return redirect("contest:district", pk=campaign.pk)


@login_required
def matrix(request, pk):
    """The creation matrix (units × stars) of an area, drilled down level by level from the campaign's unit to
    its offices, whose own matrix lists their branches."""
    campaign = _campaign(request, pk)
    query = query_of(request, DashboardQuery)
    root = rollups.area(request.user, campaign, query["unit"])
    if root.level == Level.OFFICE:
        return redirect("creation:office", pk=campaign.pk, office=root.pk)
    if query["export"]:
        columns, rows, whole = selectors.area_matrix(request.user, campaign, root)
        headers, data = selectors.matrix_export(columns, rows, whole)
        return export_response(query["format"] or "xlsx", f"创建矩阵_{root.name}_{campaign.year}", headers, data,
                               title=_("创建矩阵"))

    def build():  # from the rollups only: cached under their stamp like the dashboards
        columns, rows, whole = selectors.area_matrix(request.user, campaign, root)
        return render_to_string("contest/_matrix_table.html", {
            "campaign": campaign, "root": root, "columns": columns, "rows": rows, "whole": whole}, request)

    table = cached_body(request, campaign, root, "matrix", build)
    # The campaign page embeds the table (htmx); the page itself adds the trail and the export.
    if request.htmx:
        return HttpResponse(table)
    trail = list(OrgUnit.objects.for_user(request.user).filter(
        pk__in=root.ancestor_ids(), path__startswith=campaign.unit.path).order_by("depth"))
    return render(request, "contest/matrix.html", {
        "campaign": campaign, "root": root, "trail": trail, "table": table,
        "unit_param": f"unit={root.pk}&" if root.pk != campaign.unit_id else ""})


@login_required
def district(request, pk):
    campaign = _campaign(request, pk)
    root = rollups.area(request.user, campaign, query_of(request, DashboardQuery)["unit"])
    if root.level == Level.OFFICE:
        return redirect("contest:office", pk=campaign.pk, office=root.pk)

    def context():
        datasets, summary = selectors.district_dashboard(request.user, campaign, root)
        return datasets, {"campaign": campaign, "summary": summary, "title": root.name,
                          "flags": [(o, summary["flags"][o.pk]) for o in summary["offices"]],
                          "export_prefix": f"unit={root.pk}&" if root.pk != campaign.unit_id else ""}

    return _dashboard(request, campaign, root, "district", context, f"{root.name}看板_{campaign.year}",
                      title=root.name)


@login_required
def office(request, pk, office):
    campaign = _campaign(request, pk)
    office = campaign_unit_or_404(request.user, campaign, office, (Level.OFFICE,))

    def context():
        datasets, summary = selectors.office_dashboard(request.user, campaign, office)
        return datasets, {"campaign": campaign, "office": office, **summary}

    return _dashboard(request, campaign, office, "office", context, f"{office.name}看板_{campaign.year}",
                      office=office)


@login_required
def branch(request, pk, branch):
    campaign = _campaign(request, pk)
    branch = campaign_unit_or_404(request.user, campaign, branch, BRANCH_LEVELS)

    def context():
        datasets, summary = selectors.branch_dashboard(request.user, campaign, branch)
        return datasets, {"campaign": campaign, "branch": branch, **summary}

    return _dashboard(request, campaign, branch, "branch", context, f"{branch.name}看板_{campaign.year}",
                      branch=branch)


@login_required
def rankings(request, pk):
    campaign = _campaign(request, pk)
    query = query_of(request, RankingQuery)
    root = rollups.area(request.user, campaign, query["unit"])
    office_id = str(query["office"] or "")
    kind, fmt = query["kind"], query["format"]

    def groups_and_area():
        groups = rollups.groups(request.user, root)
        return groups, exporting.pick_area(groups, root, query["office"])

    if fmt in ("xlsx", "csv"):
        if query["table"] == "offices":
            return export_response(fmt, f"办事处排名_{campaign.year}", ["名次", "办事处", "支部数", "三星以上占比%",
                                                                     "四星以上占比%", "夺旗"],
                                   [[i, o.name, n, p3, p4, "是" if f.won else "否"] for i, (o, n, p3, p4, f)
                                    in enumerate(rollups.office_ranking(request.user, campaign, root), start=1)])
        return export_sheet(request, "contest.branch_ranking", {
            "campaign": campaign.pk, "unit": query["unit"], "office": query["office"], "kind": kind},
            f"支部排名_{campaign.year}", fmt)

    def build():  # on a cache miss only: the groups are read here, not on every request
        groups, area = groups_and_area()
        page_no = query["page"] or 1
        ranked, total, page_no, pages = rollups.ranking_page(request.user, campaign, area, kind, page_no)
        office_rows = rollups.office_ranking(request.user, campaign, root, OFFICE_ROWS + 1)
        return render_to_string("contest/_rankings_body.html", {
            "campaign": campaign, "page": Page(ranked, page_no, pages, total), "groups": groups, "root": root,
            "office_id": office_id, "kind": kind, "office_rows": office_rows[:OFFICE_ROWS],
            "more_offices": len(office_rows) > OFFICE_ROWS}, request)

    return render(request, "contest/rankings.html", {
        "campaign": campaign, "body": cached_body(request, campaign, root, "rank", build)})


def _badges(request, campaign, branches) -> str:
    """An office's branches with their levels, a Jinja2 fragment (escaped there): 20 offices × 20 branches a page."""
    return mark_safe(render_to_string("contest/_flag_badges.html", {
        "branches": branches, "below": campaign.flag_min_level}, request, using="jinja2"))


@login_required
def flags(request, pk):
    campaign = _campaign(request, pk)
    periods = campaign.flag_periods()
    begun = services.periods_begun(campaign)
    query = query_of(request, FlagQuery)
    period = query["period"]
    if period not in dict(periods):
        period = begun[-1] if begun else periods[0][0]

    def build():
        # One page of offices; each office's rule from its rollup counts, its branches' levels only for the page.
        page = page_or_404(selectors.offices_in(request.user, campaign, query["q"]), 20, query["page"])
        rows = [(o, result, _badges(request, campaign, branches), awards, step)
                for o, result, branches, awards, step in selectors.flag_rows(request.user, campaign,
                                                                              list(page.object_list), period)]
        return render_to_string("contest/_flags_body.html", {
            "campaign": campaign, "period": period, "period_begun": period in begun, "csrf_token": CSRF_SENTINEL,
            "may_confer": policy.may(request.user, "campaign.manage", campaign.unit), "rows": rows, "page": page},
            request)

    # The rows come from the rollups (their stamp), the offices and their names (the epoch) and the flags conferred
    # (every award and revocation moves the campaign unit's number); which periods have begun changes by the date.
    body = cached(request, "flags", lambda: (campaign.pk, *campaign.numbers, version(), period, len(begun)), build,
                  csrf=True)
    return render(request, "contest/flags.html", {
        "campaign": campaign, "periods": periods, "period": period, "q": query["q"], "body": body})


@login_required
@require_POST
def flag_confer(request, pk):
    campaign = _campaign(request, pk)
    if not policy.may(request.user, "campaign.manage", campaign.unit):
        raise Http404
    form = ConferForm(request.POST)
    period = ""
    try:
        if not form.is_valid():
            raise form_failure(form)
        d = form.cleaned_data
        period = d["period"]
        office = get_object_or_404(OrgUnit.objects.for_user(request.user).filter(level=Level.OFFICE), pk=d["office"])
        services.confer_flag(request.user, campaign, office, period, d["kind"], d["note"])
        messages.success(request, _("已授旗。") if d["kind"] == "flag" else _("已推荐参加上级争创。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("contest:flags", args=[campaign.pk]) + (f"?period={period}" if period else ""))


@login_required
@require_POST
def flag_revoke(request, pk):
    award = get_object_or_404(FlagAward.objects.for_user(request.user, "manage").select_related("campaign__unit"),
                              pk=pk)
    form = FlagRevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        services.revoke_flag(request.user, award, form.cleaned_data["reason"])
        messages.success(request, _("已撤销。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect(reverse("contest:flags", args=[award.campaign_id]) + f"?period={award.period}")


# --- pairing ---------------------------------------------------------------------------------------------

def _branches(request, campaign):
    return OrgUnit.objects.for_user(request.user, "manage").filter(
        level__in=BRANCH_LEVELS, is_active=True, path__startswith=campaign.unit.path).select_related("parent").order_by("path")


@login_required
def pairings(request, pk):
    campaign = _campaign(request, pk)
    items = Pairing.objects.for_user(request.user).filter(campaign=campaign).select_related("mentor").prefetch_related("mentees")
    return render(request, "contest/pairings.html", {"campaign": campaign, "items": items,
                                                     "may_create": policy.may_anywhere(request.user, "area.manage")})


@login_required
def pairing_create(request, pk):
    campaign = _campaign(request, pk)
    if not policy.may_anywhere(request.user, "area.manage"):
        raise Http404
    form = PairingForm(request.POST or None, branches=_branches(request, campaign), within=campaign.unit)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_pairing(request.user, campaign, form.cleaned_data["mentor"],
                                        list(form.cleaned_data["mentees"]), form.cleaned_data["goals"])
            return redirect("contest:pairing", pk=p.pk)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else _("您没有权限结对这些支部。"))
    return render(request, "contest/form.html", {"form": form, "title": _("新建结对（五星带四星）"), "campaign": campaign})


@login_required
def pairing_detail(request, pk):
    pairing = get_object_or_404(Pairing.objects.for_user(request.user).select_related("mentor", "campaign"), pk=pk)
    mentees = list(pairing.mentees.all())
    # Mentees' progress is shown to the mentor through the pairing (authorised above by for_user),
    # not by widening the mentor's scope over those branches.
    units = OrgUnit.objects.filter(pk__in=[pairing.mentor_id, *[u.pk for u in mentees]]).select_related("parent")
    rows = {m.branch.pk: m for m in metrics.metrics_for(pairing.campaign, list(units))}
    form = ActivityForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_pairing_activity(request.user, pairing, form.cleaned_data["on"], form.cleaned_data["content"])
            return redirect("contest:pairing", pk=pairing.pk)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "contest/pairing.html", {
        "pairing": pairing, "mentor": rows.get(pairing.mentor.pk), "mentees": [rows[u.pk] for u in mentees if u.pk in rows],
        "activities": pairing.activities.all(), "form": form})


# --- highlights -------------------------------------------------------------------------------------------

@login_required
def highlights(request, pk):
    campaign = _campaign(request, pk)
    items = Highlight.objects.for_user(request.user).filter(campaign=campaign).select_related("branch__parent").prefetch_related("photos")
    return render(request, "contest/highlights.html", {"campaign": campaign, "items": items,
                                                       "may_create": policy.may_anywhere(request.user, "branch.work")})


@login_required
def highlight_create(request, pk):
    campaign = _campaign(request, pk)
    branches = OrgUnit.objects.for_user(request.user, "work").filter(
        level__in=BRANCH_LEVELS, is_active=True, path__startswith=campaign.unit.path).select_related("parent")
    if not branches.exists():
        raise Http404
    stars = {}
    for kind in ("urban", "rural"):
        for s in campaign.standard_for_kind(kind).stars.all():
            stars.setdefault(s.code, s.name)
    form = HighlightForm(request.POST or None, branches=branches, stars=list(stars.items()), within=campaign.unit)
    if request.method == "POST" and form.is_valid():
        try:
            h = services.create_highlight(request.user, campaign, form.cleaned_data["branch"], title=form.cleaned_data["title"],
                                          story=form.cleaned_data["story"], star_codes=form.cleaned_data["star_codes"])
            return redirect("contest:highlight", pk=h.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "contest/form.html", {"form": form, "title": _("新增亮点"), "campaign": campaign})


@login_required
def highlight_detail(request, pk):
    h = get_object_or_404(Highlight.objects.for_user(request.user).select_related("branch", "campaign__unit"), pk=pk)
    may_edit = policy.may(request.user, "branch.work", h.branch)
    if request.method == "POST":
        action = action_of(request, ["feature", "photo"])
        try:
            if action == "feature":
                services.feature_highlight(request.user, h, not h.featured)
            elif action == "photo":
                form = PhotoForm(request.POST, request.FILES)
                if form.is_valid():
                    upload = form.cleaned_data["file"]
                    services.add_highlight_photo(request.user, h, upload.name, upload.read())
            else:
                raise Http404
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("contest:highlight", pk=h.pk)
    return render(request, "contest/highlight.html", {"h": h, "may_edit": may_edit, "photo_form": PhotoForm(),
                                                      "may_feature": policy.may(request.user, "campaign.manage", h.campaign.unit)})


@login_required
def photo(request, pk):
    p = get_object_or_404(HighlightPhoto.objects.filter(highlight__in=Highlight.objects.for_user(request.user)), pk=pk)
    return serve(p.file, p.content_type, p.original_name)


# --- rewards and penalties -----------------------------------------------------------------------------

@login_required
def sanctions(request, pk):
    campaign = _campaign(request, pk)
    items = Sanction.objects.for_user(request.user).filter(campaign=campaign).select_related("unit")
    query = query_of(request, SanctionQuery)
    kind, q = query["kind"], query["q"]
    if kind:
        items = items.filter(kind=kind)
    if q:
        items = items.filter(unit__name__icontains=q) | items.filter(person__icontains=q) | items.filter(reason__icontains=q)
    if query["format"] in ("xlsx", "csv"):
        return export_response(query["format"], f"奖惩台账_{campaign.year}",
                               ["日期", "类别", "单位", "个人", "事由", "金额（元）", "备注"],
                               [[s.decided_on, s.get_kind_display(), s.unit.name, s.person, s.reason,
                                 s.amount if s.amount is not None else "", s.note] for s in items])
    form = None
    if policy.may_anywhere(request.user, "area.manage"):
        units = OrgUnit.objects.for_user(request.user, "manage").filter(path__startswith=campaign.unit.path).select_related("parent").order_by("path")
        form = SanctionForm(request.POST or None, units=units, within=campaign.unit,
                            initial={"decided_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                services.record_sanction(request.user, campaign, **form.cleaned_data)
                messages.success(request, _("已记录。"))
                return redirect("contest:sanctions", pk=campaign.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    elif request.method == "POST":
        raise Http404
    return render(request, "contest/sanctions.html", {"campaign": campaign, "page": page_or_404(items, 100, query["page"]), "form": form, "kind": kind, "q": q, "kinds": SanctionKind.choices})


# --- contests -------------------------------------------------------------------------------------------

@login_required
def contests(request, pk):
    campaign = _campaign(request, pk)
    items = Contest.objects.for_user(request.user).filter(campaign=campaign).select_related("unit")
    return render(request, "contest/contests.html", {"campaign": campaign, "items": items,
                                                     "may_create": policy.may_anywhere(request.user, "area.manage")})


@login_required
def contest_create(request, pk):
    campaign = _campaign(request, pk)
    # The contest belongs to the highest unit the user manages in the campaign (one row, not all 2,400 offices).
    unit = OrgUnit.objects.for_user(request.user, "manage").filter(
        level__in=[Level.DISTRICT, Level.OFFICE], path__startswith=campaign.unit.path).order_by("path").first()
    if unit is None:
        raise Http404
    form = ContestForm(request.POST or None, branches=_branches(request, campaign), within=campaign.unit,
                       initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.create_contest(request.user, campaign, unit, kind=d["kind"], title=d["title"], held_on=d["held_on"],
                                        drop_extremes=d["drop_extremes"], criteria=d["criteria"], judges=d["judges"],
                                        entries=list(d["entries"]))
            return redirect("contest:contest", pk=c.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "contest/form.html", {"form": form, "title": _("新建赛事（{unit}）").format(unit=unit.name),
                                                 "campaign": campaign})


@login_required
def contest_detail(request, pk):
    contest = get_object_or_404(Contest.objects.for_user(request.user).select_related("unit"), pk=pk)
    results = services.contest_results(contest)
    fmt = query_of(request)["format"]
    if fmt in ("xlsx", "csv"):
        return export_response(fmt, f"{contest.title}_成绩", ["名次", "支部", "最后得分", "各评委总分", "去掉的分"],
                               [[r.rank, e.branch.name, r.final, "、".join(str(x) for x in r.judge_totals),
                                 "、".join(str(x) for x in r.dropped)] for r, e in results])
    return render(request, "contest/contest.html", {"contest": contest, "results": results,
                                                    "judges": contest.judges.all(),
                                                    "may_score": policy.may(request.user, "area.manage", contest.unit)})


@login_required
def contest_score(request, pk, judge):
    contest = get_object_or_404(Contest.objects.for_user(request.user, "manage").select_related("unit"), pk=pk)
    judge = get_object_or_404(Judge, pk=judge, contest=contest)
    entries = list(contest.entries.select_related("branch"))
    criteria = list(contest.criteria.all())
    existing = {(s.entry_id, s.criterion_id): s.points for s in judge.scores.all()}
    if request.method == "POST":
        form = ScoreGridForm(request.POST, cells=[(e.pk, c.pk) for e in entries for c in criteria])
        if not form.is_valid():
            raise Http404
        scores = form.scores()
        try:
            n = services.record_scores(request.user, contest, judge, scores)
            messages.success(request, _("已保存 {n} 项得分。").format(n=n))
            return redirect("contest:contest", pk=contest.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            existing.update({k: v for k, v in scores.items() if v})
    grid = [(e, [(c, existing.get((e.pk, c.pk), "")) for c in criteria]) for e in entries]
    return render(request, "contest/score.html", {"contest": contest, "judge": judge, "criteria": criteria, "grid": grid})
