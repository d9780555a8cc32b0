"""Benchmarks. `make bench` runs them on the configured database (DATABASE_URL; default a scratch
SQLite file under var/bench/). Results are printed; record them in bench/README.md with the date.

    import_tree   generate an org-tree .xlsx (default 10,001 units; `--offices 2400 --per-office 21` is
                  province size, 52,801) and time `wuxing import units --commit`
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_tree_xlsx(path: Path, offices: int = 50, per_office: int = 199) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("组织架构")
    ws.append(["单位编码", "单位名称", "层级", "上级编码", "城乡类型", "区划代码"])
    ws.append(["B", "基准区", "区/县", "", "", ""])
    rows = 1
    for o in range(offices):
        ws.append([f"B{o:03d}", f"第{o}办事处", "办事处", "B", "", ""])
        rows += 1
        for b in range(per_office):
            ws.append([f"B{o:03d}{b:04d}", f"单位{o}-{b}", "社区" if b % 3 else "村", f"B{o:03d}", "", ""])
            rows += 1
    wb.save(path)
    return rows


def run(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=50, help="offices under the one district")
    parser.add_argument("--per-office", type=int, default=199, help="communities and villages per office")
    args = parser.parse_args()
    wuxing = str(Path(sys.executable).with_name("wuxing"))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, WUXING_TESTING="true", WUXING_VAR_DIR=str(Path(tmp) / "var"))
        if "DATABASE_URL" not in env:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            # A scratch database beside the configured one, dropped afterwards.
            env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/wuxing_bench"
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "wuxing_bench"], check=False)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "wuxing_bench"], check=True)
        print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
        run([wuxing, "migrate", "-v0"], env)
        xlsx = Path(tmp) / "tree.xlsx"
        rows = make_tree_xlsx(xlsx, args.offices, args.per_office)
        dry = run([wuxing, "import", "units", str(xlsx)], env)
        real = run([wuxing, "import", "units", str(xlsx), "--commit"], env)
        again = run([wuxing, "import", "units", str(xlsx), "--commit"], env)
        print(f"import_tree: {rows} units  dry run {dry:.2f} s  import {real:.2f} s ({rows / real:,.0f} units/s)  "
              f"re-import (no change) {again:.2f} s  (wall time of the whole command, including Django start-up)")
        if "wuxing_bench" in env["DATABASE_URL"]:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "wuxing_bench"], check=False)


if __name__ == "__main__":
    main()
