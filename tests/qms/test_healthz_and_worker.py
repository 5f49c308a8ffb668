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
