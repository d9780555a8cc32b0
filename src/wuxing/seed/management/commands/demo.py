from django.core.management import call_command
from django.core.management.base import BaseCommand

from wuxing.orgs.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Migrate, load the demo district 经开区, print the demo logins and serve http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database only")

    def handle(self, *args, **options):
        from django.conf import settings

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", "demo")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, description in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {description}")
        self.stdout.write("")
        if not options["no_serve"]:
            self.stdout.write(f"打开 http://{options['addrport']}/ 登录。按 Ctrl+C 停止。")
            call_command("serve", options["addrport"])
