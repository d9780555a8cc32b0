from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import ListQuery, MultipleFileField
from wuxing.orgs.validators import no_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120, validators=[no_nul])
    rubric = forms.ModelChoiceField(label=_("评查标准"), queryset=None)
    units = forms.ModelMultipleChoiceField(label=_("被评查单位"), queryset=None, widget=forms.CheckboxSelectMultiple)
    closed_from = forms.DateField(label=_("办结日期起"), widget=DATE)
    closed_to = forms.DateField(label=_("办结日期止"), widget=DATE)
    total = forms.IntegerField(label=_("抽取总份数（按各单位案卷数比例分配）"), min_value=1, required=False,
                               help_text=_("例如 25 份分到 10 个单位：按最大余数法分配，每个有案卷的单位至少抽最少份数。"))
    count = forms.IntegerField(label=_("或每个单位抽取份数"), min_value=0, required=False)
    percent = forms.DecimalField(label=_("或按比例（%）"), min_value=0, max_value=100, required=False)
    per_unit = forms.CharField(label=_("或逐个单位填写份数"), required=False, max_length=5000, validators=[no_nul],
                               widget=forms.Textarea(attrs={"rows": 3, "placeholder": "JKA01 3\nJKA02 2"}),
                               help_text=_("每行一个单位：单位编码、空格、份数。"))
    minimum = forms.IntegerField(label=_("每个单位最少份数"), min_value=0, initial=1)
    arbitration_points = forms.DecimalField(label=_("复核分差仲裁线（分）"), min_value=0, max_value=100, initial=10,
                                            decimal_places=1, help_text=_("两份评查表分差超过此值、等次不同或仅一方否决时，交组织者仲裁。"))

    def __init__(self, *args, rubrics=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        self.fields["units"].queryset = units

    def clean(self):
        data = super().clean()
        given = [k for k in ("total", "count", "percent", "per_unit") if data.get(k) not in (None, "")]
        if not given:
            raise forms.ValidationError(_("请填写抽样方案：总份数、每单位份数、比例或逐个单位的份数，四选一。"))
        if len(given) > 1:
            raise forms.ValidationError(_("抽样方案只能选一种：总份数、每单位份数、比例或逐个单位的份数。"))
        if data.get("per_unit"):
            counts = {}
            for n, line in enumerate(data["per_unit"].splitlines(), start=1):
                if not line.strip():
                    continue
                parts = line.split()
                if len(parts) != 2 or not parts[1].isdigit():
                    raise forms.ValidationError(_("逐个单位的份数第 {n} 行应为“单位编码 份数”。").format(n=n))
                counts[parts[0]] = int(parts[1])
            data["counts"] = counts
        return data

    def plan(self) -> dict:
        """The per-unit plan for the service ({} when the plan is a total)."""
        d = self.cleaned_data
        if d.get("counts"):
            return {code: {"count": n, "min": 0} for code, n in d["counts"].items()}
        if d.get("count") is not None:
            return {u.code: {"count": d["count"], "min": d["minimum"]} for u in d["units"]}
        if d.get("percent") is not None:
            return {u.code: {"percent": str(d["percent"]), "min": d["minimum"]} for u in d["units"]}
        return {}


class DrawForm(forms.Form):
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=10**15,
                              help_text=_("公开的数字（例如抽取当天的日期 20261126）；同一种子可复现同一抽取结果。"))


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    holidays = forms.CharField(label=_("放假日期（每行一个，YYYY-MM-DD）"), widget=forms.Textarea(attrs={"rows": 6}))
    workdays = forms.CharField(label=_("调休上班日期（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def _dates(self, field):
        import datetime as dt

        out = []
        for line in self.cleaned_data[field].split():
            try:
                out.append(dt.date.fromisoformat(line.strip()))
            except ValueError:
                raise forms.ValidationError(_("“{v}”不是 YYYY-MM-DD 格式的日期。").format(v=line)) from None
        return out

    def clean_holidays(self):
        return self._dates("holidays")

    def clean_workdays(self):
        return self._dates("workdays")


class WorkdayForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("截止日期（计算工作日数）"), widget=DATE, required=False)
    n = forms.IntegerField(label=_("或：往后第几个工作日"), min_value=1, max_value=1000, required=False)


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000, validators=[no_nul])


