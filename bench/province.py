"""Province-scale benchmarks (issue 10), on a database filled by `wuxing seed --scale province`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wx_prov \\
        .venv/bin/python bench/province.py --url http://127.0.0.1:8080 [--only NAME] [--json out.json]

For each page, as the province-wide user (`sp_admin`) and again as an office user (`sp_office0`):

- server: the request handled in this process through Django's test client (the whole stack minus the
  socket), 50 timed requests after 5 warm-ups: p50 / p95 ms, and beside it the database time of the
  same requests (sum of query durations, median) and their query count;
- 1 client: 50 sequential keep-alive requests over HTTP to `--url` (nginx → gunicorn): p50 / p95 ms;
- 16 clients: `wrk -t2 -c16 -d10s` against the same URL: requests/s, p50 / p95 / p99 ms, errors.

Then the weekly-report submission (API create + submit, rollups included) as server time, a check that
the province dashboard reflects a submission at once, and the mixed load test (`--mixed SECONDS`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WRK_REPORT = ROOT / "bench" / "wrk_report.lua"
WRK_MIXED = ROOT / "bench" / "wrk_mixed.lua"


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.settings")
    # The same key as bench/stack.sh: sessions made here must be valid in the gunicorn workers.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()


def fixtures() -> dict:
    from django.test import Client

    from wuxing.campaigns.models import Campaign
    from wuxing.evaluation.models import PublicNotice
    from wuxing.orgs.models import OrgUnit, RoleAssignment, User

    campaign = Campaign.objects.select_related("unit").get(unit__code="SP")
    county = OrgUnit.objects.filter(level="district", path__startswith=campaign.unit.path).order_by("path").first()
    office = RoleAssignment.objects.select_related("unit").get(user__username="sp_office0").unit
    branch = RoleAssignment.objects.select_related("unit").get(user__username="sp_sec0").unit
    notice = PublicNotice.objects.filter(campaign=campaign).order_by("pk").first()
    cookies = {}
    for key, username in (("province", "sp_admin"), ("office", "sp_office0"), ("branch", "sp_sec0")):
        c = Client()
        c.force_login(User.objects.get(username=username))
        cookies[key] = f"sessionid={c.cookies['sessionid'].value}"
    return {"campaign": campaign, "county": county, "office": office, "branch": branch, "notice": notice,
            "cookies": cookies}


def pages(fx: dict) -> list[tuple[str, str | None, str]]:
    c, county, office, branch = fx["campaign"].pk, fx["county"].pk, fx["office"].pk, fx["branch"].pk
    rows = [
        # Not a target: the cheapest signed-in page (the menu and an empty list), the floor every page stands on.
        ("reference: empty signed-in page", "province", "/notifications/"),
        ("province dashboard", "province", f"/contest/{c}/"),
        ("county dashboard", "province", f"/contest/{c}/?unit={county}"),
        ("branch ranking", "province", f"/contest/{c}/rankings/"),
        ("campaign matrix (cities)", "province", f"/contest/{c}/matrix/"),
        ("flags (20 offices a page)", "province", f"/contest/{c}/flags/"),
        ("pairing form", "province", f"/contest/{c}/pairings/new/"),
        ("weekly compliance (cities)", "province", f"/weekly/{c}/"),
        ("weekly compliance (county)", "province", f"/weekly/{c}/?unit={county}"),
        ("weekly matrix (office)", "province", f"/weekly/{c}/offices/{office}/"),
        ("gap matrix (office)", "province", f"/creation/{c}/offices/{office}/"),
        ("branch page", "province", f"/contest/{c}/branches/{branch}/"),
        ("public notice", None, f"/public/notices/{fx['notice'].pk}/"),
        ("API dashboard", "province", f"/api/v1/dashboard/?campaign={c}"),
        ("API rankings", "province", f"/api/v1/rankings/?campaign={c}"),
        ("API weekly reports", "province", f"/api/v1/weekly-reports/?campaign={c}"),
        ("API targets", "province", f"/api/v1/targets/?campaign={c}"),
        ("API tasks", "province", f"/api/v1/tasks/?campaign={c}"),
        ("API weekly compliance", "province", f"/api/v1/weekly-compliance/?campaign={c}&unit={office}"),
        ("office: dashboard", "office", f"/contest/{c}/"),
        ("office: office dashboard", "office", f"/contest/{c}/offices/{office}/"),
        ("office: branch ranking", "office", f"/contest/{c}/rankings/"),
        ("office: weekly matrix", "office", f"/weekly/{c}/offices/{office}/"),
        ("office: gap matrix", "office", f"/creation/{c}/offices/{office}/"),
        ("office: branch page", "office", f"/contest/{c}/branches/{branch}/"),
        ("office: API rankings", "office", f"/api/v1/rankings/?campaign={c}"),
        ("office: API weekly reports", "office", f"/api/v1/weekly-reports/?campaign={c}"),
        ("branch: workspace", "branch", f"/creation/{c}/branches/{branch}/"),
        ("branch: weekly history", "branch", f"/weekly/{c}/branches/{branch}/"),
    ]
    return rows


class DbTimer:
    def __init__(self):
        self.ms, self.n = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - t0) * 1000
            self.n += 1


def in_process(path: str, cookie: str | None, n: int = 50, warm: int = 5) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies.load(cookie)
    server, db, queries = [], [], []
    for i in range(warm + n):
        timer = DbTimer()
        with connection.execute_wrapper(timer):
            t0 = time.perf_counter()
            r = client.get(path)
            elapsed = (time.perf_counter() - t0) * 1000
        if r.status_code != 200:
            raise SystemExit(f"{path}: HTTP {r.status_code}")
        if i >= warm:
            server.append(elapsed)
            db.append(timer.ms)
            queries.append(timer.n)
    return {"server_p50": pct(server, 50), "server_p95": pct(server, 95), "db_p50": statistics.median(db),
            "queries": max(queries), "bytes": len(r.content)}


def one_client(url: str, path: str, cookie: str | None, n: int = 50, warm: int = 5) -> dict:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    times = []
    for i in range(warm + n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit(f"{path}: HTTP {r.status} over HTTP")
        if i >= warm:
            times.append(elapsed)
    conn.close()
    return {"c1_p50": pct(times, 50), "c1_p95": pct(times, 95)}


# The stack's own processes; everything else on the box is "other" (CPU it takes is not ours to use).
OURS = {"gunicorn", "nginx", "postgres", "redis-server", "wrk", "python", "python3"}


def cpu_by_owner() -> tuple[float, float]:
    """CPU seconds used so far by the stack's processes and by every other process (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    ours = other = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                raw = stat.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if name in OURS or name.startswith(("gunicorn", "postgres", "python")):
            ours += used
        else:
            other += used
    return ours, other


