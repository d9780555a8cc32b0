import time

from django.core.management.base import BaseCommand

from wuxing.core.loop import run_maybe_looping


class Command(BaseCommand):
    help = ("Out-of-app messages. `notify send [--loop SECONDS]`: send what the outbox holds that is due (e-mail, "
            "WeCom group robot, SMS), retrying failures with backoff; safe to run several at once. "
            "`notify sink [--port N]`: a local stand-in for the robot service and an SMS gateway that prints "
            "what it receives (the demo's channels point at it).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["send", "sink"])
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="repeat every SECONDS until stopped")
        parser.add_argument("--port", type=int, default=8025, help="sink: the port to listen on (127.0.0.1)")

    def handle(self, *args, **options):
        if options["action"] == "sink":
            from wuxing.messaging.sink import Sink

            with Sink(port=options["port"], on_message=self.show) as sink:
                self.stdout.write(f"listening on {sink.url} (robot: /cgi-bin/webhook/send?key=…, SMS: /sms)")
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            return

        from wuxing.messaging.sending import drain

        def once():
            self.stdout.write(str(drain()))

        run_maybe_looping(once, options["loop"])

    def show(self, channel: str, key: str, text: str) -> None:
        self.stdout.write(f"—— {channel}（{key}）收到：\n{text}")
