"""Hostile uploads (issue 18 finding 5): time and peak memory of refusing each file, each in a fresh
process so the figures do not mix. `--src` points at another checkout's src/ to measure it the same way
(e.g. the commit before the fix, from `git worktree add`).

    .venv/bin/python bench/hostile.py [--src PATH] [--timeout S]

Prints a calibration line (SHA-256 over 256 MiB) and, per file: seconds, extra peak RSS (MB) over the
process after imports, and the first message. What is measured is the parse an upload goes through:
core.importing.read_sheet for workbooks (the unit, user, case-file and matter imports) and
standards.schema.parse for YAML (standards; rubrics share it).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {src!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.settings")
os.environ["WUXING_TESTING"] = "true"
import django
django.setup()
kind, path = {kind!r}, {path!r}
data = open(path, "rb").read()
import io
if kind == "yaml":
    from wuxing.standards.schema import parse
else:
    from wuxing.core.importing import ImportReport, read_sheet
    from wuxing.orgs.importers import UNIT_COLUMNS
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if kind == "yaml":
    doc, errors = parse(data)
    first = errors[0].message if errors else "accepted"
else:
    report = ImportReport()
    f = io.BytesIO(data)
    try:
        rows = read_sheet(f, UNIT_COLUMNS, report)
        first = report.errors[0].message if report.errors else f"{{len(rows)}} rows read"
    except Exception as exc:
        first = f"EXCEPTION {{type(exc).__name__}}: {{exc}}"[:120]
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{{elapsed:.3f}}\t{{(peak - base) / 1024:.1f}}\t{{first}}")
"""


def calibration() -> float:
    block = b"\0" * (1 << 20)
    started = time.perf_counter()
    h = hashlib.sha256()
    for _ in range(256):
        h.update(block)
    return time.perf_counter() - started


def main() -> None:
    from tests.hostile import files

    parser = argparse.ArgumentParser()
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--timeout", type=int, default=180)
    args = parser.parse_args()
    print(f"calibration: sha256 over 256 MiB in {calibration():.3f} s; src={args.src}")
    cases = [("xlsx", "xlsx bomb (200 MB shared string)", files.xlsx_bomb().getvalue()),
             ("xlsx", "100,000 bad rows", files.many_bad_rows().getvalue()),
             ("xlsx", "truncated sheet XML", files.truncated_sheet().getvalue()),
             ("xlsx", "external entity", files.external_entity().getvalue()),
             ("yaml", "YAML aliases, 5 levels", files.yaml_aliases(5)),
             ("yaml", "YAML aliases, 6 levels", files.yaml_aliases(6))]
    with tempfile.TemporaryDirectory() as tmp:
        for kind, label, data in cases:
            path = Path(tmp) / f"case.{kind}"
            path.write_bytes(data)
            code = CHILD.format(src=args.src, kind=kind, path=str(path))
            try:
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     timeout=args.timeout, cwd=tmp)
                line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else f"FAILED {out.stderr[-200:]}"
            except subprocess.TimeoutExpired:
                line = f">{args.timeout}\t-\tstill running, stopped"
            print(f"{label} ({len(data):,} bytes)\t{line}")


if __name__ == "__main__":
    main()
