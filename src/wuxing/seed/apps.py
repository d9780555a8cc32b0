from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedConfig(AppConfig):
    """The demo district and the scale generator: they orchestrate every app, so they sit on top."""

    name = "wuxing.seed"
    label = "seed"
    verbose_name = _("演示与规模数据")
