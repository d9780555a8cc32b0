"""Input of the messaging pages: one form per action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.messaging.models import ChannelKind
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.search import UnitField
from wuxing.orgs.validators import no_nul


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("同时发送到我的邮箱"), required=False)
    sms = forms.BooleanField(label=_("同时发送短信到我的手机"), required=False)
    digest = forms.BooleanField(label=_("邮件和短信每天汇总一次（下午 5 点），不逐条发送"), required=False)


class ChannelForm(forms.Form):
    unit = UnitField(label=_("单位"), scope="units")
    kind = forms.ChoiceField(label=_("渠道"), choices=[(ChannelKind.WECOM, ChannelKind.WECOM.label),
                                                      (ChannelKind.EMAIL, ChannelKind.EMAIL.label)])
    name = forms.CharField(label=_("名称"), max_length=60, validators=[no_nul],
                           widget=forms.TextInput(attrs={"placeholder": _("如：明湖办事处创建工作群")}))
    address = forms.CharField(label=_("地址"), max_length=500, validators=[no_nul],
                              help_text=_("企业微信群 → 群机器人 → 复制 Webhook 地址；或单位邮箱。"))
    digest = forms.BooleanField(label=_("每日汇总（下午 5 点一条）"), required=False)
    own_unit_only = forms.BooleanField(label=_("只推送本单位的消息，不含下级单位"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()


class ChannelActionForm(forms.Form):
    """Enable, disable, remove or test a channel."""

    action = forms.ChoiceField(choices=[("enable", "enable"), ("disable", "disable"), ("remove", "remove"),
                                        ("test", "test")])
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "remove" and not data.get("confirmed"):
            raise forms.ValidationError(_("删除不可恢复：请先勾选“确认删除”。"))
        return data
