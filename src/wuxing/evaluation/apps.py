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
