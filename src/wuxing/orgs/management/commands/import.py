from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.orgs import importers


class Command(BaseCommand):
    help = "Import the org tree or users from .xlsx as a superuser action. Dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["units", "users"])
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="write when every row is valid")

    def handle(self, *args, **options):
        from types import SimpleNamespace

        # The command line acts with a superuser's reach; the audit event names it "cli".
        actor = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)
        importer = importers.import_units if options["what"] == "units" else importers.import_users
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as fh:
            report = importer(actor, fh, dry_run=not options["commit"], filename=path.name)
        for error in report.shown_errors:
            self.stderr.write(f"{path}:{error}")
        if report.hidden_errors:
            self.stderr.write(f"{path}: 另有 {report.hidden_errors} 处错误未列出")
        if report.errors:
            raise CommandError(f"{len(report.errors)} errors; nothing was imported")
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}: {report.total} rows, {report.created} new, {report.updated} updated, {report.unchanged} unchanged"))
