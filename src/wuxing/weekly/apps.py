from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeeklyConfig(AppConfig):
    name = "wuxing.weekly"
    label = "weekly"
    verbose_name = _("周工作动态")
