from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "wuxing.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self):
        # A province's 53,000 units (or its users) are too long to export inside a request (导出任务).
        from wuxing.core.services import register_export
        from wuxing.orgs import importers

        register_export("orgs.units", importers.units_export_job)
        register_export("orgs.users", importers.users_export_job)
