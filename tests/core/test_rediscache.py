"""The Redis cache backend (wuxing.core.rediscache): Django's, with one client per connection pool. Run against a
redis-server of its own on a free port (the one .ci/run installs), never a shared one."""

import shutil
import socket
import subprocess
import time

import pytest

from wuxing.core.rediscache import RedisCache

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture(scope="module")
def redis_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def test_one_client_per_pool_serves_every_call(redis_url):
    cache = RedisCache(redis_url, {})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client is cache._cache.get_client("any key")
    cache.set("wuxing:test", {"body": "看板"}, 30)
    assert cache.get("wuxing:test") == {"body": "看板"} and cache.get("wuxing:missing", "—") == "—"
    assert cache.get_many(["wuxing:test", "wuxing:missing"]) == {"wuxing:test": {"body": "看板"}}
    cache.delete("wuxing:test")
    assert cache.get("wuxing:test") is None
    assert cache.add("wuxing:n", 1) and not cache.add("wuxing:n", 5)
    assert cache.incr("wuxing:n", 1) == 2 and cache.get("wuxing:n") == 2
