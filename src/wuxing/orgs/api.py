"""API views of the org tree and of the caller, on the same selectors as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from wuxing.core.api import StrictCharField, StrictModelSerializer
from wuxing.core.audit import record
from wuxing.core.forms import api_query
from wuxing.orgs import selectors, services
from wuxing.orgs.models import OrgUnit


class UnitSerializer(StrictModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "kind", "parent", "area_code", "depth", "is_active"]


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units the caller may see; any other id answers 404."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        query = api_query(self.request, texts=("q", "level"))
        return selectors.visible_units(self.request.user, q=query["q"][:50], level=query["level"])


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenView(ObtainAuthToken):
    """POST username and password for a token; DELETE (authenticated) revokes the caller's token."""

    throttle_classes = [TokenThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": StrictCharField(),
                                                   "password": StrictCharField()}),
        responses={200: inline_serializer("TokenResponse", {"token": StrictCharField()})},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.must_change_password:
            raise PermissionDenied(_("请先登录网站修改管理员设置的初始密码，再申请接口令牌。"))
        token, _created = Token.objects.get_or_create(user=user)
        record(user, "auth.token.issue", user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        record(request.user, "auth.token.revoke", request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeSerializer(serializers.Serializer):
    old = StrictCharField(max_length=128, trim_whitespace=False, error_messages={"blank": "请填写原密码。"})
    new = StrictCharField(max_length=128, trim_whitespace=False, error_messages={"blank": "请填写新密码。"})


class PasswordView(APIView):
    """POST {"old", "new"}: change one's own password (the site's validators); every API token of the caller,
    this one included, is revoked — sign in again for a new token."""

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        body = PasswordChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_own_password(request.user, body.validated_data["old"], body.validated_data["new"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleSerializer(serializers.Serializer):
    role = StrictCharField()
    role_name = StrictCharField()
    unit = serializers.IntegerField()
    unit_code = StrictCharField()
    unit_name = StrictCharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    real_name = StrictCharField()
    mobile = StrictCharField(help_text="masked")
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)


class MeView(APIView):
    """The caller, their roles and the unit each role covers."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        roles = [
            {"role": g.role, "role_name": str(g.get_role_display()), "unit": g.unit_id, "unit_code": g.unit.code,
             "unit_name": g.unit.name}
            for g in selectors.my_roles(user)
        ]
        return Response(MeSerializer({
            "id": user.pk, "username": user.username, "real_name": user.real_name,
            "mobile": user.masked_mobile, "is_superuser": user.is_superuser, "roles": roles,
        }).data)
