from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.core.audit import verify
from wuxing.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and uploaded files from a backup FILE, replacing what is there; checks the manifest."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="confirm replacing the current data")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("restore replaces every row and file: run again with --yes to confirm")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            manifest = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        result = verify()
        if not result.ok:
            raise CommandError(f"restored, but the audit chain is broken at seq={result.broken_seq}: {result.reason}")
        self.stdout.write(self.style.SUCCESS(f"restored {sum(manifest['rows'].values())} rows and "
                                             f"{len(manifest['media'])} files; audit chain intact ({result.checked} events)"))
