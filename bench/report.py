"""Turn the JSON written by `bench/province.py --json FILE` into the Markdown tables of bench/README.md,
with each figure checked against the issue's target (✓ met, ✗ missed)."""

from __future__ import annotations

import json
import sys

# page name -> (target p50 ms for one client, target p95 ms at 16 clients); None where no target is set.
TARGETS = {"province dashboard": (25, 100), "branch ranking": (30, 150), "office: branch ranking": (30, 150)}
DEFAULT = (20, 150)


def mark(value: float, limit: float | None) -> str:
    return f"{value:.1f}" if limit is None else f"{value:.1f} {'✓' if value <= limit else '✗'}"


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    print("| page | server p50 / p95 | DB p50 (queries) | 1 client p50 / p95 | 16 clients req/s | p50 / p95 / p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in data["pages"]:
        p50, p95 = TARGETS.get(r["page"], DEFAULT)
        print(f"| {r['page']} | {r['server_p50']:.1f} / {r['server_p95']:.1f} | {r['db_p50']:.1f} ({r['queries']}) | "
              f"{mark(r['c1_p50'], p50)} / {r['c1_p95']:.1f} | {r['c16_rps']:.0f} | "
              f"{r['c16_p50']:.0f} / {mark(r['c16_p95'], p95)} / {r['c16_p99']:.0f} | {r['c16_errors']} |")
    if "submission" in data:
        s = data["submission"]
        print(f"\nweekly-report submission (API create + submit, server time, n={s['n']}): p50 {s['submit_p50']:.1f} ms, "
              f"p95 {mark(s['submit_p95'], 15)} ms, DB p50 {s['db_p50']:.1f} ms")
    if "freshness" in data:
        print(f"freshness: {data['freshness']}")
    if "mixed" in data:
        m = data["mixed"]
        print(f"mixed load: {m['requests']} requests, {mark(m['rps'], None)} req/s "
              f"({'✓' if m['rps'] >= 200 else '✗'} ≥ 200), p50 {m['p50']:.0f} ms, p95 {m['p95']:.0f} ms, "
              f"p99 {mark(m['p99'], 500)} ms, errors {m['errors']}")


if __name__ == "__main__":
    main(sys.argv[1])
