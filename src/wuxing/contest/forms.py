from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.contest.models import ContestKind, SanctionKind
from wuxing.core.forms import ListQuery, choice_query
from wuxing.core.roles import Kind
from wuxing.orgs.search import UnitField, UnitsField
from wuxing.orgs.validators import no_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PairingForm(forms.Form):
    mentor = UnitField(label=_("帮带支部（如五星支部）"))
    mentees = UnitsField(label=_("结对支部"))
    goals = forms.CharField(label=_("结对目标"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                            validators=[no_nul])

    def __init__(self, *args, branches=None, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("mentor", "mentees"):
            self.fields[name].queryset = branches
            self.fields[name].widget.within = within


class ActivityForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    content = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                              validators=[no_nul])


class HighlightForm(forms.Form):
    branch = UnitField(label=_("支部"), scope="worked")
    title = forms.CharField(label=_("标题"), max_length=120, validators=[no_nul])
    story = forms.CharField(label=_("事迹"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000,
                            validators=[no_nul])
    star_codes = forms.MultipleChoiceField(label=_("相关的星"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, branches=None, stars=(), within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["branch"].widget.within = within
        self.fields["star_codes"].choices = stars


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("照片"))


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=SanctionKind.choices)
    unit = UnitField(label=_("单位"), scope="units")
    person = forms.CharField(label=_("个人（可空）"), max_length=50, required=False, validators=[no_nul])
    reason = forms.CharField(label=_("事由"), max_length=300, validators=[no_nul])
    decided_on = forms.DateField(label=_("日期"), widget=DATE)
    amount = forms.DecimalField(label=_("金额（元，可空）"), required=False, min_value=0, max_digits=10, decimal_places=2)
    note = forms.CharField(label=_("备注"), max_length=300, required=False, validators=[no_nul])

    def __init__(self, *args, units=None, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.within = within


class ContestForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ContestKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120, validators=[no_nul])
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    drop_extremes = forms.BooleanField(label=_("去掉一个最高分和一个最低分"), required=False, initial=True)
    criteria = forms.CharField(label=_("评分项（每行：名称 分值）"), widget=forms.Textarea(attrs={"rows": 4}),
                               initial="内容 40\n语言表达 30\n整体印象 20\n时间控制 10", validators=[no_nul])
    judges = forms.CharField(label=_("评委（每行一位）"), widget=forms.Textarea(attrs={"rows": 4}), validators=[no_nul])
    entries = UnitsField(label=_("参赛支部"))

    def __init__(self, *args, branches=None, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = branches
        self.fields["entries"].widget.within = within

    def clean_criteria(self):
        from decimal import Decimal, InvalidOperation

        out = []
        for n, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            name, _sep, points = line.rpartition(" ")
            try:
                value = Decimal(points)
            except InvalidOperation:
                raise forms.ValidationError(_("第 {n} 行应为“名称 分值”，例如“内容 40”。").format(n=n)) from None
            # Criterion.max_points holds up to 9999.99 (max_digits 6, two decimal places).
            if not value.is_finite() or not 0 < value <= Decimal("9999.99") or value != value.quantize(Decimal("0.01")):
                raise forms.ValidationError(_("第 {n} 行的分值应在 0.01 到 9999.99 之间（最多两位小数）。").format(n=n))
            out.append((name.strip() or line, value))
        if not out:
            raise forms.ValidationError(_("请至少填写一个评分项。"))
        return out

    def clean_judges(self):
        judges = [line.strip() for line in self.cleaned_data["judges"].splitlines() if line.strip()]
        if not judges:
            raise forms.ValidationError(_("请至少填写一位评委。"))
        return judges


class ScoreGridForm(forms.Form):
    """A judge's score sheet: `s_<entry>_<criterion>` per cell, each a short text the service checks as a score."""

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        for entry, criterion in cells:
            self.fields[f"s_{entry}_{criterion}"] = forms.CharField(required=False, max_length=12, validators=[no_nul])

    def scores(self) -> dict[tuple[int, int], str]:
        return {(e, c): self.cleaned_data[f"s_{e}_{c}"].strip() for e, c in self.cells}


class DashboardQuery(ListQuery):
    """A dashboard's query string: the area (`unit`) and, for an export, the dataset's key."""

    export = forms.CharField(required=False, max_length=40)


class RankingQuery(ListQuery):
    """The rankings' query string: area, office, urban/rural, which table to export, page."""

    office = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(Kind.choices))
    table = forms.ChoiceField(required=False, choices=[("", ""), ("offices", "offices")])
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)


SanctionQuery = choice_query(kind=SanctionKind.choices)



class FlagQuery(ListQuery):
    """The flags page opens on one period of the campaign (`period`, default the latest begun)."""

    period = forms.CharField(required=False, max_length=8)


class ConferForm(forms.Form):
    office = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(max_length=8, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=[("flag", _("授旗")), ("nomination", _("推荐参加上级争创"))],
                             widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), max_length=300, required=False, validators=[no_nul])


class FlagRevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=2000, validators=[no_nul],
                             error_messages={"required": _("撤销时请写明理由。")})
