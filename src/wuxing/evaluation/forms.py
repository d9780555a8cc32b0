import re

from captcha.fields import CaptchaField
from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import ListQuery, LongSelect, MultipleFileField, choice_query
from wuxing.evaluation.models import MANUAL_REMOVAL, ObjectionStatus, RejectionGround, SubmissionStatus
from wuxing.orgs.validators import no_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvidenceForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("指标"))
    file = MultipleFileField(label=_("文件（PDF、Office 文档或图片，可一次选多个）"),
                              error_messages={"required": _("请选择要上传的文件。")})
    description = forms.CharField(label=_("说明"), max_length=300, required=False, validators=[no_nul])

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        # The browser checks count and size before it sends anything (wuxing/upload.js); the server checks again.
        self.fields["file"].widget.attrs.update({
            "data-max-bytes": settings.EVIDENCE_MAX_BYTES, "data-max-files": settings.EVIDENCE_MAX_FILES})
        if standard is not None:
            self.fields["indicator_code"].choices = [
                (s.name, [(i.code, f"{i.code} {i.text[:40]}") for i in s.indicators.all()]) for s in standard.stars.all()]


class EvidenceChangeForm(forms.Form):
    """撤回 or 替换 one ledger file (`action`; none: an upload); withdrawing asks for a tick first."""

    action = forms.ChoiceField(required=False, choices=[("", ""), ("upload", "upload"), ("withdraw", "withdraw"),
                                                        ("replace", "replace")])
    evidence = forms.IntegerField(min_value=1, max_value=2**62)
    file = forms.FileField(required=False, label=_("替换为"))
    confirmed = forms.BooleanField(required=False, label=_("确认撤回"))

    def clean(self):
        data = super().clean()
        if data.get("action") == "withdraw" and not data.get("confirmed"):
            self.add_error("confirmed", _("撤回后该文件不再计入台账：请先勾选“确认撤回”。"))
        if data.get("action") == "replace" and not data.get("file"):
            self.add_error("file", _("请选择用来替换的文件。"))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                           validators=[no_nul])


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200, required=False, validators=[no_nul])
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DATE)
    hotline = forms.RegexField(label=_("监督电话"), max_length=40, required=False, regex=r"^[0-9\-－（）() 、,，转]{5,40}$",
                               error_messages={"invalid": _("请填写电话号码，如 0371-12345678。")},
                               help_text=_("公示页和张贴的二维码海报上显示，群众可来电反映问题。"))


