from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wuxing.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from wuxing.core import (
            signals,  # noqa: F401  (login events)
            uploads,
        )

        uploads.install()
