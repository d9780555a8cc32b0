"""`--loop` for scheduled commands: run once, or repeatedly until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable


def run_maybe_looping(job: Callable[[], None], seconds: int | None) -> None:
    if not seconds:
        job()
        return
    stop = {"now": False}

    def _stop(*_args):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop["now"]:
        job()
        for _ in range(seconds):
            if stop["now"]:
                break
            time.sleep(1)
