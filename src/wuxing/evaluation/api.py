"""Evaluation API: evidence, self-assessment results, submissions with may_* flags and every
transition of the review chain, awards and star removal — on the same services as the pages."""

from __future__ import annotations

import math

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from wuxing.campaigns.api import BranchField, CampaignField
from wuxing.campaigns.models import Campaign
from wuxing.core import policy
from wuxing.core.api import (
    NoteSerializer,
    ObjectJSONParser,
    StrictBooleanField,
    StrictCharField,
    StrictModelSerializer,
    code_list,
    not_found,
)
from wuxing.core.api import note_of as _note
from wuxing.core.forms import api_query
from wuxing.evaluation import services
from wuxing.evaluation.models import (
    MANUAL_REMOVAL,
    Award,
    Evidence,
    Objection,
    ObjectionStatus,
    PublicNotice,
    RejectionGround,
    Submission,
    VetoEvent,
    VetoStatus,
)


class ResultValueField(serializers.Field):
    """One indicator's self-assessed value: true/false (pass/fail), a number (points) or null (not judged)."""

    default_error_messages = {"invalid": "应为 true、false、数字或 null。"}

    def to_internal_value(self, data):
        if data is None or isinstance(data, bool):
            return data
        if isinstance(data, (int, float)) and math.isfinite(data):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class SelfResultsSerializer(serializers.Serializer):
    campaign = CampaignField()
    branch = BranchField()
    results = serializers.DictField(child=ResultValueField(allow_null=True), help_text="indicator code → true/false or a score")
    notes = serializers.DictField(child=StrictCharField(max_length=2000, allow_blank=True), required=False)
    version = serializers.IntegerField(required=False, min_value=0)


class ClaimSerializer(serializers.Serializer):
    campaign = CampaignField()
    branch = BranchField()
    claimed = code_list(min_length=1, max_items=10)
    confirm = StrictBooleanField(help_text="true: the claimant has seen the summary; a claim cannot be taken back")


class JudgementSerializer(serializers.Serializer):
    agree = StrictBooleanField()
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class OfficeReviewSerializer(serializers.Serializer):
    judgements = serializers.DictField(child=JudgementSerializer(), help_text="indicator code → {agree, note}")
    version = serializers.IntegerField(required=False, min_value=0)


class DecideSerializer(serializers.Serializer):
    star_code = StrictCharField(max_length=40)
    passed = StrictBooleanField()
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")
    version = serializers.IntegerField(required=False, min_value=0)


class RemovalSerializer(serializers.Serializer):
    star_code = StrictCharField(max_length=40)
    category = serializers.ChoiceField(choices=MANUAL_REMOVAL)
    description = StrictCharField(max_length=2000)
    occurred_on = serializers.DateField()


class EvidenceUploadSerializer(serializers.Serializer):
    campaign = CampaignField()
    branch = BranchField()
    indicator_code = StrictCharField(max_length=40)
    file = serializers.FileField()
    description = StrictCharField(required=False, allow_blank=True, max_length=300, default="")


def _body(serializer_class, request):
    """The action's body, validated by its serializer (400 with Chinese messages otherwise)."""
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return body.validated_data


class EvidenceSerializer(StrictModelSerializer):
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
        for key, value in api_query(self.request, "campaign", "branch").items():
            if value is not None:
                qs = qs.filter(**{f"{key}_id": value})
        return qs

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    def create(self, request):
        v = _body(EvidenceUploadSerializer, request)
        upload = v["file"]
        ev = services.add_evidence(request.user, v["campaign"], v["branch"], v["indicator_code"],
                   upload.name, upload.read(), v["description"])
        return Response(EvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)


