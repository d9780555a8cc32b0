from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from wuxing.standards.library import shipped_files
from wuxing.standards.models import Standard
from wuxing.standards.services import load_standard


class Command(BaseCommand):
    help = ("Star standards. `standards load FILE…` validates and loads (all or nothing per file; errors as "
            "FILE:LINE: path: reason); `standards load --shipped` loads the bundled samples; `standards list`.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "list"])
        parser.add_argument("files", nargs="*")
        parser.add_argument("--shipped", action="store_true", help="load the standards bundled with Wuxing")

    def handle(self, *args, **options):
        if options["action"] == "list":
            return self._list()
        files = [Path(f) for f in options["files"]] + (shipped_files() if options["shipped"] else [])
        if not files:
            raise CommandError("name at least one FILE, or --shipped")
        system = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)
        failed = 0
        for path in files:
            if not path.is_file():
                self.stderr.write(f"{path}:1: 文件不存在")
                failed += 1
                continue
            result = load_standard(system, path.read_bytes())
            for error in result.errors:
                self.stderr.write(error.format(str(path)))
            if not result.ok:
                failed += 1
                continue
            s = result.standard
            state = "loaded" if result.created else "already loaded, unchanged"
            self.stdout.write(self.style.SUCCESS(f"{path}: {s.code} v{s.version} {state}"))
        if failed:
            raise CommandError(f"{failed} file(s) not loaded")

    def _list(self):
        rows = Standard.objects.prefetch_related("stars").order_by("applies_to", "code", "version")
        self.stdout.write(f"{'code':<24} {'version':>7}  {'kind':<6} {'year':<5} stars")
        for s in rows:
            stars = "、".join(star.name for star in s.stars.all())
            self.stdout.write(f"{s.code:<24} {s.version:>7}  {s.applies_to:<6} {s.effective_year:<5} {stars}")
