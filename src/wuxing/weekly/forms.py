from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.orgs.validators import no_nul


class ReportForm(forms.Form):
    button_fields = ("submit",)  # the "保存并提交" button
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
    submit = forms.BooleanField(required=False)  # the "保存并提交" button
    summary = forms.CharField(label=_("本周工作"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=5000, validators=[no_nul])
    problems = forms.CharField(label=_("问题和困难"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               max_length=3000, validators=[no_nul])
    next_plan = forms.CharField(label=_("下周计划"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                max_length=3000, validators=[no_nul])
    highlights = forms.CharField(label=_("亮点"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                 max_length=3000, validators=[no_nul])


class ItemForm(forms.Form):
    text = forms.CharField(label=_("工作事项"), max_length=500, required=False, validators=[no_nul])
    task = forms.TypedChoiceField(label=_("对应任务"), required=False, coerce=int, empty_value=None)
    task_done = forms.BooleanField(label=_("任务已完成"), required=False)

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", _("（不关联任务）"))] + [(t.pk, t.title) for t in tasks]


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=20)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（照片、PDF、Office 文档）"))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=1000, validators=[no_nul])


class IssueForm(forms.Form):
    """编号印发 takes a document number for good: the page asks for a tick first."""

    confirmed = forms.BooleanField(label=_("确认编号（文号编定后不能撤回）"),
                                   error_messages={"required": _("文号编定后不能撤回：请先勾选“确认编号”。")})
