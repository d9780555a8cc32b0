"""Credentials end together: a password change or reset, or deactivation, revokes every API token of
the user (sessions end by themselves: Django ties each to the password hash, and an inactive user's
session no longer authenticates)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def revoke_tokens(user) -> int:
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).delete()[0]


class GuardedTokenAuthentication(TokenAuthentication):
    """A token of a user who must still replace an administrator-set password is refused (403) until the
    password is changed on the site."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if getattr(user, "must_change_password", False):
            raise exceptions.PermissionDenied(_("请先登录网站修改管理员设置的初始密码，再使用接口。"))
        return user, token
