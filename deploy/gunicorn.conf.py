"""gunicorn settings for Wuxing (docs/operations.md): sync workers, one per core, behind nginx."""

import multiprocessing
import os

bind = os.environ.get("WUXING_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WUXING_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"  # the app is CPU-bound; nginx buffers slow clients, so sync workers never wait on them
timeout = 120
graceful_timeout = 30
backlog = 2048
# Recycle workers now and then (keeps memory flat over weeks), but not often: at 5,000 a worker of a busy server
# restarted every few seconds, and the requests queued while it loaded showed as a p99 of 0.8 s (docs/operations.md).
max_requests = 50000
max_requests_jitter = 5000
# The app is imported once in the master and the workers fork from it: a recycled worker serves at once. It opens
# no database or Redis connection at import. A release is deployed by restarting gunicorn (HUP reloads no code).
preload_app = True
wsgi_app = "wuxing.wsgi:application"
accesslog = os.environ.get("WUXING_ACCESS_LOG") or None  # nginx keeps the access log
errorlog = "-"
