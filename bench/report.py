"""Turn the JSON written by `bench/province.py --json FILE` into the Markdown tables of bench/README.md.

Every throughput is a share of the ceiling measured in the same run (`/healthz` through the same nginx and
workers at 16 clients), so a figure means the same on a faster or a busier box; each is checked against issue
21's targets (✓ met, ✗ missed): dashboards and rankings ≥ 25 % of the ceiling, every other page and API list
≥ 12 %, the mixed load ≥ 25 % with p99 ≤ 500 ms and no errors. Beside each run: the share of the box's CPU that
other processes took while it ran.
"""

from __future__ import annotations

import json
import sys

FAST_SHARE, OTHER_SHARE = 0.25, 0.12


def share_target(page: str) -> float:
    return FAST_SHARE if ("dashboard" in page or "ranking" in page) else OTHER_SHARE


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    cal, ceil = data.get("calibration", {}), data.get("ceiling")
    print(f"calibration: PostgreSQL {cal.get('postgres_s')} s, Python {cal.get('python_s')} s "
          f"(anchors 1.14–1.29 s and 1.71 s)")
    if ceil:
        print(f"ceiling: /healthz at 16 clients {ceil['rps']:.0f} req/s, p99 {ceil['p99']:.0f} ms, other processes "
              f"{100 * ceil['other_cpu']:.0f} % CPU\n")
    print("| page | server p50 / p95 ms | DB p50 ms (queries) | 16 clients req/s | share of ceiling | p95 / p99 ms | "
          "errors | other CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for r in data["pages"]:
        if "c16_rps" not in r:
            print(f"| {r['page']} | {r['server_p50']:.1f} / {r['server_p95']:.1f} | {r['db_p50']:.1f} ({r['queries']}) "
                  f"| | | | | |")
            continue
        share = r["c16_rps"] / ceil["rps"] if ceil else 0
        ok = "" if r["page"].startswith("reference") else "✓" if share >= share_target(r["page"]) else "✗"
        print(f"| {r['page']} | {r['server_p50']:.1f} / {r['server_p95']:.1f} | {r['db_p50']:.1f} ({r['queries']}) | "
              f"{r['c16_rps']:.0f} | {100 * share:.0f} % {ok} | {r['c16_p95']:.0f} / {r['c16_p99']:.0f} | "
              f"{r['c16_errors']} | {100 * r.get('other_cpu', 0):.0f} % |")
    if "submission" in data:
        s = data["submission"]
        line = (f"\nweekly-report submission, one request (server time, n={s['n']}): p50 {s['submit_p50']:.1f} ms, "
                f"p95 {s['submit_p95']:.1f} ms, DB p50 {s['db_p50']:.1f} ms")
        if "ratio_to_healthz" in s:
            ok = "✓" if s["ratio_to_healthz"] <= 6 else "✗"
            line += (f", {s['queries']} queries; /healthz in process p50 {s['healthz_p50']:.2f} ms: "
                     f"{s['ratio_to_healthz']:.1f}× {ok} (target ≤ 6×)")
        print(line)
    if "freshness" in data:
        print(f"freshness: {data['freshness']}")
    if "mixed" in data:
        m = data["mixed"]
        share = m["rps"] / ceil["rps"] if ceil else 0
        ok = "✓" if share >= FAST_SHARE and m["p99"] <= 500 and not m["errors"] else "✗"
        print(f"mixed load: {m['requests']} requests, {m['rps']:.0f} req/s = {100 * share:.0f} % of the ceiling, "
              f"p50 {m['p50']:.0f} ms, p95 {m['p95']:.0f} ms, p99 {m['p99']:.0f} ms, errors {m['errors']}, other CPU "
              f"{100 * m.get('other_cpu', 0):.0f} % {ok}")


if __name__ == "__main__":
    main(sys.argv[1])
