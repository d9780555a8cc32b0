from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("`exports run [--loop [SECONDS]]` builds the exports too long for a request (导出任务) and drops those "
            "past EXPORT_KEEP_DAYS; several runners may work at once.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--loop", type=int, nargs="?", const=10, metavar="SECONDS",
                            help="repeat every SECONDS (10) until stopped")

    def handle(self, *args, **options):
        from wuxing.core.loop import run_maybe_looping
        from wuxing.core.services import run_exports

        def once():
            while True:
                n = run_exports(limit=5)
                if n:
                    self.stdout.write(f"exports: {n} built")
                if n < 5:
                    break

        run_maybe_looping(once, options["loop"])
