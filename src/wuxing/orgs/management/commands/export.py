from pathlib import Path

from django.core.management.base import BaseCommand

from wuxing.core.exports import xlsx_bytes
from wuxing.orgs import importers
from wuxing.orgs.models import OrgUnit, User


class Command(BaseCommand):
    help = "Export the whole org tree or all users to .xlsx (the unit sheet re-imports as is)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["units", "users"])
        parser.add_argument("file")

    def handle(self, *args, **options):
        if options["what"] == "units":
            sheet = ("组织架构", [c.header for c in importers.UNIT_COLUMNS], importers.unit_rows(OrgUnit.objects.all()))
        else:
            sheet = ("用户", ["用户名", "姓名", "手机号码", "角色", "单位编码", "单位名称", "启用"],
                     importers.user_rows(User.objects.all()))
        Path(options["file"]).write_bytes(xlsx_bytes([sheet]))
        self.stdout.write(self.style.SUCCESS(f"written {options['file']}"))