def wrk(url: str, path: str, cookie: str | None, clients: int = 16, seconds: int = 10, script: Path = WRK_REPORT,
        env: dict | None = None) -> dict:
    """wrk's summary, with the share of the box's CPU other processes took during the run (of all cores)."""
    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), url + path]
    _ours0, other0 = cpu_by_owner()
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "COOKIE": cookie or "", **(env or {})},
                         check=True).stdout
    elapsed = time.monotonic() - t0
    _ours1, other1 = cpu_by_owner()
    m = re.search(r"^WRKJSON (.*)$", out, re.M)
    if not m:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    return {**json.loads(m.group(1)), "other_cpu": round((other1 - other0) / (elapsed * os.cpu_count()), 3)}


def calibration() -> dict:
    """The two calibration lines of ../shared/perf-anchors.md, on this box, now (best of three)."""
    from django.db import connection

    db = []
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        for _ in range(3):
            t = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1,5000000)")
            db.append(time.perf_counter() - t)
    py = []
    for _ in range(3):
        t, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        py.append(time.perf_counter() - t)
    return {"postgres_s": round(min(db), 3), "python_s": round(min(py), 3)}


def ceiling(url: str, seconds: int) -> dict:
    """/healthz (JSON and SELECT 1) through the same nginx and workers at 16 clients: what the stack serves when a
    request costs next to nothing. Every page is reported as a share of it."""
    return wrk(url, "/healthz", None, seconds=seconds)


