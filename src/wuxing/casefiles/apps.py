from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasefilesConfig(AppConfig):
    name = "wuxing.casefiles"
    label = "casefiles"
    verbose_name = _("案卷评查")

    def ready(self):
        from wuxing.casefiles.integrity import check_rows
        from wuxing.core import audit

        audit.register_row_check(check_rows)
