from django import forms
from django.utils.translation import gettext_lazy as _


class StandardUploadForm(forms.Form):
    file = forms.FileField(label=_("标准文件（YAML 或 Excel）"),
                           help_text=_("Excel 文件可先从任一标准页面“导出为可导入的 Excel”得到，修改后把版本加 1 再导入。"))
    dry_run = forms.BooleanField(label=_("只检查，不加载"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("请上传 .yaml、.yml 或 .xlsx 格式的标准文件。"))
        if upload.size > 1024 * 1024 * (5 if upload.name.lower().endswith(".xlsx") else 1):
            raise forms.ValidationError(_("文件过大（YAML 上限 1 MB，Excel 上限 5 MB）。"))
        return upload