class ObjectionForm(forms.Form):
    submission = forms.TypedChoiceField(label=_("针对的支部"), coerce=int, required=False, empty_value=None,
                                        widget=LongSelect)
    name = forms.CharField(label=_("姓名"), max_length=50, validators=[no_nul])
    contact = forms.CharField(label=_("联系方式（手机号码或电子邮箱）"), max_length=50, validators=[no_nul],
                              help_text=_("仅用于核实和反馈，不会公开。"))
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                              validators=[no_nul])
    captcha = CaptchaField(label=_("验证码"), error_messages={"invalid": _("验证码不正确，请重新输入。"),
                                                             "required": _("请输入验证码。")})

    def clean_contact(self):
        value = self.cleaned_data["contact"].strip()
        if re.fullmatch(r"1[3-9]\d{9}", value.replace(" ", "").replace("-", "")):
            return value
        try:
            validate_email(value)
        except forms.ValidationError:
            raise forms.ValidationError(_("请填写 11 位手机号码或有效的电子邮箱，以便核实和反馈。")) from None
        return value

    def __init__(self, *args, submissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [("", _("（整体名单）"))] + [(s.pk, s.name) for s in submissions]


class ResolveForm(forms.Form):
    """处理异议: a ruling with no default — 成立/部分成立 name the stars removed; 不予受理 gives its ground."""

    ruling = forms.ChoiceField(label=_("处理结论"), choices=[("", _("（请选择）"))] + [
        c for c in ObjectionStatus.choices if c[0] != ObjectionStatus.OPEN], error_messages={
        "required": _("请选择处理结论。")})
    removed_star_codes = forms.MultipleChoiceField(label=_("因此取消拟命名的星（成立或部分成立时必选）"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    rejection = forms.ChoiceField(label=_("不予受理理由"), required=False,
                                  choices=[("", "—")] + RejectionGround.choices)
    outcome = forms.CharField(label=_("核查处理情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                              validators=[no_nul], error_messages={"required": _("请填写核查处理情况。")})

    def __init__(self, *args, stars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed_star_codes"].choices = list(stars)


class CorrectForm(ResolveForm):
    """更正处理结果 (until the batch is named), with the reason for the change."""

    reason = forms.CharField(label=_("更正理由"), max_length=2000, validators=[no_nul],
                             error_messages={"required": _("更正处理结果时请写明理由。")})


class RemovalForm(forms.Form):
    star_code = forms.ChoiceField(label=_("撤销的星"))
    category = forms.ChoiceField(label=_("原因类别"), choices=MANUAL_REMOVAL)
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                  validators=[no_nul])


class ReinstateForm(forms.Form):
    reason = forms.CharField(label=_("恢复理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             validators=[no_nul])


VERSION = forms.IntegerField(required=False, min_value=0, max_value=2**31, widget=forms.HiddenInput)


class SelfAssessmentForm(forms.Form):
    """The self-assessment page (自评): per indicator `v_<code>` (1/0/empty for pass-fail, a score for points)
    and `n_<code>` (a note). `results()` gives the same values the API's SelfResultsSerializer does."""

    version = VERSION

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [i for s in standard.stars.all() for i in s.indicators.all()]
        for ind in self.indicators:
            if ind.kind == "points":
                self.fields[f"v_{ind.code}"] = forms.DecimalField(
                    required=False, min_value=0, max_value=ind.max_points or 0, max_digits=8, decimal_places=2,
                    error_messages={"invalid": _("指标 {code} 的得分应为数字。").format(code=ind.code),
                                    "min_value": _("指标 {code} 的得分应在 0 到 {max} 之间。").format(
                                        code=ind.code, max=ind.max_points),
                                    "max_value": _("指标 {code} 的得分应在 0 到 {max} 之间。").format(
                                        code=ind.code, max=ind.max_points)})
            else:
                self.fields[f"v_{ind.code}"] = forms.TypedChoiceField(
                    required=False, choices=[("", "—"), ("1", _("达标")), ("0", _("未达标"))],
                    coerce=lambda v: v == "1", empty_value=None)
            self.fields[f"n_{ind.code}"] = forms.CharField(required=False, max_length=2000, validators=[no_nul])

    def results(self) -> tuple[dict, dict]:
        d = self.cleaned_data
        values = {i.code: (float(d[f"v_{i.code}"]) if i.kind == "points" and d[f"v_{i.code}"] is not None
                           else d[f"v_{i.code}"]) for i in self.indicators}
        return values, {i.code: d[f"n_{i.code}"] for i in self.indicators}


class ClaimForm(forms.Form):
    claimed = forms.MultipleChoiceField(label=_("申报的星"), widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("请选择要申报的星。")})
    confirm = forms.BooleanField(label=_("我已核对申报摘要，确认申报（申报后不能撤回）"), required=False)

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claimed"].choices = [(s.code, s.name) for s in standard.stars.all()]


class OfficeReviewForm(forms.Form):
    """初审: per indicator `a_<code>` (1 agree / 0 disagree / empty: not judged) and `on_<code>` (the reason)."""

    version = VERSION

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [i.code for s in standard.stars.all() for i in s.indicators.all()]
        for code in self.codes:
            self.fields[f"a_{code}"] = forms.TypedChoiceField(required=False, choices=[("", "—"), ("1", _("同意")),
                                                                                     ("0", _("不同意"))],
                                                              coerce=lambda v: v == "1", empty_value=None)
            self.fields[f"on_{code}"] = forms.CharField(required=False, max_length=2000, validators=[no_nul])

    def judgements(self) -> dict[str, tuple[bool, str]]:
        d = self.cleaned_data
        return {code: (d[f"a_{code}"], d[f"on_{code}"]) for code in self.codes if d[f"a_{code}"] is not None}


class DecideForm(forms.Form):
    """区级审核 of one star."""

    star_code = forms.CharField(max_length=40)
    passed = forms.TypedChoiceField(choices=[("1", _("通过")), ("0", _("不通过"))], coerce=lambda v: v == "1",
                                    error_messages={"required": _("请选择审核结论（通过或不通过）。"),
                                                    "invalid_choice": _("请选择审核结论（通过或不通过）。")})
    note = forms.CharField(required=False, max_length=2000, validators=[no_nul])
    version = VERSION


class QueueQuery(choice_query(status=SubmissionStatus.choices)):
    """The 评星 queue: status, a name search (`q`), one office, one star (its code)."""

    office = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    star = forms.RegexField(required=False, regex=r"^[a-z0-9_-]{1,48}$")


class EvidenceQuery(ListQuery):
    """The ledger page may open on one indicator (`indicator`); a file may be asked for as a download."""

    indicator = forms.CharField(required=False, max_length=40)
    download = forms.BooleanField(required=False)



class VetoForm(forms.Form):
    """登记一票否决事件: which of the standard's veto conditions happened, when, and the proof."""

    veto_code = forms.ChoiceField(label=_("否决情形"))
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                                  validators=[no_nul])
    evidence = forms.CharField(label=_("佐证材料"), max_length=2000, validators=[no_nul],
                               help_text=_("如通报文号、案件编号、事故报告。"))

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None:
            self.fields["veto_code"].choices = [
                (s.name, [(v.code, v.text) for v in s.vetoes.all()]) for s in standard.stars.all() if s.vetoes.all()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             validators=[no_nul])
