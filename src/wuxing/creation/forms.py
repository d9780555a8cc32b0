"""Forms of annual creation. They parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import ListQuery, choice_query
from wuxing.creation.models import TargetStatus
from wuxing.orgs.validators import no_nul
from wuxing.standards.models import Standard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=100, validators=[no_nul])
    urban_standard = forms.ModelChoiceField(label=_("城市社区标准"), queryset=Standard.objects.filter(applies_to="urban"))
    rural_standard = forms.ModelChoiceField(label=_("农村标准"), queryset=Standard.objects.filter(applies_to="rural"))
    plan_due = forms.DateField(label=_("创建规划截止"), widget=DATE)
    assessment_opens = forms.DateField(label=_("自评开始"), widget=DATE)
    assessment_closes = forms.DateField(label=_("自评截止"), widget=DATE)
    office_review_due = forms.DateField(label=_("初审截止"), widget=DATE)
    district_review_due = forms.DateField(label=_("审核截止"), widget=DATE)
    notice_working_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=1, max_value=30, initial=5)
    flag_min_level = forms.IntegerField(label=_("夺旗：星级线"), min_value=0, max_value=5, initial=3,
                                        help_text=_("达到该星级及以上的支部计入比例。"))
    flag_min_share = forms.DecimalField(label=_("夺旗：达线支部比例"), min_value=0, max_value=1, decimal_places=3,
                                        initial="0.8", help_text=_("0.8 表示 80%。"))
    flag_allow_zero = forms.BooleanField(label=_("夺旗：允许存在零星支部"), required=False)
    flag_period = forms.ChoiceField(label=_("夺旗：授旗周期"), choices=[("year", _("按年度")), ("quarter", _("按季度"))],
                                    initial="year")
    pairing_mentor_level = forms.IntegerField(label=_("结对：帮带支部星级线"), min_value=1, max_value=5, initial=4,
                                              help_text=_("五星带四星：帮带支部至少达到该星级，结对支部星级低于帮带支部。"))
    weekly_from = forms.DateField(label=_("周动态起始日期"), widget=DATE, required=False,
                                  help_text=_("留空表示从年度的 1 月 1 日起。"))
    weekly_due_weekday = forms.TypedChoiceField(label=_("周动态截止：次周星期几"), coerce=int, initial=0, choices=[
        (0, _("星期一")), (1, _("星期二")), (2, _("星期三")), (3, _("星期四")), (4, _("星期五")), (5, _("星期六")),
        (6, _("星期日"))])
    weekly_due_time = forms.TimeField(label=_("周动态截止时间"), initial="12:00",
                                      widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    key_work_tags = forms.CharField(label=_("重点工作标签"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                    help_text=_("每行一个，任务可以标注。"), validators=[no_nul])
    is_active = forms.BooleanField(label=_("进行中"), required=False, initial=True)

    def clean_key_work_tags(self):
        tags = []
        for line in self.cleaned_data["key_work_tags"].splitlines():
            line = line.strip()
            if line and line not in tags:
                if len(line) > 30:
                    raise forms.ValidationError(_("每个标签不超过 30 字。"))
                tags.append(line)
        return tags


class TargetForm(forms.Form):
    star_codes = forms.MultipleChoiceField(label=_("争创的星"), widget=forms.CheckboxSelectMultiple, required=False)
    strengths = forms.CharField(label=_("自身优势"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                max_length=2000, validators=[no_nul])
    achieved = forms.CharField(label=_("已达到的标准"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=2000, validators=[no_nul])
    weaknesses = forms.CharField(label=_("短板弱项"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=2000, validators=[no_nul])
    goal = forms.CharField(label=_("创建目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=2000, validators=[no_nul])
    measures = forms.CharField(label=_("创建措施"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               max_length=4000, validators=[no_nul])

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None:
            self.fields["star_codes"].choices = [(s.code, s.name) for s in standard.stars.all()]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=200, validators=[no_nul])
    # Choosing the star narrows 对应指标 to that star's indicators (wuxing/forms.js; clean() checks it too).
    star_code = forms.ChoiceField(label=_("星"), widget=forms.Select(attrs={"data-narrows": "id_indicator_codes"}))
    indicator_codes = forms.MultipleChoiceField(label=_("对应指标"), required=False,
                                                widget=forms.SelectMultiple(attrs={"size": 6}))
    measures = forms.CharField(label=_("推进措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=4000, validators=[no_nul])
    responsible_name = forms.CharField(label=_("责任人"), max_length=50, required=False, validators=[no_nul],
                                       help_text=_("没有账号的责任人直接填写姓名。"))
    due_date = forms.DateField(label=_("时间节点"), widget=DATE)
    tags = forms.MultipleChoiceField(label=_("重点工作"), required=False, widget=forms.CheckboxSelectMultiple)
    done = forms.BooleanField(label=_("已完成"), required=False)

    def __init__(self, *args, standard=None, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None:
            self.fields["star_code"].choices = [(s.code, s.name) for s in standard.stars.all()]
            self.fields["indicator_codes"].choices = [
                (s.name, [(i.code, f"{i.code} {i.text[:40]}") for i in s.indicators.all()]) for s in standard.stars.all()]
        self.fields["tags"].choices = [(t, t) for t in tags]

    def clean(self):
        data = super().clean()
        if not data.get("responsible_name", "").strip():
            self.add_error("responsible_name", _("请填写责任人。"))
        star = dict(self.fields["star_code"].choices).get(data.get("star_code"))
        groups = {label: {code for code, _text in options} for label, options in self.fields["indicator_codes"].choices}
        stray = [c for c in data.get("indicator_codes", []) if star in groups and c not in groups[star]]
        if stray:
            self.add_error("indicator_codes", _("对应指标须是“{star}”的指标：{codes} 不是。").format(
                star=star, codes="、".join(stray)))
        return data


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("进展"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                           validators=[no_nul])
    done = forms.BooleanField(label=_("任务已完成"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=1000, validators=[no_nul])


class DeleteForm(forms.Form):
    """Deleting cannot be undone: the page asks for a tick first."""

    confirmed = forms.BooleanField(error_messages={"required": _("删除后不能恢复：请先勾选“确认删除”。")})


class CommentForm(forms.Form):
    """批注 on a branch's work (page and API)."""

    text = forms.CharField(label=_("批注"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           validators=[no_nul])


# The office matrix's tabs: a target's status, or no target yet.
MATRIX_TABS = [*TargetStatus.choices, ("none", _("未设定目标"))]
MatrixQuery = choice_query(status=MATRIX_TABS)


class TaskQuery(ListQuery):
    """The new-task page may open on one star (`star`)."""

    star = forms.CharField(required=False, max_length=40)



class RerateForm(forms.Form):
    """更换标准版本: which standard moves to which version; `token` echoes the preview being confirmed."""

    kind = forms.ChoiceField(label=_("标准"), choices=[("urban", _("城市社区标准")), ("rural", _("农村标准"))])
    standard = forms.ModelChoiceField(label=_("新版本"), queryset=Standard.objects.all(),
                                      error_messages={"required": _("请选择新版本。"),
                                                      "invalid_choice": _("所选标准不存在。")})
    token = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
