from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "wuxing.rollups"
    label = "rollups"
    verbose_name = _("统计汇总")

    def ready(self) -> None:
        # The rollups follow every write through the domain events the services send.
        from wuxing.core import events
        from wuxing.rollups import services

        events.subscribe("branch_changed", services.branch_changed)
        events.subscribe("report_submitted", services.report_submitted)
        events.subscribe("units_changed", services.units_changed)
        events.subscribe("campaign_changed", services.rebuild)
        events.subscribe("batch", services.batched)
