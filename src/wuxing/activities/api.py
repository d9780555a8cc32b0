"""Activities API: records, the brief of a record, and parsing pasted briefs (no record is written)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.activities import briefs, services
from wuxing.activities.models import Activity
from wuxing.activities.parsing import parse
from wuxing.campaigns.selectors import campaigns_for
from wuxing.core.api import ScopedPrimaryKeyField, StrictCharField, StrictModelSerializer, text_list
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.validators import no_nul


class ActivitySerializer(StrictModelSerializer):
    unit = ScopedPrimaryKeyField(scope=lambda user: OrgUnit.objects.for_user(user))
    documents = text_list(required=False)
    correspondents = text_list(required=False)

    class Meta:
        model = Activity
        fields = ["id", "campaign", "unit", "organiser_name", "type", "title", "on", "at", "place", "host", "attendees",
                  "participants", "participants_count", "documents", "content", "requirements", "reporter",
                  "correspondents", "subtitle", "status"]
        read_only_fields = ["campaign", "status"]


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return Activity.objects.for_user(self.request.user).order_by("-on", "-pk")

    def create(self, request):
        body = ActivitySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = data.pop("unit")
        activity = services.save_activity(request.user, unit, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("Brief", {"text": StrictCharField()}))
    @action(detail=True, methods=["get"])
    def brief(self, request, pk=None):
        a = self.get_object()
        return Response({"text": briefs.render(briefs.of_record(a))})


class ParseSerializer(serializers.Serializer):
    text = StrictCharField(max_length=200_000, validators=[no_nul],
                                 error_messages={"blank": "请提供要识别的文字。", "required": "请提供要识别的文字。",
                                                 "max_length": "文字过长（最多 200,000 字）。"})
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ParseView(APIView):
    """POST {"text": "…", "year": 2026}: the articles found in the text, each with its fields; writes nothing."""

    @extend_schema(request=ParseSerializer, responses=dict)
    def post(self, request):
        body = ParseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text, year = body.validated_data["text"], body.validated_data.get("year")
        if year is None:
            campaign = campaigns_for(request.user).filter(is_active=True).order_by("-year").first()
            year = campaign.year if campaign else None
        units = list(OrgUnit.objects.for_user(request.user).values_list("name", flat=True))
        clean, articles = parse(text, units, year if isinstance(year, int) else None)
        return Response({"clean": clean, "articles": [a.as_json() | {"year": a.year, "subtitle": a.subtitle,
                                                                     "organizer_matched": a.organizer_matched,
                                                                     "participants_count": a.participants_count}
                                                      for a in articles]})
