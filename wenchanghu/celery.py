"""The project's one Celery app.

With `REDIS_URL` set, tasks go to Redis and a worker runs them; without it (the embedded default and the
developer's laptop) settings make every task run eagerly, in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenchanghu.settings")

app = Celery("wenchanghu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
