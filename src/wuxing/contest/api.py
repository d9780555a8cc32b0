"""Competition API: dashboards (the same datasets as the pages), rankings, flags, pairings,
highlights, rewards and penalties, contests with results — scoped like the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.campaigns.api import BranchField, CampaignField
from wuxing.campaigns.selectors import campaign_or_404
from wuxing.contest import selectors, services
from wuxing.contest.models import Contest, FlagAward, FlagKind, Highlight, Pairing, Sanction
from wuxing.core import policy
from wuxing.core.api import (
    StrictCharField,
    StrictModelSerializer,
    code_list,
    not_found,
)
from wuxing.core.forms import api_query
from wuxing.core.roles import Level
from wuxing.orgs.models import OrgUnit
from wuxing.rollups import selectors as rollups
from wuxing.rollups.caching import cached_json

CAMPAIGN = OpenApiParameter("campaign", int, required=True)


AREA = ("campaign", "unit", "office", "page", "page_size")


def _campaign(request):
    value = api_query(request, *AREA)["campaign"]
    if value is None:
        raise ValidationError({"campaign": "必填（整数）"})
    return campaign_or_404(request.user, value)


def _datasets(datasets):
    return [{"key": d.key, "title": d.title, "headers": d.headers, "rows": d.rows} for d in datasets]


class DashboardView(APIView):
    """The numbers behind a dashboard: `?campaign=` for the campaign's area (or `unit=` for a city, county
    or district inside it), add `office=` for one office."""

    @extend_schema(parameters=[CAMPAIGN, OpenApiParameter("unit", int), OpenApiParameter("office", int)],
                   responses=dict)
    def get(self, request):
        campaign = _campaign(request)
        query = api_query(request, *AREA)
        office_id = query["office"]
        if office_id is not None:
            office = get_object_or_404(OrgUnit.objects.for_user(request.user).filter(level=Level.OFFICE), pk=office_id)

            def office_data():
                datasets, summary = selectors.office_dashboard(request.user, campaign, office)
                flag = summary["flag"]
                return {"office": office.pk, "flag": {"won": flag.won, "reasons": [str(r) for r in flag.reasons]},
                        "datasets": _datasets(datasets)}

            return cached_json(request, campaign, office, "api-office", office_data)
        root = rollups.area(request.user, campaign, query["unit"])

        def data():
            datasets, summary = selectors.district_dashboard(request.user, campaign, root)
            return {"campaign": campaign.pk, "unit": root.pk, "branches": summary["branches"],
                    "named": summary["named"], "datasets": _datasets(datasets)}

        # The same numbers as the pages, cached the same way (under the rollups' stamp).
        return cached_json(request, campaign, root, "api-dash", data)


class RankingView(APIView):
    """Branches by level, stars, plan progress (one page, `page` and `page_size` ≤ 1000); the offices of the
    area with their flag result and its reasons (the first `page_size`)."""

    @extend_schema(parameters=[CAMPAIGN, OpenApiParameter("unit", int), OpenApiParameter("page", int),
                               OpenApiParameter("page_size", int)], responses=dict)
    def get(self, request):
        campaign = _campaign(request)
        query = api_query(request, *AREA)
        root = rollups.area(request.user, campaign, query["unit"])
        size = min(query["page_size"], 1000) if query["page_size"] else 100
        page = query["page"] or 1

        def data():
            ranked, total, number, pages = rollups.ranking_page(request.user, campaign, root, page=page, per_page=size)
            office_rows = rollups.office_ranking(request.user, campaign, root, size)
            return {
                "unit": root.pk, "count": total, "page": number, "pages": pages,
                "branches": [{"rank": r, "id": s.branch_id, "name": s.branch.name, "office": s.office_id,
                              "level": s.level, "stars": list(s.star_codes), "named": s.named,
                              "progress": float(s.progress)} for r, s in ranked],
                "offices": [{"id": o.pk, "name": o.name, "flag": f.won, "at_or_above": f.at_or_above, "total": f.total,
                             "zeros": f.zeros, "reasons": [str(r) for r in f.reasons]}
                            for o, _n, _p3, _p4, f in office_rows]}

        # Like the ranking page, cached under the rollups' stamp (the office ranking is a sort of every office).
        return cached_json(request, campaign, root, "api-rank", data)


class PairingSerializer(StrictModelSerializer):
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
        campaign = campaign_or_404(request.user, v["campaign"].pk)
        p = services.create_pairing(request.user, campaign, v["mentor"], list(v["mentees"]), v["goals"])
        return Response(PairingSerializer(p).data, status=status.HTTP_201_CREATED)


class HighlightSerializer(StrictModelSerializer):
    campaign = CampaignField()
    branch = BranchField()
    star_codes = code_list(required=False)
    indicator_codes = code_list(required=False)

    class Meta:
        model = Highlight
        fields = ["id", "campaign", "branch", "title", "story", "star_codes", "indicator_codes", "featured", "created_at"]
        read_only_fields = ["featured"]


class HighlightViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = HighlightSerializer

    def get_queryset(self):
        return Highlight.objects.for_user(self.request.user).order_by("-featured", "-pk")

    def create(self, request):
        body = HighlightSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        h = services.create_highlight(request.user, v["campaign"], v["branch"], title=v["title"], story=v["story"],
                  star_codes=v.get("star_codes", []), indicator_codes=v.get("indicator_codes", []))
        return Response(HighlightSerializer(h).data, status=status.HTTP_201_CREATED)


class SanctionSerializer(StrictModelSerializer):
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
        campaign = campaign_or_404(request.user, v["campaign"].pk)
        unit = get_object_or_404(OrgUnit.objects.for_user(request.user), pk=v["unit"].pk)
        s = services.record_sanction(request.user, campaign, kind=v["kind"], unit=unit, reason=v["reason"],
                  decided_on=v["decided_on"], person=v.get("person", ""), amount=v.get("amount"), note=v.get("note", ""))
        return Response(SanctionSerializer(s).data, status=status.HTTP_201_CREATED)


class ContestSerializer(StrictModelSerializer):
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


class FlagAwardSerializer(StrictModelSerializer):
    class Meta:
        model = FlagAward
        fields = ["id", "campaign", "office", "kind", "period", "inputs", "note", "conferred_at", "revoked_at",
                  "revoke_reason"]


class ConferSerializer(serializers.Serializer):
    campaign = CampaignField()
    office = serializers.IntegerField(min_value=1)
    period = StrictCharField(max_length=8, help_text="the year (2026) or a quarter (2026-Q3), per the campaign")
    kind = serializers.ChoiceField(choices=FlagKind.choices, default=FlagKind.FLAG)
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class RevokeSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000, error_messages={"blank": "撤销时请写明理由。"})


class FlagAwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """授旗 and 三级争创 nominations (?campaign, ?period). POST confers one for an office and period (the
    inputs frozen as they are now); revoke/ takes it back with a reason."""

    serializer_class = FlagAwardSerializer

    def get_queryset(self):
        qs = FlagAward.objects.for_user(self.request.user).order_by("-conferred_at")
        query = api_query(self.request, "campaign", texts=("period",))
        if query["campaign"] is not None:
            qs = qs.filter(campaign_id=query["campaign"])
        if query["period"]:
            qs = qs.filter(period=query["period"])
        return qs

    @extend_schema(request=ConferSerializer, responses={201: FlagAwardSerializer})
    def create(self, request):
        body = ConferSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        if not policy.may(request.user, "campaign.manage", v["campaign"].unit):
            raise not_found()
        office = OrgUnit.objects.for_user(request.user).filter(level=Level.OFFICE, pk=v["office"]).first()
        if office is None:
            raise not_found()
        award = services.confer_flag(request.user, v["campaign"], office, v["period"], v["kind"], v["note"])
        return Response(FlagAwardSerializer(award).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses=FlagAwardSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        award = self.get_object()
        if not policy.may(request.user, "campaign.manage", award.campaign.unit):
            raise not_found()
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.revoke_flag(request.user, award, body.validated_data["reason"])
        return Response(FlagAwardSerializer(FlagAward.objects.get(pk=award.pk)).data)
