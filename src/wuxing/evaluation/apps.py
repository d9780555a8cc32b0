from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "wuxing.evaluation"
    label = "evaluation"
    verbose_name = _("评星评审")

    def ready(self):
        from wuxing.core import audit
        from wuxing.evaluation.integrity import check_rows

        audit.register_row_check(check_rows)
        # A province's claims and named branches (about 50,000 each) are too long to export inside a request.
        from wuxing.core.services import register_export
        from wuxing.evaluation import exporting

        register_export("evaluation.claims", exporting.claims_job)
        register_export("evaluation.awards", exporting.awards_job)
