from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "wuxing.creation"
    label = "creation"
    verbose_name = _("年度创建")
