from django.core.management.base import BaseCommand, CommandError

from wuxing.core.audit import verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chain and names the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = verify()
        if not result.ok:
            where = f"event seq={result.broken_seq}" + (f" (id={result.broken_id})" if result.broken_id else "")
            raise CommandError(f"audit chain broken at {where}: {result.reason}; {result.checked} events intact before it")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
