import uuid

import pytest

from qms.tasks import ping
from tests.qms.healthz import ALL_OK, get_healthz


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_broker_are_reachable(client):
    response = get_healthz(client)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker(client):
    response = get_healthz(client, DEBUG=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "broker": "unreachable"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_runs_a_task_through_the_broker(celery_worker_process):
    token = uuid.uuid4().hex
    result = ping.delay(token)
    assert result.get(timeout=60) == {"pong": token}
    from django_celery_results.models import TaskResult

    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS" and stored.task_name == "qms.ping"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_on_separate_queues_each_run_only_their_queues_tasks():
    """A deployment that scales out: one worker for reminders, one for summaries and exports."""
    from django.conf import settings
    from django_celery_results.models import TaskResult

    from qms.certification.tasks import rebuild_progress_task
    from qms.notifications.tasks import send_emails
    from tests.conftest import running_celery_worker

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