def submission(fx: dict, n: int = 60) -> dict:
    """Weekly-report submission through the API (create and submit in one request), server time, rollups included,
    against the in-process time of /healthz measured right after."""
    from django.db import connection
    from django.test import Client

    from wuxing.orgs.models import RoleAssignment, User
    from wuxing.weekly.models import WeeklyReport

    campaign = fx["campaign"]
    grants = list(RoleAssignment.objects.filter(user__username__startswith="sp_sec").select_related("user", "unit")
                  .order_by("pk")[:400])
    weeks = [(2025, w) for w in range(1, 53)]
    slots = []
    for g in grants:
        have = set(WeeklyReport.objects.filter(branch=g.unit, iso_year=2025).values_list("iso_week", flat=True))
        slots += [(g, w) for w in weeks if w[1] not in have][:1]
        if len(slots) >= n + 5:
            break
    if len(slots) < n + 5:
        raise SystemExit("not enough missing weeks to submit")
    from wuxing.rollups import services as rollups

    times, db, queries, in_rollups = [], [], [], []
    spent = [0.0]
    original = rollups.report_submitted

    def timed(report, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(report, **kwargs)
        finally:
            spent[0] += (time.perf_counter() - t0) * 1000

    # The rollups hear of a submission through the domain event, which holds the function itself.
    from wuxing.core import events

    handlers = events._subscribers["report_submitted"]
    handlers[handlers.index(original)] = timed
    clients: dict[int, Client] = {}
    for i, (g, (y, w)) in enumerate(slots):
        client = clients.get(g.user_id)
        if client is None:
            client = clients[g.user_id] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(pk=g.user_id))
        timer = DbTimer()
        spent[0] = 0.0
        with connection.execute_wrapper(timer):
            t0 = time.perf_counter()
            # One request: create and submit (issue 21 §2).
            r = client.post("/api/v1/weekly-reports/", {"campaign": campaign.pk, "branch": g.unit_id, "iso_year": y,
                                                        "iso_week": w, "summary": "补报：本周开展主题党日活动。",
                                                        "submit": True},
                            content_type="application/json")
            elapsed = (time.perf_counter() - t0) * 1000
        if r.status_code != 200 or r.json()["status"] != "submitted":
            raise SystemExit(f"create and submit: HTTP {r.status_code} {r.content[:300]!r}")
        if i >= 5:
            times.append(elapsed)
            db.append(timer.ms)
            queries.append(timer.n)
            in_rollups.append(spent[0])
    handlers[handlers.index(timed)] = original
    healthz = in_process("/healthz", None, n=200, warm=20)
    return {"submit_p50": pct(times, 50), "submit_p95": pct(times, 95), "db_p50": statistics.median(db),
            "queries": max(queries), "rollups_p50": statistics.median(in_rollups), "rollups_p95": pct(in_rollups, 95),
            "n": len(times), "healthz_p50": healthz["server_p50"],
            "ratio_to_healthz": pct(times, 50) / healthz["server_p50"]}


def freshness(fx: dict) -> dict:
    """A write shows on the province dashboard at once: plan tasks in the province before and after one new task
    (created through the API by a branch secretary), read through the dashboard itself."""
    from django.test import Client

    from wuxing.contest import selectors
    from wuxing.orgs.models import RoleAssignment, User

    user = User.objects.get(username="sp_admin")
    campaign = fx["campaign"]

    def tasks_on_dashboard() -> int:
        datasets, _summary = selectors.district_dashboard(user, campaign)
        return sum(row[1] for row in next(d for d in datasets if d.key == "progress").rows)

    grant = RoleAssignment.objects.select_related("unit").get(user__username="sp_sec1")
    star = campaign.standard_for(grant.unit).stars.first().code
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(grant.user)
    task = {"campaign": campaign.pk, "branch": grant.unit_id, "title": "新增任务：完善台账", "star_code": star,
            "due_date": "2025-12-20", "responsible_name": "书记"}
    client.post("/api/v1/tasks/", task, content_type="application/json")  # warm-up (URLconf, standards)
    writes = []
    for _ in range(20):
        before = tasks_on_dashboard()
        t0 = time.perf_counter()
        r = client.post("/api/v1/tasks/", task, content_type="application/json")
        written = time.perf_counter()
        after = tasks_on_dashboard()
        seen = time.perf_counter()
        if r.status_code != 201 or after != before + 1:
            raise SystemExit(f"task write not reflected: HTTP {r.status_code}, {before} -> {after}")
        writes.append(((written - t0) * 1000, (seen - t0) * 1000))
    return {"writes": len(writes), "task_write_p50": pct([w for w, _s in writes], 50),
            "task_write_p95": pct([w for w, _s in writes], 95), "visible_p95": pct([s for _w, s in writes], 95)}


