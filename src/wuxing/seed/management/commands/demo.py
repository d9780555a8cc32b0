import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from wuxing.orgs.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = ("Migrate, load the demo district 经开区, print the demo logins, start the local group-robot stand-in, "
            "send this week's reminders and serve http://127.0.0.1:8000 (sending notices as they come and reading the "
            "demo's scanned case files).")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database only")

    def handle(self, *args, **options):
        from django.conf import settings

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("（1/3）正在准备数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("（2/3）正在加载演示区“经开区”（4 个办事处、40 个社区和村、一整年的创建数据），约需一分钟……")
        call_command("seed", "demo")
        self.stdout.write("（3/3）完成。")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, description in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {description}")
        self.stdout.write("")
        if options["no_serve"]:
            return
        sink = self.start_sink(settings.NOTIFY_DEMO_SINK_PORT)
        self.remind_and_send()
        stop = threading.Event()
        threading.Thread(target=self.keep_sending, args=(stop,), daemon=True).start()
        self.stdout.write(f"打开 http://{options['addrport']}/ 登录。按 Ctrl+C 停止。")
        try:
            call_command("serve", options["addrport"])
        finally:
            stop.set()
            if sink is not None:
                sink.stop()

    def start_sink(self, port: int):
        """The demo's group robot posts here; what arrives is printed."""
        from wuxing.messaging.sink import Sink

        try:
            sink = Sink(port=port, on_message=self.show).start()
        except OSError:
            self.stdout.write(f"端口 {port} 已被占用：群机器人消息发往已在运行的接收端。")
            return None
        self.stdout.write(f"企业微信群机器人（本地模拟）：{sink.url}/cgi-bin/webhook/send")
        return sink

    def remind_and_send(self) -> None:
        from wuxing.messaging.sending import drain
        from wuxing.weekly.services import remind

        self.stdout.write(str(remind()))
        self.stdout.write(str(drain()))

    def keep_sending(self, stop: threading.Event) -> None:
        """What the scheduled commands do beside a real server: send the outbox, build the long exports (`exports
        run`), and read the scanned case files' pages (`casefiles ocr`) where Tesseract is installed."""
        import shutil

        from django.db import close_old_connections

        from wuxing.casefiles.services import ocr_pending
        from wuxing.core.services import run_exports
        from wuxing.messaging.sending import drain

        ocr = shutil.which("tesseract") is not None
        while not stop.wait(5):
            try:
                drain()
                run_exports(limit=1)
                if ocr:
                    ocr_pending(limit=2)
            finally:
                close_old_connections()

    def show(self, channel: str, key: str, text: str) -> None:
        self.stdout.write(f"—— {channel}收到：\n{text}\n")
