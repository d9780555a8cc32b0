"""gunicorn loads the app once in its master and forks the workers from it (deploy/gunicorn.conf.py, preload_app):
loading it must open no database or cache connection, which the forked workers would then share."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import runpy, sys
from wuxing.wsgi import application
from django.core.cache import caches
from django.db import connections
config = runpy.run_path(sys.argv[1])
assert config["preload_app"] is True, config.get("preload_app")
assert config["max_requests"] >= 20000, config["max_requests"]
opened = [c.alias for c in connections.all(initialized_only=True) if c.connection is not None]
assert not opened, opened
assert not caches.all(initialized_only=True), caches.all(initialized_only=True)
print("ok")
"""


@pytest.mark.parametrize("replica", [False, True])
def test_loading_the_app_opens_no_connection(replica):
    # Nothing answers on port 9: a connection attempt at import would fail the load.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wuxing.settings", "DATABASE_URL": "postgres://x@127.0.0.1:9/x",
           "REDIS_URL": "redis://127.0.0.1:9/1", "SECRET_KEY": "preload-check-0123456789abcdefghijklmnopqrstuvwxyz",
           "DEBUG": "false", "PYTHONPATH": str(ROOT / "src")}
    if replica:
        env["DATABASE_REPLICA_URL"] = "postgres://x@127.0.0.1:9/y"
    done = subprocess.run([sys.executable, "-c", CHECK, str(ROOT / "deploy" / "gunicorn.conf.py")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
