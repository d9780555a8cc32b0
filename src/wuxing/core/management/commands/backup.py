from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.core.audit import verify
from wuxing.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files to FILE (.tar.gz): pg_dump on PostgreSQL, the online backup API on SQLite."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(self.style.SUCCESS(f"backed up {rows} rows and {len(manifest['media'])} files to {options['file']}"
                                             f" (audit chain {'intact' if verify().ok else 'BROKEN'})"))
