from django import forms
from django.utils.translation import gettext_lazy as _


class StandardUploadForm(forms.Form):
    file = forms.FileField(label=_("标准文件（YAML，UTF-8）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("请上传 .yaml 或 .yml 格式的标准文件。"))
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("文件过大（上限 1 MB）。"))
        return upload
