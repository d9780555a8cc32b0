import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wuxing.casefiles.services import entered_years
from wuxing.core.workdays import UnknownYear, add_working_days, workdays_after


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = ("Working days on the official calendar. `calendar workdays FROM TO`: working days after FROM up to "
            "and including TO; `calendar add FROM N`: the date N working days after FROM.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["workdays", "add"])
        parser.add_argument("start")
        parser.add_argument("value")

    def handle(self, *args, **options):
        start = _date(options["start"])
        entered = entered_years()
        try:
            if options["action"] == "workdays":
                n = workdays_after(start, _date(options["value"]), count_start=settings.WORKDAY_COUNT_START,
                                   entered=entered)
                self.stdout.write(str(n))
            else:
                try:
                    n = int(options["value"])
                except ValueError:
                    raise CommandError("N must be a whole number") from None
                day = add_working_days(start, n, count_start=settings.WORKDAY_COUNT_START, entered=entered, strict=True)
                self.stdout.write(day.day.isoformat())
        except UnknownYear as exc:
            raise CommandError(str(exc)) from None
