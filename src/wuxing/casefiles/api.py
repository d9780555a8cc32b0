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
from wuxing.casefiles.models import CaseFile, Rectification, ReviewCampaign, SampledFile
from wuxing.evaluation.api import _call


class CaseFileSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    matter_name = serializers.CharField(source="matter.name", read_only=True)

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


class ReviewCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCampaign
        fields = ["id", "unit", "title", "rubric", "closed_from", "closed_to", "plan", "seed", "algorithm", "drawn_at",
                  "status"]


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
            "problems": dict(r["problems"])})

    @extend_schema(request=inline_serializer("Draw", {"seed": serializers.IntegerField()}), responses=dict)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        c = self.get_object()
        if not selectors.is_organiser(request.user, c):
            raise NotFound()
        try:
            seed = int(request.data.get("seed"))
        except (TypeError, ValueError):
            return Response({"seed": ["请提供整数随机种子。"]}, status=400)
        rows = _call(services.draw_sample, request.user, c, seed)
        return Response({"seed": seed, "files": [r.file.file_no for r in rows]})


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
        return self._out(_call(services.open_sheet, request.user, self._sample(request, pk)))

    @extend_schema(request=inline_serializer("SheetSave", {"findings": serializers.ListField(child=serializers.DictField()),
                                                          "version": serializers.IntegerField(required=False),
                                                          "submit": serializers.BooleanField(required=False)}),
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses=dict)
    def update(self, request, pk=None):
        sheet = _call(services.open_sheet, request.user, self._sample(request, pk))
        findings = request.data.get("findings") or []
        if not isinstance(findings, list):
            return Response({"findings": ["应为列表"]}, status=400)
        _call(services.save_findings, request.user, sheet, findings, request.data.get("version"))
        if request.data.get("submit"):
            sheet.refresh_from_db()
            _call(services.submit_sheet, request.user, sheet)
        sheet.refresh_from_db()
        return self._out(sheet)


class RectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rectification
        fields = ["id", "campaign", "unit", "problems", "deadline", "response", "responded_at", "followup", "closed_at"]


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RectificationSerializer

    def get_queryset(self):
        return Rectification.objects.for_user(self.request.user).order_by("pk")

    @extend_schema(request=inline_serializer("Respond", {"text": serializers.CharField()}), responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        rect = _call(services.respond, request.user, self.get_object(), str(request.data.get("text", "")))
        return Response(RectificationSerializer(rect).data)


