"""Validators for people and units, with messages in Chinese."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
AREA_CODE_RE = re.compile(r"^\d{12}$")

mobile_validator = RegexValidator(MOBILE_RE, gettext_lazy("请输入 11 位中国大陆手机号码，例如 13800138000。"))
code_validator = RegexValidator(
    CODE_RE, gettext_lazy("单位编码只能包含字母、数字、下划线、点和连字符，以字母或数字开头，最长 32 位。")
)
area_code_validator = RegexValidator(AREA_CODE_RE, gettext_lazy("区划代码应为 12 位数字。"))


def no_nul(value: str) -> None:
    """PostgreSQL cannot store NUL; refuse it everywhere with a clear message."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(gettext_lazy("内容包含不可见的空字符（NUL），请删除后重试。"), code="nul")


def mask_mobile(mobile: str) -> str:
    if not mobile or len(mobile) != 11:
        return mobile
    return f"{mobile[:3]}****{mobile[-4:]}"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese: Django's own Chinese catalogue lacks the plural form
    of this message, so it showed in English beside the other, Chinese, refusals."""

    def get_error_message(self):
        return _("密码太短，至少需要 {n} 个字符。").format(n=self.min_length)

    def get_help_text(self):
        return _("密码至少需要 {n} 个字符。").format(n=self.min_length)


class LettersAndDigitsValidator:
    """Password must mix letters and digits (the common 等保 baseline)."""

    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(_("密码必须同时包含字母和数字。"), code="password_no_mix")

    def get_help_text(self):
        return _("密码必须同时包含字母和数字。")
