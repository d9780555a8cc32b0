from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.activities.models import ActivityType
from wuxing.core.forms import ListQuery
from wuxing.orgs.search import UnitField, UnitsField
from wuxing.orgs.validators import no_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(value: str) -> list[str]:
    return [line.strip().strip("《》") for line in value.replace("、", "\n").splitlines() if line.strip()]


class ActivityForm(forms.Form):
    unit = UnitField(label=_("组织单位"), scope="areas")
    organiser_name = forms.CharField(label=_("组织单位名称（如与上不同，例如区直部门）"), max_length=60, required=False,
                                     validators=[no_nul])
    type = forms.ChoiceField(label=_("类型"), choices=ActivityType.choices)
    title = forms.CharField(label=_("名称"), max_length=120, validators=[no_nul],
                            help_text=_("例如：“五星”支部创建推进会"))
    on = forms.DateField(label=_("日期"), widget=DATE)
    at = forms.TimeField(label=_("时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("地点"), max_length=100, required=False, validators=[no_nul])
    host = forms.CharField(label=_("主持"), max_length=60, required=False, validators=[no_nul],
                           help_text=_("职务和姓名，例如：党工委书记李明"))
    attendees = forms.CharField(label=_("参加人员"), max_length=200, required=False, validators=[no_nul],
                                help_text=_("例如：各社区党组织书记"))
    participants = forms.CharField(label=_("人数"), max_length=20, required=False, validators=[no_nul],
                                   help_text=_("可写“40余人”"))
    documents = forms.CharField(label=_("学习文件（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                validators=[no_nul])
    requirements = forms.CharField(label=_("会议要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                   max_length=4000, validators=[no_nul])
    content = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                              max_length=20000, validators=[no_nul])
    reporter = forms.CharField(label=_("记者"), max_length=40, required=False, validators=[no_nul])
    correspondents = forms.CharField(label=_("通讯员（空格分隔）"), max_length=100, required=False, validators=[no_nul])
    subtitle = forms.CharField(label=_("副题"), max_length=80, required=False, validators=[no_nul])
    review_campaign = forms.ModelChoiceField(label=_("关联评查活动（评查会）"), queryset=None, required=False,
                                             help_text=_("评查会可关联本区的行政许可案卷评查活动，评查活动页和通报将注明此次会议。"))

    def __init__(self, *args, units=None, review_campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if review_campaigns is None:
            del self.fields["review_campaign"]
        else:
            self.fields["review_campaign"].queryset = review_campaigns

    def clean_documents(self):
        return _lines(self.cleaned_data["documents"])

    def clean_correspondents(self):
        return self.cleaned_data["correspondents"].replace("、", " ").split()

    def clean(self):
        data = super().clean()
        import re

        m = re.search(r"(\d+)", data.get("participants") or "")
        data["participants_count"] = int(m.group(1)) if m else None
        return data


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("决定事项"), max_length=300, validators=[no_nul])
    star_code = forms.ChoiceField(label=_("对应的星"), required=False)
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DATE)
    branches = UnitsField(label=_("落实支部"), required=False)

    def __init__(self, *args, branches=None, stars=(), within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["branches"].widget.within = within
        self.fields["star_code"].choices = [("", "—")] + list(stars)


class BriefForm(forms.Form):
    button_fields = ("format",)  # the export buttons
    text = forms.CharField(label=_("简报正文（可修改后导出）"), widget=forms.Textarea(attrs={"rows": 14}), max_length=30000,
                           validators=[no_nul])
    format = forms.ChoiceField(required=False, choices=[("docx", "docx"), ("txt", "txt")])  # the export button


class DecisionChoiceForm(forms.Form):
    """Which decision of the activity becomes plan tasks."""

    decision = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions


class PasteForm(forms.Form):
    button_fields = ("confirm", "pick")  # sent by the page's buttons and per-article boxes, not drawn as fields
    text = forms.CharField(label=_("粘贴简报或报纸版面文字"), widget=forms.Textarea(attrs={"rows": 14}), required=False,
                           max_length=200000, validators=[no_nul])
    file = forms.FileField(label=_("或上传文本文件（.txt / .md，UTF-8）"), required=False)
    confirm = forms.BooleanField(required=False)  # "生成活动记录": otherwise only the preview
    pick = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=[(i, i) for i in range(1000)])

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 2 * 1024 * 1024:
                raise forms.ValidationError(_("文件过大（上限 2 MB）。"))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴文字或上传文件。"))
        return data


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("照片"))


class CalendarQuery(ListQuery):
    """The calendar's month (YYYY-MM) and unit."""

    month = forms.DateField(required=False, input_formats=["%Y-%m"])

