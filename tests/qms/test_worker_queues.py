"""Scaling out: workers on separate queues each run only their queue's tasks (qms/queues.py).

In a module of its own: a module's shared worker (``module_celery_worker``) consumes every queue
and would take these tasks.
"""

import pytest
from django.conf import settings
from django_celery_results.models import TaskResult

from qms.certification.tasks import rebuild_progress_task
from qms.notifications.tasks import send_emails
from tests.conftest import running_celery_worker


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_on_separate_queues_each_run_only_their_queues_tasks():
    """A deployment that scales out: one worker for reminders, one for summaries and exports."""
    prefix = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-"
    with (
        running_celery_worker("reminders", queues=[f"{prefix}reminders"]),
        running_celery_worker("summaries", queues=[f"{prefix}summaries", f"{prefix}exports"]),
    ):
        results = {"reminders": send_emails.delay(), "summaries": rebuild_progress_task.delay()}
        assert results["reminders"].get(timeout=60) == 0
        assert results["summaries"].get(timeout=60) == 0  # no commune in this database
    for queue, result in results.items():
        stored = TaskResult.objects.get(task_id=result.id)
        assert stored.status == "SUCCESS" and stored.worker.startswith(f"{queue}-"), (queue, stored.worker)