class PoolForm(forms.Form):
    """Add a reviewer to the pool; their home agency is read from their role grants, never chosen here."""

    user = forms.ModelChoiceField(label=_("评查员"), queryset=None,
                                  error_messages={"invalid_choice": _("不是本次评查范围内的评查员。")})

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class SecondReviewForm(forms.Form):
    sample = forms.ModelChoiceField(label=_("案卷"), queryset=None)

    def __init__(self, *args, samples=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample"].queryset = samples


class CausesForm(forms.Form):
    text = forms.CharField(label=_("原因分析"), max_length=10000, required=False, validators=[no_nul])


class RectifyForm(forms.Form):
    deadline = forms.DateField(label=_("整改期限"), widget=DATE,
                               error_messages={"required": _("请填写有效的整改期限。"),
                                               "invalid": _("请填写有效的整改期限。")})
    # The units left out while some of their files are not settled: each ticked to confirm.
    confirm_open = forms.MultipleChoiceField(label=_("确认这些单位本次不下发整改通知"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, open_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_open"].choices = [(u, u) for u in open_units]


class ArbitrateForm(forms.Form):
    sample = forms.IntegerField(widget=forms.HiddenInput)
    sheet = forms.IntegerField(label=_("采用的评查表"), error_messages={"required": _("请选择采用哪一份评查表。")})
    reason = forms.CharField(label=_("仲裁理由"), max_length=2000, validators=[no_nul],
                             error_messages={"required": _("请写明仲裁理由。")})


class SheetForm(forms.Form):
    """A score sheet on the page: per rubric item `n_<code>` (occurrences; empty or 0: no finding), `p_` (page),
    `t_` (note), `w_` (waived), `r_` (why not deducted), `s_` (manual or auto). `findings()` gives the same dicts
    the API's FindingSerializer does."""

    version = forms.IntegerField(required=False, min_value=0, max_value=2**31, widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [it.code for s in rubric.sections.prefetch_related("items") for it in s.items.all()]
        for code in self.codes:
            self.fields[f"n_{code}"] = forms.IntegerField(required=False, min_value=0, max_value=1000)
            self.fields[f"p_{code}"] = forms.CharField(required=False, max_length=40, validators=[no_nul])
            self.fields[f"t_{code}"] = forms.CharField(required=False, max_length=2000, validators=[no_nul])
            self.fields[f"w_{code}"] = forms.BooleanField(required=False)
            self.fields[f"r_{code}"] = forms.CharField(required=False, max_length=500, validators=[no_nul])
            self.fields[f"s_{code}"] = forms.ChoiceField(required=False, choices=[("manual", "manual"), ("auto", "auto")])

    def findings(self) -> list[dict]:
        d = self.cleaned_data
        return [{"item_code": code, "occurrences": d[f"n_{code}"], "page_ref": d[f"p_{code}"], "note": d[f"t_{code}"],
                 "waived": d[f"w_{code}"], "waived_reason": d[f"r_{code}"], "source": d[f"s_{code}"] or "manual"}
                for code in self.codes if d[f"n_{code}"]]


class RectificationForm(forms.Form):
    action = forms.ChoiceField(choices=[("respond", "respond"), ("close", "close")])
    text = forms.CharField(max_length=10000, validators=[no_nul], error_messages={"required": _("请填写内容。")})


class ScanForm(forms.Form):
    """Scanned pages of one case file: PDFs or images, several at once, appended in the order chosen."""

    file = MultipleFileField(label=_("扫描件（PDF 或 JPG、PNG 图片，可一次选多个，按所选顺序排页）"),
                             error_messages={"required": _("请选择要上传的扫描件。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["file"].widget.attrs.update({"accept": ".pdf,.jpg,.jpeg,.png", "data-max-bytes": settings.SCAN_MAX_BYTES,
                                                 "data-max-files": 100})


class ScanZipForm(forms.Form):
    file = forms.FileField(label=_("压缩包（zip）"), error_messages={"required": _("请选择要上传的压缩包。")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".zip"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["file"].widget.attrs.update({"data-max-bytes": settings.SCAN_MAX_ZIP_BYTES, "data-max-files": 1})


class DateDecisionForm(forms.Form):
    """A person's decision on a date OCR proposed (services.decide_date says what each means)."""

    decision = forms.ChoiceField(choices=[("confirm", _("确认")), ("correct", _("更正")), ("reject", _("不采用"))])
    value = forms.DateField(label=_("日期"), required=False, widget=DATE)
    page = forms.IntegerField(label=_("页码"), required=False, min_value=1, max_value=100_000)


class PageQuery(ListQuery):
    """?page=N of the page viewer: a page of the dossier, not of a list."""

    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
