from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestConfig(AppConfig):
    name = "wuxing.contest"
    label = "contest"
    verbose_name = _("比学赶超")
