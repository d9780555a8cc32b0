"""Case-file review API: files with their automatic checks, campaigns with results, the draw,
score sheets, rectifications. A reviewed unit sees only its own files and results."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from wuxing.casefiles import selectors, services
from wuxing.casefiles.models import CaseFile, Rectification, ReviewCampaign, SampledFile, ScoreSheet
from wuxing.core import policy
from wuxing.core.api import StrictBooleanField, StrictCharField, StrictModelSerializer, not_found


class CaseFileSerializer(StrictModelSerializer):
    unit_name = StrictCharField(source="unit.name", read_only=True)
    matter_name = StrictCharField(source="matter.name", read_only=True)

    class Meta:
        model = CaseFile
        fields = ["id", "unit", "unit_name", "matter", "matter_name", "file_no", "applicant", "applicant_code", "received",
                  "supplement_notice", "supplement_complete", "accepted", "extension_approved", "extension_notified",
                  "decided", "decision_type", "served", "service_method", "published", "archived", "documents"]


class CaseFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseFileSerializer

    def get_queryset(self):
        return CaseFile.objects.for_user(self.request.user).select_related("unit", "matter").order_by("unit__code", "file_no")

    @extend_schema(responses=inline_serializer("Checks", {"checks": serializers.ListField(child=serializers.DictField())}))
    @action(detail=True, methods=["get"])
    def checks(self, request, pk=None):
        f = self.get_object()
        return Response({"checks": [{"check": s.check, "passed": s.passed, "computation": s.computation}
                                    for s in services.checker().run(services.facts(f))]})


class ReviewCampaignSerializer(StrictModelSerializer):
    class Meta:
        model = ReviewCampaign
        fields = ["id", "unit", "title", "rubric", "closed_from", "closed_to", "plan", "sample_total", "sample_min",
                  "allocation", "arbitration_points", "seed", "algorithm", "drawn_at", "status"]


class DrawSerializer(serializers.Serializer):
    seed = serializers.IntegerField(min_value=0, max_value=10**15,
                                    error_messages={"required": "请提供整数随机种子。", "invalid": "请提供整数随机种子。"})


class ArbitrateSerializer(serializers.Serializer):
    sample = serializers.IntegerField(min_value=1)
    sheet = serializers.IntegerField(min_value=1, help_text="the score sheet that stands")
    reason = StrictCharField(max_length=2000, error_messages={"blank": "请写明仲裁理由。"})


class RectifySerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="today or later")
    confirm_open = serializers.ListField(child=StrictCharField(max_length=120), required=False, default=list,
                                         max_length=1000,
                                         help_text="the names of the units left out while files are unsettled")


class ReviewCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewCampaignSerializer

    def get_queryset(self):
        return ReviewCampaign.objects.for_user(self.request.user).order_by("-pk")

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Per file, per unit and per dimension, as the caller may see them (casefiles.selectors.results_for)."""
        c = self.get_object()
        r = selectors.results_for(request.user, c)
        return Response({
            "seed": c.seed, "algorithm": c.algorithm,
            "files": [{"order": s.order, "unit": s.file.unit.name, "file_no": s.file.file_no,
                       "score": str(sh.score) if sh else None, "band": sh.band if sh else None} for s, sh in r["files"]],
            "units": [{"unit": u, "mean": str(v[0]), "band": v[1], "rank": v[2]} for u, v in r["units"]],
            "problems": dict(r["problems"]), "finished": r["finished"],
            "arbitration": [{"sample": s.pk, "file_no": s.file.file_no, "reasons": reasons,
                             "sheets": [{"id": x.pk, "score": str(x.score), "band": x.band, "vetoed": x.vetoed}
                                        for x in (first, second)]}
                            for s, first, second, reasons in r["arbitration"]] if r["organiser"] else []})

    @extend_schema(request=DrawSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        c = self.get_object()
        if not selectors.is_organiser(request.user, c):
            raise NotFound()
        body = DrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        seed = body.validated_data["seed"]
        rows = services.draw_sample(request.user, c, seed)
        return Response({"seed": seed, "files": [r.file.file_no for r in rows]})

    def _organised(self):
        c = self.get_object()
        if not selectors.is_organiser(self.request.user, c):
            raise NotFound()
        return c

    @extend_schema(request=ArbitrateSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def arbitrate(self, request, pk=None):
        """仲裁: which of a file's two diverging sheets stands, with the reason."""
        c = self._organised()
        body = ArbitrateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        sample = SampledFile.objects.filter(campaign=c, pk=v["sample"]).first()
        sheet = ScoreSheet.objects.filter(sample=sample, pk=v["sheet"]).first() if sample else None
        if sheet is None:
            raise NotFound()
        decision = services.arbitrate(request.user, sample, sheet, v["reason"])
        return Response({"sample": sample.pk, "sheet": decision.sheet_id, "score": str(sheet.score), "band": sheet.band})

    @extend_schema(request=RectifySerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        """下发整改通知 (deadline today or later; units left out while files are unsettled must be confirmed)."""
        c = self._organised()
        body = RectifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.issue_rectifications(request.user, c, body.validated_data["deadline"],
                                             confirm_open=body.validated_data["confirm_open"])
        return Response({"rectifications": [{"id": x.pk, "unit": x.unit.name} for x in made]})


class FindingSerializer(serializers.Serializer):
    """One finding of a score sheet; the page's SheetForm yields the same dicts."""

    item_code = StrictCharField(max_length=40)
    occurrences = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    page_ref = StrictCharField(max_length=40, allow_blank=True, required=False, default="")
    note = StrictCharField(max_length=2000, allow_blank=True, required=False)
    waived = StrictBooleanField(required=False, default=False)
    waived_reason = StrictCharField(max_length=500, allow_blank=True, required=False, default="")
    source = serializers.ChoiceField(choices=["manual", "auto"], required=False, default="manual")


class SheetSaveSerializer(serializers.Serializer):
    findings = serializers.ListField(child=FindingSerializer(), max_length=500, required=False, default=list)
    version = serializers.IntegerField(required=False, min_value=0)
    submit = StrictBooleanField(required=False, default=False)


class RespondSerializer(serializers.Serializer):
    text = StrictCharField(max_length=10000)


class SheetView(viewsets.ViewSet):
    """GET/PUT the caller's score sheet for a sampled file (reviewers only); the id is the sampled file's."""

    lookup_value_regex = r"\d+"

    def _sample(self, request, pk):
        sample = get_object_or_404(SampledFile.objects.select_related("campaign", "file__unit"), pk=pk)
        if not services.may_review(request.user, sample):
            raise NotFound()
        return sample

    def _out(self, sheet):
        result = services.score_of(sheet)
        return Response({"id": sheet.pk, "status": sheet.status, "version": sheet.version, "score": str(result.score),
                         "band": result.band, "findings": [
                             {"item_code": f.item_code, "occurrences": f.occurrences, "page_ref": f.page_ref, "note": f.note,
                              "source": f.source, "computation": f.computation, "waived_reason": f.waived_reason}
                             for f in sheet.findings.all()]})

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses=dict)
    def retrieve(self, request, pk=None):
        return self._out(services.open_sheet(request.user, self._sample(request, pk)))

    @extend_schema(request=SheetSaveSerializer, parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
                   responses=dict)
    def update(self, request, pk=None):
        sheet = services.open_sheet(request.user, self._sample(request, pk))
        body = SheetSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        services.save_findings(request.user, sheet, [dict(f) for f in v["findings"]], v.get("version"))
        if v["submit"]:
            sheet.refresh_from_db()
            services.submit_sheet(request.user, sheet)
        sheet.refresh_from_db()
        return self._out(sheet)


class RectificationSerializer(StrictModelSerializer):
    class Meta:
        model = Rectification
        fields = ["id", "campaign", "unit", "problems", "deadline", "response", "responded_at", "followup", "closed_at"]


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RectificationSerializer

    def get_queryset(self):
        return Rectification.objects.for_user(self.request.user).order_by("pk")

    @extend_schema(request=RespondSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        rect = self.get_object()
        if not policy.may(request.user, "casefile.answer", rect.unit):
            raise not_found()  # authorise before reading the body: outsiders learn nothing
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rect = services.respond(request.user, rect, body.validated_data["text"])
        return Response(RectificationSerializer(rect).data)



