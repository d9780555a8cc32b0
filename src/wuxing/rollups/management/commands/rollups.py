"""`wuxing rollups rebuild|check [--campaign ID]`: reconcile the live aggregates with the raw tables."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from wuxing.campaigns.models import Campaign
from wuxing.rollups import services


class Command(BaseCommand):
    help = "Rebuild (or only check) the dashboards' live aggregates from the raw tables and report any drift."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--campaign", type=int, help="only this campaign (id)")

    def handle(self, action, campaign=None, **options):
        campaigns = Campaign.objects.select_related("unit").order_by("pk")
        if campaign is not None:
            campaigns = campaigns.filter(pk=campaign)
            if not campaigns.exists():
                raise CommandError(f"no campaign with id {campaign}")
        drifted = 0
        for c in campaigns:
            started = time.perf_counter()
            d = services.rebuild(c) if action == "rebuild" else services.drift(c)
            drifted += d.total
            self.stdout.write(f"campaign {c.pk} ({c.year} {c.unit.name}): drift branch rows {d.branch_rows}, "
                              f"unit rows {d.unit_rows}, unit-week rows {d.week_rows}"
                              f"{' e.g. ' + ', '.join(d.examples) if d.examples else ''} "
                              f"[{time.perf_counter() - started:.1f} s]")
        if action == "check" and drifted:
            raise CommandError(f"{drifted} rollup rows differ from the raw tables; run `wuxing rollups rebuild`")
