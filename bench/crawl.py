"""The role crawl (issue 21): every page and API list the menus reach, as one user, on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wx_prov \\
        .venv/bin/python bench/crawl.py [--user sp_admin] [--per-route 3] [--json var/bench/crawl.json]

Starting at the home page, the crawler follows every link of every page it reaches (GET only, up to
`--per-route` different URLs of each route and set of query keys, as tests/test_crawl.py does), then opens
every API list of /api/v1/. Each request runs in this process through Django's test client, like one app
worker: its server time, its query count and database time, and this process's RSS after it. Printed: the
ten slowest, every page over the 300 ms target, and the worker's memory after the whole crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
# The pages issue 21 found growing with the province (campaign 1 is the seed's), timed 20 times each.
ISSUE_PAGES = ["/api/v1/weekly-reports/?campaign=1", "/contest/1/pairings/new/", "/creation/1/", "/contest/1/matrix/",
               "/contest/1/sanctions/", "/contest/1/flags/", "/contest/1/highlights/new/", "/contest/1/contests/new/",
               "/orgs/users/new/", "/api/v1/weekly-compliance/?campaign=1", "/creation/", "/api/v1/tasks/"]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", default="sp_admin")
    parser.add_argument("--per-route", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--issue-pages", action="store_true", help="then time the pages issue 21 named")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client

    sys.path.insert(0, str(ROOT))
    from tests.test_crawl import kind, links  # the same links and kinds of page as the crawl test
    from wuxing.orgs.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    connection.force_debug_cursor = True  # query times, without DEBUG's other costs
    start_rss = rss_mb()
    rows, seen, visited = [], Counter(), set()
    queue = deque(["/"])
    api_root = client.get("/api/v1/").json()
    queue.extend(urlsplit(u).path for u in api_root.values() if isinstance(u, str))
    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        k = kind(url)
        if seen[k] >= args.per_route:
            continue
        seen[k] += 1
        reset_queries()
        t = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        ms = (time.perf_counter() - t) * 1000
        queries = connection.queries
        rows.append({"url": url, "route": k[0], "status": response.status_code, "ms": round(ms, 1),
                     "queries": len(queries), "db_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
                     "bytes": len(body), "rss_mb": round(rss_mb(), 1),
                     "export": bool(re.search(r"[?&](format|export)=|/export/|/workbook/|/qr/", url))})
        kind_of = response.get("Content-Type", "")
        if response.status_code == 200 and kind_of.startswith("text/html"):
            queue.extend(links(body.decode("utf-8", "replace")))
        elif response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
    connection.force_debug_cursor = False
    pages = [r for r in rows if not r["export"]]
    exports = [r for r in rows if r["export"]]
    over = [r for r in pages if r["ms"] > TARGET_MS]
    bad = [r for r in rows if r["status"] >= 400]

    def show(title: str, items: list[dict]) -> None:
        print(f"\n{title}")
        print("| ms | queries | DB ms | KB | RSS MB | status | url |\n|---|---|---|---|---|---|---|")
        for r in items:
            print(f"| {r['ms']:.1f} | {r['queries']} | {r['db_ms']:.1f} | {r['bytes'] // 1024} | {r['rss_mb']:.0f} | "
                  f"{r['status']} | `{r['url']}` |")

    print(f"user {args.user}: {len(rows)} requests ({len(pages)} pages and API lists, {len(exports)} exports), "
          f"{len(seen)} kinds of page, {len(bad)} answered ≥ 400")
    show("The ten slowest pages and API lists", sorted(pages, key=lambda r: -r["ms"])[:10])
    show(f"Pages and API lists over {TARGET_MS} ms: {len(over)}", sorted(over, key=lambda r: -r["ms"]))
    show("The five slowest exports (whole lists as Excel/CSV/Word)", sorted(exports, key=lambda r: -r["ms"])[:5])
    print(f"\nworker memory: {start_rss:.0f} MB after sign-in, {rss_mb():.0f} MB after the crawl, "
          f"peak {peak_mb():.0f} MB")
    if args.issue_pages:
        print("\nThe pages of issue 21, 20 timed requests each after 2 warm-ups\n"
              "| page | p50 ms | p95 ms | queries | KB |\n|---|---|---|---|---|")
        for url in ISSUE_PAGES:
            for _ in range(2):
                client.get(url)
            times = []
            for _ in range(20):
                reset_queries()
                connection.force_debug_cursor = True
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                connection.force_debug_cursor = False
            times.sort()
            print(f"| `{url}` | {times[9]:.1f} | {times[18]:.1f} | {len(connection.queries)} | "
                  f"{len(response.content) // 1024} |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"user": args.user, "rows": rows, "rss_after_mb": rss_mb(),
                                               "peak_mb": peak_mb()}, ensure_ascii=False, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
