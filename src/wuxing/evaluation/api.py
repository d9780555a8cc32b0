"""Evaluation API: evidence, self-assessment results, submissions with may_* flags and every
transition of the review chain, awards and star removal — on the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from wuxing.core import policy
from wuxing.core.api import ObjectJSONParser

from wuxing.creation.api import _drf
from wuxing.creation.selectors import campaigns_for
from wuxing.evaluation import services
from wuxing.evaluation.models import Award, Evidence, Submission
from wuxing.orgs.models import OrgUnit
from wuxing.core.roles import BRANCH_LEVELS


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DjangoPermissionDenied:
        raise NotFound() from None
    except DjangoValidationError as exc:
        raise _drf(exc) from None


def _campaign_branch(request, data):
    try:
        campaign_id, branch_id = int(data.get("campaign")), int(data.get("branch"))
    except (TypeError, ValueError):
        raise ValidationError({"detail": "campaign 和 branch 必填（整数）"}) from None
    campaign = get_object_or_404(campaigns_for(request.user), pk=campaign_id)
    branch = get_object_or_404(OrgUnit.objects.for_user(request.user).filter(level__in=BRANCH_LEVELS), pk=branch_id)
    return campaign, branch


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "campaign", "branch", "indicator_code", "original_name", "description", "content_type", "size",
                  "sha256", "uploaded_at"]


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ledger files in scope; POST (multipart: campaign, branch, indicator_code, file, description) uploads one."""

    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, ObjectJSONParser]

    def get_queryset(self):
        qs = Evidence.objects.for_user(self.request.user).order_by("-uploaded_at")
        for key in ("campaign", "branch"):
            if self.request.query_params.get(key, "").isdigit():
                qs = qs.filter(**{f"{key}_id": self.request.query_params[key]})
        return qs

    @extend_schema(request={"multipart/form-data": inline_serializer("EvidenceUpload", {
        "campaign": serializers.IntegerField(), "branch": serializers.IntegerField(),
        "indicator_code": serializers.CharField(), "file": serializers.FileField(),
        "description": serializers.CharField(required=False)})}, responses={201: EvidenceSerializer})
    def create(self, request):
        campaign, branch = _campaign_branch(request, request.data)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请选择文件"})
        ev = _call(services.add_evidence, request.user, campaign, branch, str(request.data.get("indicator_code", "")),
                   upload.name, upload.read(), str(request.data.get("description", "")))
        return Response(EvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)


class SubmissionSerializer(serializers.ModelSerializer):
    flags = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "campaign", "branch", "status", "claimed_star_codes", "office_star_codes",
                  "proposed_star_codes", "proposed_level", "note", "notice", "version", "submitted_at", "flags",
                  "decisions"]

    def get_flags(self, obj) -> dict[str, bool]:
        return services.submission_flags(self.context["request"].user, obj)

    def get_decisions(self, obj) -> list[dict]:
        return [{"star_code": d.star_code, "passed": d.passed, "note": d.note, "version": d.version}
                for d in obj.decisions.all()]


