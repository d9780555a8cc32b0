from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestConfig(AppConfig):
    name = "wuxing.contest"
    label = "contest"
    verbose_name = _("比学赶超")

    def ready(self):
        # A province's branch ranking (51,000 rows) is too long to export inside a request (导出任务).
        from wuxing.contest import exporting
        from wuxing.core.services import register_export

        register_export("contest.branch_ranking", exporting.branch_ranking_job)
