"""Activity pages: list, calendar, record, decisions into tasks, photos, brief out, brief in."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.activities import briefs, services
from wuxing.activities.forms import (
    ActivityForm,
    BriefForm,
    CalendarQuery,
    DecisionChoiceForm,
    DecisionForm,
    PasteForm,
    PhotoForm,
)
from wuxing.activities.models import Activity, ActivityPhoto, ActivityType
from wuxing.activities.parsing import parse
from wuxing.campaigns.selectors import campaigns_for
from wuxing.casefiles.models import ReviewCampaign
from wuxing.core import gongwen, policy
from wuxing.core.exports import document_response, export_response
from wuxing.core.files import serve
from wuxing.core.forms import action_of, apply_errors, choice_query, query_of
from wuxing.core.paging import page_or_404
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.orgs import search
from wuxing.orgs.models import OrgUnit


def _may_record_any(user) -> bool:
    return policy.may_anywhere(user, "area.manage")


def _units(user):
    return OrgUnit.objects.for_user(user, "manage").filter(is_active=True).exclude(level__in=BRANCH_LEVELS).order_by("path")


@login_required
def activity_list(request):
    items = Activity.objects.for_user(request.user).select_related("unit")
    query = query_of(request, choice_query(type=ActivityType.choices))
    kind, q = query["type"], query["q"]
    if kind:
        items = items.filter(type=kind)
    if q:
        items = items.filter(title__icontains=q) | items.filter(organiser_name__icontains=q)
    if query["format"] in ("xlsx", "csv"):
        return export_response(query["format"], "活动台账", ["日期", "类型", "名称", "组织单位", "主持", "参加人员",
                                                              "人数", "学习文件", "状态"],
                               [[a.on, a.get_type_display(), a.title, a.organiser_name, a.host, a.attendees,
                                 a.participants, "、".join(a.documents), a.get_status_display()] for a in items])
    return render(request, "activities/list.html", {
        "page": page_or_404(items, 50, query["page"]), "types": ActivityType.choices, "type": kind,
        "q": q, "may_record": _may_record_any(request.user)})


@login_required
def activity_calendar(request):
    query = query_of(request, CalendarQuery)
    month = query["month"] or timezone.localdate().replace(day=1)
    areas = search.units(request.user, "seen_areas").order_by("path")
    unit = (areas.filter(pk=query["unit"]).first() if query["unit"] else None) or areas.first()
    items = Activity.objects.for_user(request.user).filter(on__year=month.year, on__month=month.month)
    if unit is not None:
        items = items.filter(unit__path__startswith=unit.path)
    by_day = {}
    for a in items.order_by("on", "at"):
        by_day.setdefault(a.on.day, []).append(a)
    weeks = [[(d, by_day.get(d, [])) if d else (None, []) for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month)]
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "activities/calendar.html", {
        "month": month, "weeks": weeks, "unit": unit, "prev": prev_month, "next": next_month,
        "unit_form": search.UnitFilterForm(name="unit", label=_("单位"), scope="seen_areas", queryset=areas, value=unit)})


def _form_page(request, activity=None):
    if not _may_record_any(request.user):
        raise Http404
    initial = {"on": timezone.localdate()}
    if activity is not None:
        initial = {f: getattr(activity, f) for f in services.FIELDS}
        initial.update({"unit": activity.unit, "documents": "\n".join(activity.documents),
                        "correspondents": " ".join(activity.correspondents), "review_campaign": activity.review_campaign_id})
    form = ActivityForm(request.POST or None, units=_units(request.user), initial=initial,
                        review_campaigns=_review_campaigns(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        campaign = None if activity is not None and activity.campaign_id else campaigns_for(request.user).filter(
            is_active=True, year=data["on"].year).first()
        try:
            activity = services.save_activity(request.user, unit, activity, campaign=campaign, **data)
            return redirect("activities:detail", pk=activity.pk)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


def _review_campaigns(user):
    """Review campaigns a 评查会 recorded by `user` may name: those above or under the top unit they record activities
    for (None, and no field on the form, where there are none)."""
    top = _units(user).first()
    if top is None:
        return None
    found = services.review_campaigns_for(top)
    return found if found.exists() else None


@login_required
def activity_create(request):
    return _form_page(request)


@login_required
def activity_edit(request, pk):
    return _form_page(request, get_object_or_404(Activity.objects.for_user(request.user, "manage"), pk=pk))


def _stars(activity):
    if activity.campaign is None:
        return []
    seen = {}
    for kind in ("urban", "rural"):
        for s in activity.campaign.standard_for_kind(kind).stars.all():
            seen.setdefault(s.code, s.name)
    return list(seen.items())


@login_required
def activity_detail(request, pk):
    activity = get_object_or_404(Activity.objects.for_user(request.user).select_related("unit", "campaign",
                                                                                         "review_campaign"), pk=pk)
    may_edit = services.may_record(request.user, activity.unit)
    branches = OrgUnit.objects.filter(level__in=BRANCH_LEVELS, path__startswith=activity.unit.path).order_by("path")
    form = DecisionForm(request.POST or None, branches=branches, stars=_stars(activity), within=activity.unit)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        action = action_of(request, ["decision", "tasks", "confirm", "photo"])
        try:
            if action == "decision" and form.is_valid():
                services.add_decision(request.user, activity, form.cleaned_data["text"], list(form.cleaned_data["branches"]),
                                      form.cleaned_data["star_code"], form.cleaned_data["due_date"])
            elif action == "tasks":
                chosen = DecisionChoiceForm(request.POST, decisions=activity.decisions.all())
                if not chosen.is_valid():
                    raise Http404
                decision = chosen.cleaned_data["decision"]
                n = services.decision_to_tasks(request.user, decision)
                messages.success(request, _("已为 {n} 个支部生成创建任务。").format(n=n))
            elif action == "confirm":
                services.confirm(request.user, activity)
            elif action == "photo":
                photo = PhotoForm(request.POST, request.FILES)
                if photo.is_valid():
                    upload = photo.cleaned_data["file"]
                    services.add_photo(request.user, activity, upload.name, upload.read())
            if not (action == "decision" and not form.is_valid()):
                return redirect("activities:detail", pk=activity.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/detail.html", {
        "a": activity, "may_edit": may_edit, "form": form, "photo_form": PhotoForm(),
        "decisions": activity.decisions.prefetch_related("branches"), "photos": activity.photos.all(),
        # The linked review campaign is a link only for those who may open it (no 404 links).
        "review_link": activity.review_campaign_id is not None and ReviewCampaign.objects.for_user(request.user).filter(
            pk=activity.review_campaign_id).exists()})


@login_required
def activity_brief(request, pk):
    """The generated brief, editable; exported as .docx or plain text."""
    activity = get_object_or_404(Activity.objects.for_user(request.user).select_related("unit"), pk=pk)
    form = BriefForm(request.POST or None, initial={"text": briefs.render(briefs.of_record(activity))})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        stem = f"简报_{activity.on:%Y%m%d}_{activity.title[:20]}"
        if form.cleaned_data["format"] == "txt":
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f"attachment; filename=\"brief.txt\"; filename*=UTF-8''{quote(stem)}.txt"
            return response
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return document_response(request, "docx", stem, gongwen.article_docx(lines[:1], lines[1:]))
    return render(request, "activities/brief.html", {"a": activity, "form": form})


@login_required
def activity_import(request):
    """Brief in: paste a newspaper page or an article, check the drafts, confirm them as records."""
    if not _may_record_any(request.user):
        raise Http404
    campaign = campaigns_for(request.user).filter(is_active=True).order_by("-year").first()
    if campaign is None:
        return render(request, "weekly/none.html")
    form = PasteForm(request.POST or None, request.FILES or None)
    drafts = clean = None
    if request.method == "POST" and form.is_valid():
        # The names the parser looks for: read when a brief is pasted, not on every visit of the empty form.
        units = {u.name: u for u in OrgUnit.objects.for_user(request.user)}
        clean, drafts = parse(form.cleaned_data["text"], list(units), campaign.year)
        if form.cleaned_data["confirm"] and drafts:
            chosen = set(form.cleaned_data["pick"])
            picked = [a for i, a in enumerate(drafts) if i in chosen] if chosen else drafts
            try:
                made = services.create_from_articles(request.user, campaign, picked, units, form.cleaned_data["text"], clean)
                messages.success(request, _("已生成 {n} 条活动记录（待确认）。").format(n=len(made)))
                return redirect("activities:list")
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:  # an article the parser could not complete: a message, never a 500
                form.add_error(None, " ".join(exc.messages))
    return render(request, "activities/import.html", {"form": form, "drafts": drafts, "clean": clean,
                                                       "campaign": campaign})


@login_required
def photo(request, pk):
    p = get_object_or_404(ActivityPhoto.objects.filter(activity__in=Activity.objects.for_user(request.user)), pk=pk)
    return serve(p.file, p.content_type, p.original_name)