class NoteBody(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submissions (申报) in scope, and the review chain's transitions as actions."""

    serializer_class = SubmissionSerializer

    def get_queryset(self):
        qs = Submission.objects.for_user(self.request.user).select_related("branch", "campaign").prefetch_related(
            "decisions").order_by("branch__path")
        params = self.request.query_params
        if params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=params["campaign"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs

    def _out(self, sub):
        sub = Submission.objects.select_related("branch", "campaign").get(pk=sub.pk)
        return Response(SubmissionSerializer(sub, context={"request": self.request}).data)

    @extend_schema(request=inline_serializer("SelfResults", {
        "campaign": serializers.IntegerField(), "branch": serializers.IntegerField(),
        "results": serializers.DictField(help_text="indicator code → true/false or a score"),
        "notes": serializers.DictField(required=False), "version": serializers.IntegerField(required=False)}),
        responses=dict)
    @action(detail=False, methods=["post"], url_path="self-results", url_name="self-results")
    def self_results(self, request):
        campaign, branch = _campaign_branch(request, request.data)
        results = request.data.get("results")
        if not isinstance(results, dict):
            raise ValidationError({"results": "应为 指标编码 → 结果 的对象"})
        assessment = _call(services.save_self_results, request.user, campaign, branch, results,
                           request.data.get("notes") or {}, request.data.get("version"))
        return Response({"assessment": assessment.pk, "version": assessment.version})

    @extend_schema(request=inline_serializer("Claim", {
        "campaign": serializers.IntegerField(), "branch": serializers.IntegerField(),
        "claimed": serializers.ListField(child=serializers.CharField())}), responses=SubmissionSerializer)
    @action(detail=False, methods=["post"])
    def claim(self, request):
        campaign, branch = _campaign_branch(request, request.data)
        return self._out(_call(services.submit_claim, request.user, campaign, branch, list(request.data.get("claimed") or [])))

    @extend_schema(request=inline_serializer("OfficeReview", {
        "judgements": serializers.DictField(help_text="indicator code → {agree: bool, note: str}"),
        "version": serializers.IntegerField(required=False)}), responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-review", url_name="office-review")
    def office_review(self, request, pk=None):
        sub = self.get_object()
        raw = request.data.get("judgements") or {}
        if not isinstance(raw, dict):
            raise ValidationError({"judgements": "应为对象"})
        judgements = {code: (bool(v.get("agree")), str(v.get("note", ""))) for code, v in raw.items() if isinstance(v, dict)}
        _call(services.office_review, request.user, sub, judgements, request.data.get("version"))
        return self._out(sub)

    @extend_schema(request=NoteBody, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-return", url_name="office-return")
    def office_return(self, request, pk=None):
        return self._out(_call(services.office_return, request.user, self.get_object(), str(request.data.get("note", ""))))

    @extend_schema(request=NoteBody, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-pass", url_name="office-pass")
    def office_pass(self, request, pk=None):
        return self._out(_call(services.office_pass, request.user, self.get_object(), str(request.data.get("note", ""))))

    @extend_schema(request=inline_serializer("Decide", {
        "star_code": serializers.CharField(), "passed": serializers.BooleanField(),
        "note": serializers.CharField(required=False), "version": serializers.IntegerField(required=False)}),
        responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        sub = self.get_object()
        _call(services.district_decide, request.user, sub, str(request.data.get("star_code", "")),
              bool(request.data.get("passed")), str(request.data.get("note", "")), request.data.get("version"))
        return self._out(sub)

    @extend_schema(request=NoteBody, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="district-return", url_name="district-return")
    def district_return(self, request, pk=None):
        return self._out(_call(services.district_return, request.user, self.get_object(), str(request.data.get("note", ""))))

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        return self._out(_call(services.district_finalize, request.user, self.get_object()))


class AwardSerializer(serializers.ModelSerializer):
    removals = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = ["id", "campaign", "branch", "star_codes", "level", "effective_star_codes", "effective_level",
                  "awarded_at", "removals"]

    def get_removals(self, obj) -> list[dict]:
        return [{"id": r.pk, "star_code": r.star_code, "category": r.category, "description": r.description,
                 "occurred_on": r.occurred_on, "reinstated_at": r.reinstated_at} for r in obj.removals.all()]


class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AwardSerializer

    def get_queryset(self):
        qs = Award.objects.for_user(self.request.user).prefetch_related("removals").order_by("-effective_level", "branch_id")
        if self.request.query_params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=self.request.query_params["campaign"])
        return qs

    @extend_schema(request=inline_serializer("Removal", {
        "star_code": serializers.CharField(), "category": serializers.CharField(),
        "description": serializers.CharField(), "occurred_on": serializers.DateField()}), responses=AwardSerializer)
    @action(detail=True, methods=["post"], url_path="remove-star", url_name="remove-star")
    def remove_star(self, request, pk=None):
        award = self.get_object()
        if not policy.may(request.user, "branch.district_review", award.branch):
            raise NotFound()  # authorise before validating input: outsiders learn nothing
        occurred = serializers.DateField().run_validation(request.data.get("occurred_on"))
        _call(services.remove_star, request.user, award, star_code=str(request.data.get("star_code", "")),
              category=str(request.data.get("category", "")), description=str(request.data.get("description", "")),
              occurred_on=occurred)
        return Response(AwardSerializer(Award.objects.get(pk=award.pk)).data)
