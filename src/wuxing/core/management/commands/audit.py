from django.core.management.base import BaseCommand, CommandError

from wuxing.core.audit import checkpoint, verify


class Command(BaseCommand):
    help = ("Audit log tools. `audit verify [--checkpoint SEQ:HASH]` checks the keyed hash chain, the rows made "
            "by its events and, if given, a checkpoint handed out earlier, naming every broken event by its "
            "sequence; `audit checkpoint` prints the head to hand to a witness outside the system.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--checkpoint", default="", help="SEQ:HASH as printed by `audit checkpoint`")

    def handle(self, *args, **options):
        if options["action"] == "checkpoint":
            seq, digest = checkpoint()
            self.stdout.write(f"{seq}:{digest}")
            return
        given = None
        if options["checkpoint"]:
            seq, _sep, digest = options["checkpoint"].strip().partition(":")
            if not seq.isdigit() or len(digest) != 64:
                raise CommandError("--checkpoint must be SEQ:HASH as printed by `audit checkpoint`")
            given = (int(seq), digest.lower())
        result = verify(given)
        if not result.ok:
            for p in result.problems:
                where = f"event seq={p.seq}" + (f" (id={p.event_id})" if p.event_id else "") if p.seq else "rows"
                self.stderr.write(f"{where}: {p.reason}")
            raise CommandError(f"audit chain broken at event seq={result.broken_seq}: {result.reason}; "
                               f"{len(result.problems)} problem(s) in {result.checked} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"
                                             + (f", checkpoint {given[0]} present" if given else "")))
