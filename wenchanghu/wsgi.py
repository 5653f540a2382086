"""WSGI entry point for gunicorn: `gunicorn wenchanghu.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchanghu.settings")

application = get_wsgi_application()
