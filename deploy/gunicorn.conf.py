"""gunicorn settings for Wuxing (docs/operations.md): sync workers, one per core, behind nginx."""

import multiprocessing
import os

bind = os.environ.get("WUXING_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WUXING_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"  # the app is CPU-bound; nginx buffers slow clients, so sync workers never wait on them
timeout = 120
graceful_timeout = 30
backlog = 2048
max_requests = 5000  # recycle workers now and then; keeps memory flat over weeks
max_requests_jitter = 500
wsgi_app = "wuxing.wsgi:application"
accesslog = os.environ.get("WUXING_ACCESS_LOG") or None  # nginx keeps the access log
errorlog = "-"
