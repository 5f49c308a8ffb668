"""The Celery application. Tasks live in ``<app>/tasks.py`` and take IDs."""

import os

from celery import Celery

from qms import broker_recovery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.dev")

app = Celery("qms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
broker_recovery.install(app)
