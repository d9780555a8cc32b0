"""Standards API: read for every signed-in user, load (POST YAML) for district admins."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from wuxing.core.api import ObjectJSONParser, StrictCharField, StrictModelSerializer
from wuxing.standards import selectors
from wuxing.standards.models import Indicator, Standard, Star, Veto
from wuxing.standards.services import load_standard, may_load


class IndicatorSerializer(StrictModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "text", "evidence_hint", "kind", "max_points", "pass_mark", "required", "order"]


class VetoSerializer(StrictModelSerializer):
    class Meta:
        model = Veto
        fields = ["code", "text", "category", "order"]


class StarSerializer(StrictModelSerializer):
    indicators = IndicatorSerializer(many=True)
    vetoes = VetoSerializer(many=True)

    class Meta:
        model = Star
        fields = ["code", "name", "order", "lead_department", "description", "indicators", "vetoes"]


class StandardSerializer(StrictModelSerializer):
    class Meta:
        model = Standard
        fields = ["id", "code", "version", "title", "applies_to", "effective_year", "prerequisite_star",
                  "capstone_star", "source_sha256", "loaded_at"]


class StandardDetailSerializer(StandardSerializer):
    stars = StarSerializer(many=True)

    class Meta(StandardSerializer.Meta):
        fields = StandardSerializer.Meta.fields + ["description", "stars"]


class StandardUploadSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages={"required": "缺少文件字段 file", "invalid": "缺少文件字段 file"})


class StandardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.standard_full()
        return Standard.objects.all()

    def get_serializer_class(self):
        return StandardDetailSerializer if self.action == "retrieve" else StandardSerializer

    @extend_schema(
        request={"multipart/form-data": StandardUploadSerializer},
        responses={201: StandardDetailSerializer, 200: StandardDetailSerializer,
                   400: inline_serializer("StandardErrors", {"errors": serializers.ListField(child=StrictCharField())})},
    )
    def create(self, request, *args, **kwargs):
        if not may_load(request.user):
            raise NotFound()
        body = StandardUploadSerializer(data=request.data)
        if not body.is_valid():  # answered in the documented shape of this endpoint's errors
            return Response({"errors": [str(e) for errors in body.errors.values() for e in errors]},
                            status=status.HTTP_400_BAD_REQUEST)
        upload = body.validated_data["file"]
        result = load_standard(request.user, upload.read())
        if not result.ok:
            return Response({"errors": [e.format(upload.name) for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        standard = selectors.standard_full().get(pk=result.standard.pk)
        return Response(StandardDetailSerializer(standard).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
