"""Competition API: dashboards (the same datasets as the pages), rankings, flags, pairings,
highlights, rewards and penalties, contests with results — scoped like the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.contest import metrics, selectors, services
from wuxing.contest.models import Contest, Highlight, Pairing, Sanction
from wuxing.creation.selectors import campaigns_for
from wuxing.evaluation.api import _call
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.roles import Level

CAMPAIGN = OpenApiParameter("campaign", int, required=True)


def _campaign(request):
    value = request.query_params.get("campaign", "")
    if not value.isdigit():
        raise ValidationError({"campaign": "必填（整数）"})
    return get_object_or_404(campaigns_for(request.user), pk=value)


def _datasets(datasets):
    return [{"key": d.key, "title": d.title, "headers": d.headers, "rows": d.rows} for d in datasets]


class DashboardView(APIView):
    """The numbers behind a dashboard: `?campaign=` for the district, add `office=` for one office."""

    @extend_schema(parameters=[CAMPAIGN, OpenApiParameter("office", int)], responses=dict)
    def get(self, request):
        campaign = _campaign(request)
        office_id = request.query_params.get("office", "")
        if office_id.isdigit():
            office = get_object_or_404(OrgUnit.objects.for_user(request.user).filter(level=Level.OFFICE), pk=office_id)
            datasets, summary = selectors.office_dashboard(request.user, campaign, office)
            flag = summary["flag"]
            return Response({"office": office.pk, "flag": {"won": flag.won, "reasons": flag.reasons},
                             "datasets": _datasets(datasets)})
        datasets, summary = selectors.district_dashboard(request.user, campaign)
        return Response({"campaign": campaign.pk, "branches": summary["branches"], "named": summary["named"],
                         "datasets": _datasets(datasets)})


class RankingView(APIView):
    """Branches by level, stars, plan progress; offices with their flag result and its reasons."""

    @extend_schema(parameters=[CAMPAIGN], responses=dict)
    def get(self, request):
        campaign = _campaign(request)
        rows = metrics.branch_metrics(request.user, campaign)
        offices = selectors.offices_in(request.user, campaign)
        flags = selectors.office_flags(campaign, offices, metrics.by_office(rows))
        return Response({
            "branches": [{"rank": r, "id": m.branch.pk, "name": m.branch.name, "office": m.office.pk if m.office else None,
                          "level": m.level, "stars": list(m.stars), "named": m.named, "progress": m.progress}
                         for r, m in metrics.rank_branches(rows)],
            "offices": [{"id": o.pk, "name": o.name, "flag": flags[o.pk].won, "at_or_above": flags[o.pk].at_or_above,
                         "total": flags[o.pk].total, "zeros": flags[o.pk].zeros, "reasons": flags[o.pk].reasons}
                        for o in offices]})


class PairingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pairing
        fields = ["id", "campaign", "mentor", "mentees", "goals", "created_at"]


class PairingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = PairingSerializer

    def get_queryset(self):
        return Pairing.objects.for_user(self.request.user).prefetch_related("mentees").order_by("pk")

    def create(self, request):
        body = PairingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        campaign = get_object_or_404(campaigns_for(request.user), pk=v["campaign"].pk)
        p = _call(services.create_pairing, request.user, campaign, v["mentor"], list(v["mentees"]), v["goals"])
        return Response(PairingSerializer(p).data, status=status.HTTP_201_CREATED)


class HighlightSerializer(serializers.ModelSerializer):
    class Meta:
        model = Highlight
        fields = ["id", "campaign", "branch", "title", "story", "star_codes", "indicator_codes", "featured", "created_at"]
        read_only_fields = ["featured"]


class HighlightViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = HighlightSerializer

    def get_queryset(self):
        return Highlight.objects.for_user(self.request.user).order_by("-featured", "-pk")

    def create(self, request):
        body = HighlightSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        campaign = get_object_or_404(campaigns_for(request.user), pk=v["campaign"].pk)
        branch = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=v["branch"].pk)
        h = _call(services.create_highlight, request.user, campaign, branch, title=v["title"], story=v["story"],
                  star_codes=v.get("star_codes", []), indicator_codes=v.get("indicator_codes", []))
        return Response(HighlightSerializer(h).data, status=status.HTTP_201_CREATED)


class SanctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sanction
        fields = ["id", "campaign", "kind", "unit", "person", "reason", "decided_on", "amount", "note"]


class SanctionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = SanctionSerializer

    def get_queryset(self):
        return Sanction.objects.for_user(self.request.user).order_by("-decided_on", "-pk")

    def create(self, request):
        body = SanctionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        campaign = get_object_or_404(campaigns_for(request.user), pk=v["campaign"].pk)
        unit = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=v["unit"].pk)
        s = _call(services.record_sanction, request.user, campaign, kind=v["kind"], unit=unit, reason=v["reason"],
                  decided_on=v["decided_on"], person=v.get("person", ""), amount=v.get("amount"), note=v.get("note", ""))
        return Response(SanctionSerializer(s).data, status=status.HTTP_201_CREATED)


class ContestSerializer(serializers.ModelSerializer):
    results = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = ["id", "campaign", "unit", "kind", "title", "held_on", "drop_extremes", "results"]

    def get_results(self, obj) -> list[dict]:
        return [{"rank": r.rank, "branch": e.branch_id, "final": str(r.final),
                 "judge_totals": [str(x) for x in r.judge_totals], "dropped": [str(x) for x in r.dropped]}
                for r, e in services.contest_results(obj)]


class ContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ContestSerializer

    def get_queryset(self):
        return Contest.objects.for_user(self.request.user).order_by("-held_on", "-pk")
