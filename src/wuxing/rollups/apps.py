from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "wuxing.rollups"
    label = "rollups"
    verbose_name = _("统计汇总")

    def ready(self) -> None:
        from wuxing.rollups import signals  # noqa: F401  (keeps the rollups current on every write)
