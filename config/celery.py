"""Celery application.

Production: broker and result backend on Redis (``CELERY_BROKER_URL``). Embedded default: a
filesystem broker under ``var/celery`` so ``make run`` needs no outside service. Tests run tasks
eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
