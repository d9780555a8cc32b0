from django.core.management.base import BaseCommand

from wuxing.core.loop import run_maybe_looping
from wuxing.weekly.services import remind


class Command(BaseCommand):
    help = ("Weekly dynamics. `weekly remind`: notify branches whose report is due soon or missing, and their "
            "offices of the missing ones; never twice for the same week and branch (safe to run every few minutes).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--soon-hours", type=int, default=24, help="remind this many hours before the due time")
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="repeat every SECONDS until stopped")

    def handle(self, *args, **options):
        def once():
            r = remind(soon_hours=options["soon_hours"])
            self.stdout.write(str(r))

        run_maybe_looping(once, options["loop"])
