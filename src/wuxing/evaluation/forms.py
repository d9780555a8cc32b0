from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import LongSelect
from wuxing.evaluation.models import RemovalCategory
from wuxing.orgs.validators import no_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvidenceForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("指标"))
    file = forms.FileField(label=_("文件（PDF、Office 文档或图片）"))
    description = forms.CharField(label=_("说明"), max_length=300, required=False, validators=[no_nul])

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None:
            self.fields["indicator_code"].choices = [
                (s.name, [(i.code, f"{i.code} {i.text[:40]}") for i in s.indicators.all()]) for s in standard.stars.all()]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                           validators=[no_nul])


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200, required=False, validators=[no_nul])
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DATE)


class ObjectionForm(forms.Form):
    submission = forms.TypedChoiceField(label=_("针对的支部"), coerce=int, required=False, empty_value=None,
                                        widget=LongSelect)
    name = forms.CharField(label=_("姓名"), max_length=50, validators=[no_nul])
    contact = forms.CharField(label=_("联系方式"), max_length=50, validators=[no_nul],
                              help_text=_("仅用于核实和反馈，不会公开。"))
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                              validators=[no_nul])

    def __init__(self, *args, submissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [("", _("（整体名单）"))] + [(s.pk, s.name) for s in submissions]


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("核查结论"), coerce=lambda v: v == "1",
                                    choices=[("0", _("异议不成立")), ("1", _("异议成立"))])
    outcome = forms.CharField(label=_("核查处理情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                              validators=[no_nul])
    removed_star_codes = forms.MultipleChoiceField(label=_("取消拟命名的星（异议成立时）"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)


class RemovalForm(forms.Form):
    star_code = forms.ChoiceField(label=_("撤销的星"))
    category = forms.ChoiceField(label=_("原因类别"), choices=RemovalCategory.choices)
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                  validators=[no_nul])


class ReinstateForm(forms.Form):
    reason = forms.CharField(label=_("恢复理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             validators=[no_nul])
