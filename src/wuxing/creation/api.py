"""Creation API: campaigns, targets (with may_* flags and transitions), tasks, gap analysis."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.campaigns.api import BranchField, CampaignField
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import campaign_or_404, campaigns_for
from wuxing.core import policy
from wuxing.core.api import (
    NoteSerializer,
    StrictCharField,
    StrictModelSerializer,
    ValueRowsList,
    code_list,
    time_text,
)
from wuxing.core.api import note_of as _note
from wuxing.core.forms import api_query
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.creation import selectors, services
from wuxing.creation.models import Comment, PlanTask, Target
from wuxing.orgs.models import OrgUnit
from wuxing.standards.models import Standard


class CampaignSerializer(StrictModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "unit", "year", "name", "urban_standard", "rural_standard", "plan_due", "assessment_opens",
                  "assessment_closes", "office_review_due", "district_review_due", "notice_working_days",
                  "flag_min_level", "flag_min_share", "flag_allow_zero", "flag_period", "pairing_mentor_level",
                  "key_work_tags",
                  "is_active"]


class RerateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("urban", "城市社区标准"), ("rural", "农村标准")])
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all())
    token = StrictCharField(required=False, allow_blank=True, max_length=32, default="",
                            help_text="the preview's token: given, the change is applied; empty, only previewed")


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaign years in scope. rerate/ moves a used standard to another version: without a token it previews
    every branch whose level would change; with the preview's token it applies that change."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        return campaigns_for(self.request.user).order_by("-year", "pk")

    @extend_schema(request=RerateSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def rerate(self, request, pk=None):
        campaign = self.get_object()
        if not policy.may(request.user, "campaign.manage", campaign.unit):
            raise NotFound()
        body = RerateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        if v["token"]:
            result = services.rerate_apply(request.user, campaign, v["kind"], v["standard"], v["token"])
        else:
            result = services.rerate_preview(request.user, campaign, v["kind"], v["standard"])
        return Response({"applied": bool(v["token"]), "token": result.token, "unchanged": result.unchanged,
                         "kept": result.kept, "changes": [
                             {"branch": r.branch.pk, "name": r.branch.name, "before": r.before, "after": r.after,
                              "before_stars": list(r.before_stars), "after_stars": list(r.after_stars)}
                             for r in result.changes]})


class TargetSerializer(StrictModelSerializer):
    campaign = CampaignField()
    branch = BranchField()
    star_codes = code_list(required=False)
    flags = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "campaign", "branch", "strengths", "achieved", "weaknesses", "goal", "measures", "star_codes",
                  "level", "status", "office_note", "submitted_at", "decided_at", "flags"]
        read_only_fields = ["level", "status", "office_note", "submitted_at", "decided_at"]
        # POST saves the one target per (campaign, branch): the service updates it, so the generated
        # unique-together check would wrongly refuse a second save (and tell outsiders a target exists).
        validators = []

    def get_flags(self, obj) -> dict[str, bool]:
        return services.target_flags(self.context["request"].user, obj)


TARGET_FIELDS = ("id", "campaign_id", "branch_id", "strengths", "achieved", "weaknesses", "goal", "measures",
                 "star_codes", "level", "status", "office_note", "submitted_at", "decided_at", "branch__path")


def target_rows(rows: list[dict], user) -> list[dict]:
    """What TargetSerializer answers for each target, from value rows (TARGET_FIELDS, core.api.ValueRowsList;
    tests/creation/test_creation.py holds the two equal)."""
    declare, review = policy.deciding(user, "branch.declare"), policy.deciding(user, "branch.review")
    tz = timezone.get_current_timezone()
    out = []
    for r in rows:
        path = r["branch__path"]
        flags = services.target_flags_of(declare(path), review(path), r["status"], True, r["level"])
        out.append({
            "id": r["id"], "campaign": r["campaign_id"], "branch": r["branch_id"],
            **{k: r[k] for k in ("strengths", "achieved", "weaknesses", "goal", "measures")},
            "star_codes": list(r["star_codes"]), "level": r["level"], "status": r["status"],
            "office_note": r["office_note"], "submitted_at": time_text(r["submitted_at"], tz),
            "decided_at": time_text(r["decided_at"], tz), "flags": flags})
    return out


class TargetViewSet(ValueRowsList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Targets in scope. POST saves the caller's branch target (draft/returned); transitions are actions."""

    serializer_class = TargetSerializer

    list_fields = TARGET_FIELDS

    def rows(self, rows):
        return target_rows(rows, self.request.user)

    def get_queryset(self):
        qs = Target.objects.for_user(self.request.user).select_related("branch").order_by("branch__path")
        campaign = api_query(self.request, "campaign")["campaign"]
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs

    def create(self, request):
        data = TargetSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign, branch = v["campaign"], v["branch"]
        target = services.save_target(request.user, campaign, branch, star_codes=v.get("star_codes", []),
                                      **{k: v.get(k, "") for k in ("strengths", "achieved", "weaknesses", "goal",
                                                                   "measures")})
        return Response(TargetSerializer(target, context={"request": request}).data, status=status.HTTP_200_OK)

    def _act(self, request, fn, *args):
        target = self.get_object()
        target = fn(request.user, target, *args)
        return Response(TargetSerializer(target, context={"request": request}).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, services.submit_target)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(request, services.confirm_target, _note(request))

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._act(request, services.return_target, _note(request))


