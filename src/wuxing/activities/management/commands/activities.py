import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.activities.parsing import parse
from wuxing.orgs.models import OrgUnit


class Command(BaseCommand):
    help = ("Activities. `activities parse FILE [--json] [--year Y]`: split pasted or scanned briefs into articles "
            "and print their fields (date as MM-DD, organiser matched against the org tree).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["parse"])
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print a JSON list, one object per article")
        parser.add_argument("--year", type=int, help="year for dates that give only month and day")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        units = list(OrgUnit.objects.values_list("name", flat=True))
        _clean, articles = parse(text, units, options["year"])
        if options["json"]:
            self.stdout.write(json.dumps([a.as_json() for a in articles], ensure_ascii=False, indent=2))
            return
        for i, a in enumerate(articles, start=1):
            self.stdout.write(f"{i}. {a.title}\n   {a.date} {a.organizer} {a.type} 主持:{a.host} 人数:{a.participants} "
                              f"文件:{'、'.join(a.documents)} 记者:{a.reporter} 通讯员:{'、'.join(a.correspondents)}")
