"""The Celery application. Tasks live in ``<app>/tasks.py`` and take IDs."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.dev")

app = Celery("qms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect(weak=False)
def _recover_lost_tasks(**kwargs):
    """A worker process starts the lost-task recovery (and only a worker loads SQLAlchemy for it)."""
    from qms import broker_recovery

    broker_recovery.install(app)
