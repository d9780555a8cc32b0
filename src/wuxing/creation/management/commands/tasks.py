from django.core.management.base import BaseCommand

from wuxing.core.loop import run_maybe_looping
from wuxing.creation.services import mark_overdue


class Command(BaseCommand):
    help = "Plan tasks. `tasks mark-overdue`: mark unfinished tasks past their time node 已逾期 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["mark-overdue"])
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="repeat every SECONDS until stopped")

    def handle(self, *args, **options):
        def once():
            n = mark_overdue()
            self.stdout.write(f"marked overdue: {n}")

        run_maybe_looping(once, options["loop"])