class TaskSerializer(StrictModelSerializer):
    campaign = CampaignField()
    branch = BranchField()
    indicator_codes = code_list(required=False)
    tags = code_list(required=False, max_length=50)

    class Meta:
        model = PlanTask
        fields = ["id", "campaign", "branch", "star_code", "indicator_codes", "title", "measures", "responsible_name",
                  "due_date", "status", "tags", "completed_at"]
        read_only_fields = ["status", "completed_at"]


class ProgressSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000)
    on = serializers.DateField(required=False)
    done = serializers.BooleanField(required=False, default=False)


TASK_FIELDS = ("id", "campaign_id", "branch_id", "star_code", "indicator_codes", "title", "measures",
               "responsible_name", "due_date", "status", "tags", "completed_at")


def task_rows(rows: list[dict]) -> list[dict]:
    """What TaskSerializer answers for each task, from value rows (TASK_FIELDS, core.api.ValueRowsList;
    tests/creation/test_creation.py holds the two equal)."""
    tz = timezone.get_current_timezone()
    return [{"id": r["id"], "campaign": r["campaign_id"], "branch": r["branch_id"], "star_code": r["star_code"],
             "indicator_codes": list(r["indicator_codes"]), "title": r["title"], "measures": r["measures"],
             "responsible_name": r["responsible_name"], "due_date": r["due_date"].isoformat(),
             "status": r["status"], "tags": list(r["tags"]), "completed_at": time_text(r["completed_at"], tz)}
            for r in rows]


class TaskViewSet(ValueRowsList, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = TaskSerializer

    list_fields = TASK_FIELDS

    def rows(self, rows):
        return task_rows(rows)

    def get_queryset(self):
        qs = PlanTask.objects.for_user(self.request.user).order_by("branch_id", "due_date", "pk")
        query = api_query(self.request, "campaign", "branch", texts=("status",))
        for key in ("campaign", "branch"):
            if query[key] is not None:
                qs = qs.filter(**{f"{key}_id": query[key]})
        if query["status"]:
            qs = qs.filter(status=query["status"])
        return qs

    def perform_create(self, serializer):
        v = serializer.validated_data
        campaign, branch = v["campaign"], v["branch"]
        serializer.instance = services.create_task(
            self.request.user, campaign, branch, title=v["title"], star_code=v["star_code"], due_date=v["due_date"],
            responsible_name=v.get("responsible_name", ""), measures=v.get("measures", ""),
            indicator_codes=v.get("indicator_codes", []), tags=v.get("tags", []))

    def perform_destroy(self, instance):
        services.delete_task(self.request.user, instance)

    @extend_schema(request=ProgressSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self.get_object()
        body = ProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.add_progress(request.user, task, body.validated_data["note"], body.validated_data.get("on"),
                              body.validated_data["done"])
        task.refresh_from_db()
        return Response(TaskSerializer(task).data)


class GapView(APIView):
    """Gap analysis of one branch: per target star, each indicator's state (met/evidence/planned/none)."""

    @extend_schema(parameters=[OpenApiParameter("campaign", int, required=True),
                               OpenApiParameter("branch", int, required=True)], responses=dict)
    def get(self, request):
        query = api_query(request, "campaign", "branch")
        if query["campaign"] is None or query["branch"] is None:
            raise ValidationError({"detail": "campaign 和 branch 参数必填（整数）"})
        campaign = campaign_or_404(request.user, query["campaign"])
        branch = get_object_or_404(OrgUnit.objects.for_user(request.user).filter(level__in=BRANCH_LEVELS),
                                   pk=query["branch"])
        target = Target.objects.filter(campaign=campaign, branch=branch).first()
        stars = selectors.gap_analysis(campaign, branch, target)
        return Response({"campaign": campaign.pk, "branch": branch.pk, "stars": [
            {"code": s.code, "name": s.name, "gaps": [i.code for i in s.gaps],
             "indicators": [{"code": i.code, "text": i.text, "required": i.required, "state": i.state}
                            for i in s.indicators]} for s in stars]})


class CommentSerializer(StrictModelSerializer):
    """批注 on a branch's work: the same rules as the page's form (text up to 2,000 characters)."""

    campaign = CampaignField()
    branch = BranchField()
    text = StrictCharField(max_length=2000)
    author_name = serializers.CharField(source="author.real_name", read_only=True, default="")

    class Meta:
        model = Comment
        fields = ["id", "campaign", "branch", "text", "author", "author_name", "created_at"]
        read_only_fields = ["author", "created_at"]


class CommentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """批注 in scope (filter with ?campaign= and ?branch=). POST: an assigned leader (or an administrator above
    the branch) comments; the branch's people are told."""

    serializer_class = CommentSerializer

    def get_queryset(self):
        qs = Comment.objects.for_user(self.request.user).select_related("author").order_by("-created_at", "-pk")
        query = api_query(self.request, "campaign", "branch")
        for key, value in query.items():
            if value is not None:
                qs = qs.filter(**{f"{key}_id": value})
        return qs

    def create(self, request):
        data = CommentSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        note = services.comment(request.user, v["campaign"], v["branch"], v["text"])
        return Response(CommentSerializer(note, context={"request": request}).data, status=status.HTTP_201_CREATED)