def mixed(url: str, fx: dict, seconds: int, clients: int) -> dict:
    c, office, branch, county = fx["campaign"].pk, fx["office"].pk, fx["branch"].pk, fx["county"].pk
    cookies = fx["cookies"]
    # A realistic mix: mostly branch secretaries and office staff at work, dashboards now and then.
    plan = [
        (30, cookies["branch"], f"/creation/{c}/branches/{branch}/"),
        (20, cookies["branch"], f"/weekly/{c}/branches/{branch}/"),
        (10, cookies["branch"], f"/contest/{c}/branches/{branch}/"),
        (10, cookies["office"], f"/weekly/{c}/offices/{office}/"),
        (8, cookies["office"], f"/contest/{c}/offices/{office}/"),
        (5, cookies["office"], f"/creation/{c}/offices/{office}/"),
        (5, cookies["province"], f"/contest/{c}/"),
        (4, cookies["province"], f"/contest/{c}/?unit={county}"),
        (4, cookies["province"], f"/contest/{c}/rankings/"),
        # Not the public notice: nginx lets one client address load it 6 times a minute (deploy/nginx.conf), and
        # every request of this load comes from one address; it is measured in process above.
    ]
    spec = "\n".join(f"{w}\t{ck or ''}\t{p}" for w, ck, p in plan)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "wuxing-mixed.tsv"
    path.write_text(spec, encoding="utf-8")
    return wrk(url, "/", None, clients=clients, seconds=seconds, script=WRK_MIXED, env={"MIX": str(path)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--only", help="pages whose name contains this")
    parser.add_argument("--no-http", action="store_true", help="in-process figures only")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--mixed", type=int, default=0, help="run the mixed load test for this many seconds")
    parser.add_argument("--mixed-clients", type=int, default=32)
    parser.add_argument("--submit", action="store_true", help="also time weekly-report submission")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    setup()
    fx = fixtures()
    results = {"pages": [], "calibration": calibration()}
    print("calibration:", results["calibration"], flush=True)
    if not args.no_http:
        results["ceiling"] = ceiling(args.url, args.seconds)
        print("ceiling (/healthz, 16 clients):", results["ceiling"], flush=True)
    print(f"{'page':<30} {'srv p50':>8} {'srv p95':>8} {'db p50':>7} {'q':>3} {'1c p50':>7} {'1c p95':>7} "
          f"{'16c rps':>8} {'16c p50':>8} {'16c p95':>8} {'16c p99':>8} {'err':>4}")
    for name, who, path in pages(fx):
        if args.only and args.only not in name:
            continue
        cookie = fx["cookies"].get(who) if who else None
        row = {"page": name, "path": path, **in_process(path, cookie)}
        # nginx limits /public/ to 6 requests a minute per client address (deploy/nginx.conf): one benchmark
        # address cannot load it over HTTP, by design, so the public notice is measured in process only.
        if not args.no_http and not path.startswith("/public/"):
            row.update(one_client(args.url, path, cookie))
            w = wrk(args.url, path, cookie, seconds=args.seconds)
            row.update({"c16_rps": w["rps"], "c16_p50": w["p50"], "c16_p95": w["p95"], "c16_p99": w["p99"],
                        "c16_errors": w["errors"], "other_cpu": w["other_cpu"]})
        results["pages"].append(row)
        print(f"{name:<30} {row['server_p50']:>8.1f} {row['server_p95']:>8.1f} {row['db_p50']:>7.1f} "
              f"{row['queries']:>3} {row.get('c1_p50', 0):>7.1f} {row.get('c1_p95', 0):>7.1f} "
              f"{row.get('c16_rps', 0):>8.1f} {row.get('c16_p50', 0):>8.1f} {row.get('c16_p95', 0):>8.1f} "
              f"{row.get('c16_p99', 0):>8.1f} {row.get('c16_errors', 0):>4}", flush=True)
    if args.submit:
        results["submission"] = submission(fx)
        print("weekly submission (API create and submit in one request, server ms):", results["submission"])
        results["freshness"] = freshness(fx)
        print("freshness:", results["freshness"])
    if args.mixed:
        results["mixed"] = mixed(args.url, fx, args.mixed, args.mixed_clients)
        print("mixed load:", results["mixed"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
