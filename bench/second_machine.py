"""A second machine, proven rather than described: a PostgreSQL primary and its streaming replica (a second
cluster made by pg_basebackup, on another port), Redis, and two gunicorn app servers behind nginx's upstream.

    .venv/bin/python bench/second_machine.py          # the check (.ci/run runs it)
    .venv/bin/python bench/second_machine.py --keep   # leave the stack running afterwards, for a load test
    .venv/bin/python bench/second_machine.py --seed province --workers 2 --mixed 30
                                                      # the province seed instead of the demo, then the ceiling
                                                      # and the mixed load through nginx (bench/province.py)

The check, on the demo district: a write through app server A is read back at once through app server B (the
writer's reads stay on the primary for a few seconds, whichever server answers); a little later B answers
that read from the replica, with the row replicated; then clients keep reading through nginx while the replica
is stopped, and not one request fails (a read that fails on the replica is answered from the primary, which
serves every read until the replica is back). Everything started here is throwaway and stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PRIMARY_PORT, REPLICA_PORT, REDIS_PORT = 54341, 54342, 56391
APP_PORTS, NGINX_PORT = (8011, 8012), 8090
PASSWORD = "Wuxing@2026"


def log(message: str) -> None:
    print(f"[second-machine {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bin(name: str) -> str:
    found = shutil.which(name) or (sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [None])[-1]
    if not found:
        sys.exit(f"{name} not found: apt-get install postgresql")
    return found


def as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, **kw)


def wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port}")


class Stack:
    def __init__(self, workers: int, seed: str = ""):
        self.workers, self.seed = workers, seed
        self.dir = Path(tempfile.mkdtemp(prefix="wuxing-2m."))
        os.chmod(self.dir, 0o755)
        self.primary, self.replica = self.dir / "primary", self.dir / "replica"
        self.procs: list[subprocess.Popen] = []
        self.clusters: list[Path] = []
        db = "wuxing"
        self.env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/{db}",
                    "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{db}",
                    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0", "DEBUG": "false", "BEHIND_PROXY": "true",
                    "SECRET_KEY": "second-machine-check-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
                    "WUXING_VAR_DIR": str(self.dir / "var"), "WUXING_READ_HEADER": "true",
                    "WUXING_WORKERS": str(workers), "LOG_LEVEL": "WARNING"}

    # --- start --------------------------------------------------------------------------------------------
    def start(self) -> None:
        log(f"throwaway stack in {self.dir}")
        self._cluster(self.primary, PRIMARY_PORT, primary=True)
        subprocess.run([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-qc",
                        "CREATE DATABASE wuxing"], check=True)
        self._wuxing("migrate", "-v0")
        if self.seed:
            log(f"primary up; seeding the {self.seed}")
            self._wuxing("seed", "--scale", self.seed, "--quiet")
            subprocess.run([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-d",
                            "wuxing", "-qc", "VACUUM ANALYZE"], check=True)
        else:
            log("primary up; loading the demo district")
            self._wuxing("demo", "--no-serve")
        log("replica from pg_basebackup")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        as_postgres([pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                     "-D", str(self.replica), "-R", "-X", "stream", "-c", "fast"])
        self._start_cluster(self.replica, REPLICA_PORT)
        self.clusters.append(self.replica)
        log("redis, two app servers, nginx")
        self.procs.append(subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                                            "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL))
        wait_port(REDIS_PORT)
        self._wuxing("collectstatic", "--noinput", "-v0")
        for port in APP_PORTS:
            self.procs.append(subprocess.Popen(
                [str(VENV / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"],
                env=self.env, cwd=ROOT))
        for port in APP_PORTS:
            wait_port(port)
        self._nginx()
        wait_port(NGINX_PORT)
        for port in (*APP_PORTS, NGINX_PORT):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).raise_for_status()

    def _cluster(self, path: Path, port: int, primary: bool) -> None:
        path.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
            shutil.chown(self.dir, "postgres", "postgres")
        as_postgres([pg_bin("initdb"), "-D", str(path), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                     "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
        with (path / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
                       "random_page_cost = 1.1\njit = off\n")
        self._start_cluster(path, port)
        self.clusters.append(path)

    def _start_cluster(self, path: Path, port: int) -> None:
        as_postgres([pg_bin("pg_ctl"), "-D", str(path), "-l", str(path / "server.log"), "-w", "-o",
                     f"-p {port} -k {path} -c listen_addresses=127.0.0.1", "start"], stdout=subprocess.DEVNULL)

    def _wuxing(self, *args: str) -> None:
        env = dict(self.env)  # not WUXING_TESTING: its fast password hasher would lock the app servers out
        env.pop("DATABASE_REPLICA_URL")
        subprocess.run([str(VENV / "wuxing"), *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                       timeout=900)

    def _nginx(self) -> None:
        conf = (ROOT / "deploy/nginx.conf").read_text()
        upstream = "\n".join(f"        server 127.0.0.1:{p};" for p in APP_PORTS)
        conf = re.sub(r"(upstream wuxing \{\n)(\s*server [^\n]+\n)+", rf"\g<1>{upstream}\n", conf)
        conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{NGINX_PORT};")
        conf = conf.replace("limit_req zone=", "# (no rate limit in the check) limit_req zone=")
        for sub in ("logs", "tmp"):
            (self.dir / "var" / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "nginx.conf").write_text(conf)
        shutil.copy(ROOT / "deploy/proxy_wuxing.conf", self.dir / "proxy_wuxing.conf")
        subprocess.run(["nginx", "-p", f"{self.dir / 'var'}/", "-c", str(self.dir / "nginx.conf"),
                        "-g", f"pid {self.dir / 'nginx.pid'};"], check=True)

    # --- stop ---------------------------------------------------------------------------------------------
    def stop_replica(self) -> None:
        as_postgres([pg_bin("pg_ctl"), "-D", str(self.replica), "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
        self.clusters.remove(self.replica)

    def stop(self) -> None:
        pid = self.dir / "nginx.pid"
        if pid.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text()), signal.SIGQUIT)
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(20)
        for path in self.clusters:
            with contextlib.suppress(subprocess.CalledProcessError):
                as_postgres([pg_bin("pg_ctl"), "-D", str(path), "-m", "immediate", "-w", "stop"],
                            stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def token(port: int, username: str) -> str:
    r = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/token/", json={"username": username, "password": PASSWORD},
                      timeout=10)
    r.raise_for_status()
    return r.json()["token"]


def check(stack: Stack) -> dict:
    a, b = (f"http://127.0.0.1:{p}" for p in APP_PORTS)
    nginx = f"http://127.0.0.1:{NGINX_PORT}"
    branch = requests.Session()
    branch.headers["Authorization"] = f"Token {token(APP_PORTS[0], 'demo_branch')}"
    me = branch.get(f"{a}/api/v1/me/", timeout=10).json()
    campaign = branch.get(f"{a}/api/v1/campaigns/", timeout=10).json()["results"][0]["id"]
    unit = next(u["id"] for u in branch.get(f"{a}/api/v1/units/", timeout=10).json()["results"]
                if u["level"] in ("community", "village"))
    title = f"双机检查 {time.time():.0f}"
    time.sleep(1.5)  # the sign-in's own mark runs out; what follows is the write's
    created = branch.post(f"{a}/api/v1/tasks/", json={
        "campaign": campaign, "branch": unit, "star_code": "zbgy", "title": title, "responsible_name": "张三",
        "due_date": str(dt.date.today() + dt.timedelta(days=30))}, timeout=10)
    assert created.status_code == 201, created.text
    # At once, through the other app server: the writer reads from the primary and sees the task.
    read = branch.get(f"{b}/api/v1/tasks/?campaign={campaign}", timeout=10)
    assert read.headers.get("X-Wuxing-Read") == "primary", read.headers
    assert any(t["title"] == title for t in read.json()["results"]), "the write is not read back at once"
    log(f"write through A ({me['username']}), read back at once through B from the primary")
    # A moment later the same reader is served by the replica, which has the row.
    time.sleep(6)
    later = branch.get(f"{b}/api/v1/tasks/?campaign={campaign}", timeout=10)
    assert later.headers.get("X-Wuxing-Read") == "replica", later.headers
    assert any(t["title"] == title for t in later.json()["results"]), "the replica does not have the write"
    log("six seconds later the same read is answered by the replica, row included")

    # Readers through nginx while the replica is stopped: no request may fail.
    district = requests.Session()
    district.headers["Authorization"] = f"Token {token(APP_PORTS[1], 'demo_district')}"
    time.sleep(6)
    paths = ["/api/v1/tasks/", "/api/v1/weekly-reports/", f"/api/v1/dashboard/?campaign={campaign}",
             "/api/v1/units/", "/api/v1/awards/", "/healthz"]
    results = {"ok": 0, "failed": [], "replica": 0, "primary": 0}
    stop = threading.Event()

    def reader(session: requests.Session, offset: int) -> None:
        i = offset
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                r = session.get(nginx + path, timeout=30)
            except requests.RequestException as exc:
                results["failed"].append(f"{path}: {exc.__class__.__name__}")
                continue
            if r.status_code != 200:
                results["failed"].append(f"{path}: {r.status_code}")
            else:
                results["ok"] += 1
                where = r.headers.get("X-Wuxing-Read")
                if where in ("replica", "primary"):
                    results[where] += 1

    threads = [threading.Thread(target=reader, args=(s, n)) for n, s in enumerate([district, branch, district, branch])]
    for t in threads:
        t.start()
    time.sleep(4)
    before = dict(results, failed=list(results["failed"]))
    log(f"4 readers through nginx: {before['ok']} answers, {before['replica']} from the replica; stopping it")
    stack.stop_replica()
    time.sleep(8)
    stop.set()
    for t in threads:
        t.join()
    after_primary = results["primary"] - before["primary"]
    log(f"replica stopped: {results['ok'] - before['ok']} more answers, {after_primary} from the primary, "
        f"{len(results['failed'])} failed")
    assert before["replica"] > 0, "no read was served by the replica before it stopped"
    assert after_primary > 0, "no read was served by the primary after the replica stopped"
    assert not results["failed"], results["failed"][:10]
    return {"answers": results["ok"], "failed": len(results["failed"]), "replica": results["replica"],
            "primary": results["primary"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per app server")
    parser.add_argument("--keep", action="store_true", help="leave the stack running (stop it by hand)")
    parser.add_argument("--seed", choices=["district", "city", "province"],
                        help="fill the primary with `wuxing seed --scale` instead of the demo (no check then)")
    parser.add_argument("--mixed", type=int, default=0, help="then the ceiling and the mixed load for this many seconds")
    args = parser.parse_args()
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install nginx-light redis-server")
    stack = Stack(args.workers, args.seed or "")
    # A CI timeout sends SIGTERM: stop what was started on the way out, as on any other exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(f"stopped by SIGTERM; {stack.dir} cleaned up"))
    try:
        stack.start()
        if not args.seed:
            figures = check(stack)
            print(json.dumps(figures, ensure_ascii=False))
            log("passed")
        if args.mixed:
            log(f"ceiling and mixed load through nginx, {args.mixed} s")
            env = {**stack.env, "PAGE_CACHE": "false"}
            env.pop("DATABASE_REPLICA_URL")  # the bench's own reads (fixtures, sign-ins) on the primary
            subprocess.run([str(VENV / "python"), str(ROOT / "bench/province.py"), "--url",
                            f"http://127.0.0.1:{NGINX_PORT}", "--only", "(none)", "--mixed", str(args.mixed),
                            "--json", str(ROOT / "var/bench/second-machine-mixed.json")], check=True, env=env, cwd=ROOT)
        return 0
    finally:
        if not args.keep:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
