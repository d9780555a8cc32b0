from django.core.management.base import BaseCommand

from wuxing.orgs.demo import load_demo


class Command(BaseCommand):
    help = "Load data sets. `seed demo`: the demo district 经开区 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=["demo"])

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write(self.style.SUCCESS("演示数据已加载。" if created else "演示数据已存在，未重复加载。"))
