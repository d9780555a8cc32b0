"""The `wuxing` console script: Django's management commands under the project's settings.

    wuxing demo                 migrate, load the demo district, print logins, serve :8000
    wuxing serve [ADDR:PORT]    serve (runserver without autoreload)
    wuxing seed demo            load the demo district into the current database
    wuxing import units|users FILE [--commit]
    wuxing export units|users FILE
    wuxing audit verify
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs without a configured secret key; production must set SECRET_KEY.
        os.environ.setdefault("WUXING_DEMO", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wuxing", *argv[1:]])


if __name__ == "__main__":
    main()
