from django.core.management.base import BaseCommand, CommandError

from wuxing.seed.demo import load_demo


class Command(BaseCommand):
    help = ("Load data sets. `seed demo`: the demo district 经开区 (idempotent). "
            "`seed --scale district|city|province [--seed N]`: a generated campaign year at that size "
            "(province: 51,000 branches, 2.6 million weekly reports; use PostgreSQL).")

    def add_arguments(self, parser):
        parser.add_argument("dataset", nargs="?", choices=["demo"])
        parser.add_argument("--scale", choices=["district", "city", "province"])
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, dataset=None, scale=None, seed=2026, quiet=False, **options):
        if scale:
            from wuxing.seed.scale import seed as seed_scale

            try:
                result = seed_scale(scale, seed, quiet=quiet)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            t = result["timings"]
            self.stdout.write(self.style.SUCCESS(
                f"已生成 {scale} 规模数据：单位 {result['units']:,} 个，其中支部 {result['branches']:,} 个、"
                f"办事处/乡镇 {result['offices']:,} 个；用时 {t['total']:.1f} 秒"
                f"（组织树 {t['units']:.1f} 秒，创建年度 {t['campaign']:.1f} 秒，汇总 {t['rollups']:.1f} 秒）。"))
            self.stdout.write(f"登录：{result['admin']} / {result['password']}（年度 id {result['campaign']}）")
            return
        if dataset != "demo":
            raise CommandError("请指定 demo 或 --scale district|city|province。")
        created = load_demo()
        self.stdout.write(self.style.SUCCESS("演示数据已加载。" if created else "演示数据已存在，未重复加载。"))