class SubmissionSerializer(StrictModelSerializer):
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


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submissions (申报) in scope, and the review chain's transitions as actions."""

    serializer_class = SubmissionSerializer

    def get_queryset(self):
        qs = Submission.objects.for_user(self.request.user).select_related("branch", "campaign").prefetch_related(
            "decisions").order_by("branch__path")
        query = api_query(self.request, "campaign", texts=("status",))
        if query["campaign"] is not None:
            qs = qs.filter(campaign_id=query["campaign"])
        if query["status"]:
            qs = qs.filter(status=query["status"])
        return qs

    def _authorised(self, flag: str):
        """The submission, for a caller who holds the role of the step `flag` names (404 otherwise), before
        its body is read: outsiders learn nothing from validation messages."""
        sub = self.get_object()
        if not policy.may(self.request.user, services.FLAG_ACTIONS[flag], sub.branch):
            raise not_found()
        return sub

    def _out(self, sub):
        sub = Submission.objects.select_related("branch", "campaign").get(pk=sub.pk)
        return Response(SubmissionSerializer(sub, context={"request": self.request}).data)

    @extend_schema(request=SelfResultsSerializer, responses=dict)
    @action(detail=False, methods=["post"], url_path="self-results", url_name="self-results")
    def self_results(self, request):
        v = _body(SelfResultsSerializer, request)
        assessment = services.save_self_results(request.user, v["campaign"], v["branch"], v["results"],
                           v.get("notes") or {}, v.get("version"))
        return Response({"assessment": assessment.pk, "version": assessment.version})

    @extend_schema(request=ClaimSerializer, responses=SubmissionSerializer)
    @action(detail=False, methods=["post"])
    def claim(self, request):
        v = _body(ClaimSerializer, request)
        return self._out(services.submit_claim(request.user, v["campaign"], v["branch"], v["claimed"],
                                               confirmed=v["confirm"]))

    @extend_schema(request=OfficeReviewSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-review", url_name="office-review")
    def office_review(self, request, pk=None):
        sub = self._authorised("may_office_review")
        v = _body(OfficeReviewSerializer, request)
        judgements = {code: (j["agree"], j["note"]) for code, j in v["judgements"].items()}
        services.office_review(request.user, sub, judgements, v.get("version"))
        return self._out(sub)

    @extend_schema(request=NoteSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-return", url_name="office-return")
    def office_return(self, request, pk=None):
        return self._out(services.office_return(request.user, self.get_object(), _note(request)))

    @extend_schema(request=NoteSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="office-pass", url_name="office-pass")
    def office_pass(self, request, pk=None):
        return self._out(services.office_pass(request.user, self.get_object(), _note(request)))

    @extend_schema(request=DecideSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        sub = self._authorised("may_district_decide")
        v = _body(DecideSerializer, request)
        services.district_decide(request.user, sub, v["star_code"], v["passed"], v["note"], v.get("version"))
        return self._out(sub)

    @extend_schema(request=NoteSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="district-return", url_name="district-return")
    def district_return(self, request, pk=None):
        return self._out(services.district_return(request.user, self.get_object(), _note(request)))

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        return self._out(services.district_finalize(request.user, self.get_object()))


class AwardSerializer(StrictModelSerializer):
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
        campaign = api_query(self.request, "campaign")["campaign"]
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs

    @extend_schema(request=RemovalSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"], url_path="remove-star", url_name="remove-star")
    def remove_star(self, request, pk=None):
        award = self.get_object()
        if not policy.may(request.user, "branch.district_review", award.branch):
            raise NotFound()  # authorise before validating input: outsiders learn nothing
        v = _body(RemovalSerializer, request)
        services.remove_star(request.user, award, **v)
        return Response(AwardSerializer(Award.objects.get(pk=award.pk)).data)


class VetoEventSerializer(StrictModelSerializer):
    class Meta:
        model = VetoEvent
        fields = ["id", "campaign", "branch", "veto_code", "star_code", "occurred_on", "description", "evidence",
                  "status", "recorded_at", "approved_at", "revoked_at", "revoke_reason"]


class VetoRecordSerializer(serializers.Serializer):
    campaign = CampaignField()
    branch = BranchField()
    veto_code = StrictCharField(max_length=48)
    occurred_on = serializers.DateField()
    description = StrictCharField(max_length=2000, error_messages={"blank": "请填写情况说明。"})
    evidence = StrictCharField(max_length=2000, error_messages={"blank": "请写明佐证材料（如通报文号、案件编号）。"})


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class VetoEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """一票否决事件 in scope (?campaign, ?branch, ?status). POST records one (in force at once when the district
    admin records it; an office's record waits for approve/); revoke/ takes one back with a reason."""

    serializer_class = VetoEventSerializer

    def get_queryset(self):
        qs = VetoEvent.objects.for_user(self.request.user).order_by("-occurred_on", "-pk")
        query = api_query(self.request, "campaign", "branch", texts=("status",))
        for key in ("campaign", "branch"):
            if query[key] is not None:
                qs = qs.filter(**{f"{key}_id": query[key]})
        if query["status"] in VetoStatus.values:
            qs = qs.filter(status=query["status"])
        return qs

    @extend_schema(request=VetoRecordSerializer, responses={201: VetoEventSerializer})
    def create(self, request):
        v = _body(VetoRecordSerializer, request)
        if not policy.may(request.user, "branch.review", v["branch"]):
            raise not_found()
        event = services.record_veto(request.user, v["campaign"], v["branch"], veto_code=v["veto_code"],
                                     occurred_on=v["occurred_on"], description=v["description"], evidence=v["evidence"])
        return Response(VetoEventSerializer(VetoEvent.objects.get(pk=event.pk)).data, status=status.HTTP_201_CREATED)

    def _confirmer(self):
        event = self.get_object()
        if not policy.may(self.request.user, "branch.district_review", event.branch):
            raise not_found()
        return event

    @extend_schema(request=None, responses=VetoEventSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        event = services.approve_veto(request.user, self._confirmer())
        return Response(VetoEventSerializer(VetoEvent.objects.get(pk=event.pk)).data)

    @extend_schema(request=ReasonSerializer, responses=VetoEventSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        event = self._confirmer()
        v = _body(ReasonSerializer, request)
        services.revoke_veto(request.user, event, v["reason"])
        return Response(VetoEventSerializer(VetoEvent.objects.get(pk=event.pk)).data)


class NoticeSerializer(StrictModelSerializer):
    submissions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PublicNotice
        fields = ["id", "campaign", "title", "starts_on", "ends_on", "working_days", "ends_estimated", "published_at",
                  "closed_at", "hotline", "submissions"]


class NoticeCreateSerializer(serializers.Serializer):
    campaign = CampaignField()
    submissions = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=5000)
    start = serializers.DateField(help_text="YYYY-MM-DD, today or later; the end is computed in working days")
    title = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    hotline = serializers.RegexField(r"^[0-9\-－（）() 、,，转]{5,40}$", required=False, allow_blank=True, default="",
                                     max_length=40, error_messages={"invalid": "请填写电话号码，如 0371-12345678。"})


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """公示: POST {campaign, submissions: [ids], start} publishes one (never backdated; the end is computed on
    the official working-day calendar); close/ names the batch after the end, with every objection ruled on."""

    serializer_class = NoticeSerializer

    def get_queryset(self):
        qs = PublicNotice.objects.for_user(self.request.user).prefetch_related("submissions").order_by("-published_at")
        campaign = api_query(self.request, "campaign")["campaign"]
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer})
    def create(self, request):
        v = _body(NoticeCreateSerializer, request)
        if not policy.may(request.user, "campaign.manage", v["campaign"].unit):
            raise not_found()
        notice = services.publish_notice(request.user, v["campaign"], v["title"], v["start"], v["submissions"],
                                         hotline=v["hotline"])
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AwardSerializer(many=True))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        notice = self.get_object()
        if not policy.may(request.user, "campaign.manage", notice.campaign.unit):
            raise not_found()
        awards = services.close_notice(request.user, notice)
        return Response(AwardSerializer(awards, many=True).data)


class ObjectionSerializer(StrictModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "notice", "submission", "name", "contact", "content", "created_at", "status", "rejection",
                  "outcome", "removed_star_codes", "resolved_at", "corrections"]


class RulingSerializer(serializers.Serializer):
    ruling = serializers.ChoiceField(choices=[c for c in ObjectionStatus.choices if c[0] != ObjectionStatus.OPEN])
    outcome = StrictCharField(max_length=2000, error_messages={"blank": "请填写核查处理情况。"})
    removed_star_codes = code_list(max_items=10, required=False, default=list)
    rejection = serializers.ChoiceField(choices=RejectionGround.choices, required=False, allow_blank=True, default="")
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="",
                             help_text="required to correct an earlier ruling")


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """异议 of the notices the caller manages (objectors' contact details are for them only). resolve/ rules on
    one — or, with a reason, corrects an earlier ruling until the batch is named."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        managed = Campaign.objects.for_user(self.request.user, "manage")
        qs = Objection.objects.filter(notice__campaign__in=managed).order_by("created_at")
        notice = api_query(self.request, "notice")["notice"]
        if notice is not None:
            qs = qs.filter(notice_id=notice)
        return qs

    @extend_schema(request=RulingSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        objection = self.get_object()
        v = _body(RulingSerializer, request)
        reason = v.pop("reason")
        if objection.status == ObjectionStatus.OPEN:
            services.resolve_objection(request.user, objection, **v)
        else:
            services.correct_resolution(request.user, objection, reason=reason, **v)
        return Response(ObjectionSerializer(Objection.objects.get(pk=objection.pk)).data)
