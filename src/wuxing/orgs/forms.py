"""Forms of the org pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import ListQuery
from wuxing.core.roles import Kind, Level, Role
from wuxing.orgs.models import OrgUnit, User
from wuxing.orgs.search import UnitField
from wuxing.orgs.validators import area_code_validator, code_validator, mobile_validator, no_nul


def star_choices():
    """Every star code of the loaded standards, named (urban and rural share codes such as pafz). The org
    tree sits below the standards (DESIGN §3), so the star names are read through the app registry."""
    from django.apps import apps

    Star = apps.get_model("standards", "Star")

    seen = {}
    for code, name in Star.objects.order_by("order").values_list("code", "name"):
        seen.setdefault(code, set()).add(name)
    return [(code, " / ".join(sorted(names))) for code, names in seen.items()]


class UnitForm(forms.Form):
    code = forms.CharField(label=_("单位编码"), max_length=32, validators=[code_validator, no_nul])
    name = forms.CharField(label=_("单位名称"), max_length=100, validators=[no_nul])
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("城乡类型"), choices=Kind.choices, required=False,
                             help_text=_("社区固定为城市，村固定为农村。"))
    area_code = forms.CharField(label=_("区划代码"), max_length=12, required=False,
                                validators=[area_code_validator])


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100, validators=[no_nul])
    kind = forms.ChoiceField(label=_("城乡类型"), choices=Kind.choices, required=False)
    area_code = forms.CharField(label=_("区划代码"), max_length=12, required=False,
                                validators=[area_code_validator])
    is_active = forms.BooleanField(label=_("启用"), required=False)
    doc_mark = forms.CharField(label=_("发文机关标志"), max_length=40, required=False, validators=[no_nul],
                               help_text=_("如“中共郑州经开区工委组织部文件”，留空时使用单位名称。"))
    doc_prefix = forms.CharField(label=_("发文字号代字"), max_length=20, required=False, validators=[no_nul],
                                 help_text=_("如“经开组”，发文字号为“经开组〔2026〕12号”；留空时使用单位名称。"))


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[User.username_validator, no_nul])
    real_name = forms.CharField(label=_("姓名"), max_length=50, validators=[no_nul])
    mobile = forms.CharField(label=_("手机号码"), max_length=11, required=False, validators=[mobile_validator])
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitField(label=_("单位"), scope="units")
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("至少 8 位，同时包含字母和数字。"))
    star_codes = forms.MultipleChoiceField(label=_("负责审核的星（仅星级审核员）"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["star_codes"].choices = star_choices()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("用户名已存在。"))
        return username


class UserEditForm(forms.Form):
    real_name = forms.CharField(label=_("姓名"), max_length=50, validators=[no_nul])
    mobile = forms.CharField(label=_("手机号码"), max_length=11, required=False, validators=[mobile_validator])
    is_active = forms.BooleanField(label=_("启用"), required=False)


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitField(label=_("单位"), scope="units")
    star_codes = forms.MultipleChoiceField(label=_("负责审核的星（星级审核员）"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["star_codes"].choices = star_choices()


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput,
                               help_text=_("至少 8 位，同时包含字母和数字。"))


class AssignmentForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("包联领导"), queryset=User.objects.none())
    note = forms.CharField(label=_("备注"), max_length=200, required=False, validators=[no_nul])

    def __init__(self, *args, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders if leaders is not None else User.objects.none()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    confirm = forms.BooleanField(label=_("校验通过后正式导入"), required=False,
                                 help_text=_("不勾选时只校验，不写入任何数据。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        return upload


class UnitSearchQuery(ListQuery):
    """The unit chooser's search: which reach (`scope`), the words typed (`q`), optionally under which unit."""

    scope = forms.ChoiceField(required=False, choices=[(s, s) for s in ("branches", "units", "areas", "worked",
                                                                        "seen_areas", "seen_offices")])
    within = forms.IntegerField(required=False, min_value=1, max_value=2**62)
