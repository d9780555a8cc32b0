"""Weekly dynamics API: reports (save, submit, return, accept) and compliance, on the same services."""

from __future__ import annotations

from collections import defaultdict

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.campaigns.api import BranchField, CampaignField
from wuxing.campaigns.selectors import campaign_or_404
from wuxing.core import policy
from wuxing.core.api import (
    NoteSerializer,
    ScopedPrimaryKeyField,
    StrictBooleanField,
    StrictModelSerializer,
    ValueRowsList,
    code_list,
    time_text,
)
from wuxing.core.api import note_of as _note
from wuxing.core.forms import api_query
from wuxing.creation.models import PlanTask
from wuxing.orgs.models import OrgUnit
from wuxing.rollups.caching import cached_json
from wuxing.weekly import selectors, services
from wuxing.weekly.models import WeeklyReport, WorkItem


class ItemSerializer(StrictModelSerializer):
    # A task the caller may see; another branch's task and a missing one answer the same 404.
    task = ScopedPrimaryKeyField(scope=lambda user: PlanTask.objects.for_user(user), required=False, allow_null=True)
    indicator_codes = code_list(required=False)
    task_done = StrictBooleanField(required=False, default=False)

    class Meta:
        model = WorkItem
        fields = ["text", "task", "indicator_codes", "task_done"]


class ReportSerializer(StrictModelSerializer):
    campaign = CampaignField()
    branch = BranchField()
    items = ItemSerializer(many=True, required=False, max_length=50)
    flags = serializers.SerializerMethodField()
    submit = StrictBooleanField(required=False, default=False, write_only=True,
                                help_text="true: save and submit in one request (both or neither)")

    class Meta:
        model = WeeklyReport
        fields = ["id", "campaign", "branch", "iso_year", "iso_week", "week_start", "due_at", "summary", "problems",
                  "next_plan", "highlights", "items", "status", "submitted_at", "office_note", "version", "flags",
                  "submit"]
        read_only_fields = ["week_start", "due_at", "status", "submitted_at", "office_note"]
        validators = []  # one report per branch and week: POST saves it (the service), it never duplicates

    def get_flags(self, obj) -> dict[str, bool]:
        return services.report_flags(self.context["request"].user, obj)




LIST_FIELDS = ("id", "campaign_id", "branch_id", "iso_year", "iso_week", "week_start", "due_at", "summary", "problems",
               "next_plan", "highlights", "status", "submitted_at", "office_note", "version", "branch__path")


def report_rows(rows: list[dict], user) -> list[dict]:
    """What ReportSerializer answers for each report, from value rows (LIST_FIELDS, core.api.ValueRowsList): the
    items in one query, the policy asked once per branch (tests/weekly/test_weekly.py holds the two equal)."""
    items: dict[int, list] = defaultdict(list)
    for report_id, text, task_id, codes, done in WorkItem.objects.filter(
            report_id__in=[r["id"] for r in rows]).order_by("report_id", "order", "pk").values_list(
            "report_id", "text", "task_id", "indicator_codes", "task_done"):
        items[report_id].append({"text": text, "task": task_id, "indicator_codes": list(codes), "task_done": done})
    declare, review = policy.deciding(user, "branch.declare"), policy.deciding(user, "branch.review")
    tz = timezone.get_current_timezone()
    out = []
    for r in rows:
        path = r["branch__path"]
        out.append({
            "id": r["id"], "campaign": r["campaign_id"], "branch": r["branch_id"], "iso_year": r["iso_year"],
            "iso_week": r["iso_week"], "week_start": r["week_start"].isoformat(),
            "due_at": time_text(r["due_at"], tz), "summary": r["summary"], "problems": r["problems"],
            "next_plan": r["next_plan"], "highlights": r["highlights"], "items": items.get(r["id"], []),
            "status": r["status"], "submitted_at": time_text(r["submitted_at"], tz),
            "office_note": r["office_note"], "version": r["version"],
            "flags": services.flags_of(declare(path), review(path), r["status"], True)})
    return out


class ReportViewSet(ValueRowsList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reports in scope. POST saves the caller's branch report of a week (draft or returned), and submits it too
    when the body says "submit": true."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        # The order of the index weekly_report_list, so a page is an index walk even across campaigns.
        qs = WeeklyReport.objects.for_user(self.request.user).select_related("branch").order_by(
            "campaign_id", "-iso_year", "-iso_week", "branch_id")
        if self.action in ("list", "retrieve"):  # transitions reload the report under a lock anyway
            qs = qs.prefetch_related("items")
        query = api_query(self.request, "campaign", "branch", "iso_year", "iso_week")
        for key, value in query.items():
            if value is not None:
                qs = qs.filter(**{f"{key}_id" if key in ("campaign", "branch") else key: value})
        return qs

    list_fields = LIST_FIELDS

    def rows(self, rows):
        return report_rows(rows, self.request.user)

    def create(self, request):
        body = ReportSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        campaign, branch = v["campaign"], v["branch"]
        items = [services.ItemInput(text=i["text"], task=i.get("task"), indicator_codes=tuple(i.get("indicator_codes", [])),
                                    task_done=i.get("task_done", False)) for i in v.get("items", [])]
        report = services.save_report(request.user, campaign, branch, v["iso_year"], v["iso_week"], items=items,
                                      version=v.get("version"), submit=v.get("submit", False),
                                      **{k: v.get(k, "") for k in ("summary", "problems", "next_plan", "highlights")})
        return Response(ReportSerializer(report, context={"request": request}).data)

    def _act(self, request, fn, *args):
        report = self.get_object()
        report = fn(request.user, report, *args)
        return Response(ReportSerializer(report, context={"request": request}).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, services.submit_report)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._act(request, services.return_report, _note(request))

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, services.accept_report, _note(request))


class ComplianceView(APIView):
    """Per branch per week: on_time / late / missing / pending, for the branches of a unit in scope."""

    @extend_schema(parameters=[OpenApiParameter("campaign", int, required=True), OpenApiParameter("unit", int),
                               OpenApiParameter("weeks", int, description="how many recent weeks (default 8)"),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="≤ 2000, default 500")],
                   responses=dict)
    def get(self, request):
        query = api_query(request, "campaign", "unit", "weeks", "page", "page_size")
        if query["campaign"] is None:
            raise ValidationError({"detail": "campaign 参数必填（整数）"})
        campaign = campaign_or_404(request.user, query["campaign"])
        unit = campaign.unit
        if query["unit"] is not None:
            unit = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=query["unit"])
        last = min(query["weeks"], 53) if query["weeks"] else 8
        weeks = selectors.report_weeks(campaign, last=last)
        size = min(query["page_size"], 2000) if query["page_size"] else 500
        page = query["page"] or 1

        def data():
            everyone = selectors.branches_in(request.user, unit)
            total = everyone.count()
            branches = list(everyone[(page - 1) * size:page * size])
            status_of = selectors.statuses(campaign, [b.pk for b in branches], weeks)
            return {
                "campaign": campaign.pk, "weeks": [f"{y}-W{w:02d}" for y, w in weeks], "count": total, "page": page,
                "pages": max(1, -(-total // size)),
                "branches": [{"id": b.pk, "code": b.code, "name": b.name,
                              "statuses": [status_of[(b.pk, w)] for w in weeks]} for b in branches]}

        # Like the weekly compliance page: first submissions and the org tree move the rollups' stamp, and the key
        # counts the deadlines passed (every week before the last twelve is past its own).
        return cached_json(request, campaign, unit, "api-compliance", data)
