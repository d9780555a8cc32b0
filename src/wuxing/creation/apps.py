from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "wuxing.creation"
    label = "creation"
    verbose_name = _("年度创建")

    def ready(self):
        # A province's plans are too long to export inside a request: the job runner builds them (导出任务).
        from wuxing.core.services import register_export
        from wuxing.creation import plans_io

        register_export("creation.plans", plans_io.export_job)
