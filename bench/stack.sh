#!/bin/sh
# The production-style stack on loopback for the benchmarks: gunicorn (2 sync workers) behind nginx,
# PostgreSQL from DATABASE_URL, Redis as the cache. `bench/stack.sh start|stop|status`.
set -eu
cd "$(dirname "$0")/.."
RUN=${RUN:-$PWD/var/bench/stack}
export DATABASE_URL=${DATABASE_URL:?set DATABASE_URL to the seeded PostgreSQL database}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz}
export WUXING_VAR_DIR=$RUN DEBUG=false BEHIND_PROXY=true WUXING_WORKERS=${WUXING_WORKERS:-2}
case "${1:-}" in
start)
    mkdir -p "$RUN/logs" "$RUN/tmp"
    .venv/bin/wuxing collectstatic --noinput -v0
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py --daemon --pid "$RUN/gunicorn.pid" --error-logfile "$RUN/logs/gunicorn.log"
    nginx -p "$RUN/" -c "$PWD/deploy/nginx.conf" -g "pid $RUN/nginx.pid;"
    for _ in 1 2 3 4 5 6 7 8 9 10; do curl -fs http://127.0.0.1:8080/healthz >/dev/null && exit 0; sleep 1; done
    echo "stack did not answer on 127.0.0.1:8080" >&2; exit 1 ;;
stop)
    [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" || true
    [ -f "$RUN/gunicorn.pid" ] && kill "$(cat "$RUN/gunicorn.pid")" || true ;;
status)
    ps -o pid,rss,args -p "$(cat "$RUN/gunicorn.pid")" $(pgrep -P "$(cat "$RUN/gunicorn.pid")" | sed 's/^/-p /') ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
