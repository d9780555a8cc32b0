"""The standards shipped with Wuxing (samples to be replaced by each county's official list)."""

from __future__ import annotations

from pathlib import Path

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def shipped_files() -> list[Path]:
    return sorted(LIBRARY_DIR.glob("*.yaml"))
