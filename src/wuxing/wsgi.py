"""WSGI entry point: `gunicorn wuxing.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.settings")
application = get_wsgi_application()
