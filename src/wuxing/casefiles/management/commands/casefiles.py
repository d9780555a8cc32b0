from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wuxing.casefiles import engines, rubric
from wuxing.casefiles.models import ReviewCampaign
from wuxing.casefiles.services import compute_draw, frame_of


class Command(BaseCommand):
    help = ("Case-file review. `casefiles draw CAMPAIGN --seed N` prints the sample that seed gives (anyone can "
            "redraw it); `casefiles rubric FILE… | --shipped` loads rubrics; `casefiles ocr [--loop [SECONDS]]` reads "
            "the scanned pages waiting for OCR (Tesseract) and proposes the files' dates.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["draw", "rubric", "ocr"])
        parser.add_argument("items", nargs="*", metavar="CAMPAIGN|FILE")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--shipped", action="store_true")
        parser.add_argument("--loop", type=int, nargs="?", const=30, metavar="SECONDS",
                            help="ocr: repeat every SECONDS (30) until stopped")
        parser.add_argument("--limit", type=int, default=50, help="ocr: pages read per round")

    def handle(self, *args, **options):
        if options["action"] == "rubric":
            return self._rubric(options["items"], options["shipped"])
        if options["action"] == "ocr":
            return self._ocr(options["loop"], options["limit"])
        if len(options["items"]) != 1 or options["seed"] is None:
            raise CommandError("usage: casefiles draw CAMPAIGN_ID --seed N")
        campaign = ReviewCampaign.objects.filter(pk=options["items"][0]).first()
        if campaign is None:
            raise CommandError(f"no review campaign {options['items'][0]}")
        frame = frame_of(campaign)
        try:
            drawn = compute_draw(campaign, options["seed"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"# {campaign.title}  seed={options['seed']}")
        self.stdout.write(f"# {engines.ALGORITHM}")
        if campaign.sample_total is not None:
            self.stdout.write(f"# {engines.ALLOCATION}")
            self.stdout.write(f"# total={campaign.sample_total} min={campaign.sample_min}")
        for unit in sorted(drawn):
            self.stdout.write(f"# {unit}: {len(drawn[unit])} of {len(frame.get(unit, []))}")
            for file_no in drawn[unit]:
                self.stdout.write(f"{unit}\t{file_no}")

    def _ocr(self, loop, limit):
        from wuxing.casefiles.services import ocr_pending
        from wuxing.core.loop import run_maybe_looping

        def once():
            while True:
                n = ocr_pending(limit)
                if n:
                    self.stdout.write(f"ocr: {n} page(s) read")
                if n < limit:
                    break

        run_maybe_looping(once, loop)

    def _rubric(self, files, shipped):
        system = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)
        paths = [Path(f) for f in files] + (rubric.shipped() if shipped else [])
        failed = 0
        for path in paths:
            obj, errors, created = rubric.load(system, path.read_bytes())
            for e in errors:
                self.stderr.write(e.format(str(path)))
            if errors:
                failed += 1
            else:
                self.stdout.write(f"{path}: {obj.code} v{obj.version} {'loaded' if created else 'already loaded'}")
        if failed:
            raise CommandError(f"{failed} file(s) not loaded")
