"""A worker killed in the middle of a task: a new worker runs the task to completion, once.

The nightly rebuild of the progress summaries is sent through the real broker
(SQLite file, or Redis in CI). The test holds a lock on the summary table, so
the worker that takes the task waits inside it; that worker is then killed with
SIGKILL and the lock released. The task must not be lost (the SQLite broker
never redelivers by itself) and must not be run twice.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from datetime import timedelta

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from sqlalchemy import select

from qms import broker_recovery
from qms.certification import services
from qms.certification.models import CommuneProgress, EvidenceKind, Stage
from tests.conftest import running_celery_worker
from tests.factories import build_world

#: Seconds after which the test workers give back the task of a dead worker.
REDELIVERY_SECONDS = 3
WORKER_ENV = {"QMS_TEST_REDELIVERY_SECONDS": str(REDELIVERY_SECONDS)}
EMBEDDED = broker_recovery.is_embedded(settings.CELERY_BROKER_URL)


@contextlib.contextmanager
def summaries_locked():
    """Make every write to the summary table wait until the block ends."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {CommuneProgress._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            else:  # SQLite: the transaction began with BEGIN IMMEDIATE and holds the write lock
                cursor.execute(f"DELETE FROM {CommuneProgress._meta.db_table} WHERE 1 = 0")
        yield


def log_count(log_path, text: str) -> int:
    return log_path.read_text(errors="replace").count(text)


def wait_for_receiver(workers: list, text: str, timeout: float = 60) -> tuple:
    """The (process, log path) of the worker whose log first shows ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, log_path in workers:
            if log_count(log_path, text):
                return proc, log_path
        time.sleep(0.2)
    raise AssertionError(f"{text!r} in no worker log")


def claims_of(task_id: str) -> list:
    """(message id, worker pid) of the broker rows claimed for ``task_id``."""
    recovery = broker_recovery.Recovery(settings.CELERY_BROKER_URL)
    with recovery.engine.connect() as conn:
        query = (
            select(broker_recovery.claims.c.message_id, broker_recovery.workers.c.pid)
            .join(broker_recovery.workers, broker_recovery.workers.c.token == broker_recovery.claims.c.worker)
            .where(broker_recovery.claims.c.task_id == task_id)
        )
        return [tuple(row) for row in conn.execute(query)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_of_a_killed_worker_runs_to_completion_once_on_a_new_worker():
    from qms.certification.tasks import rebuild_progress_task

    world = build_world()
    services.add_evidence(
        commune=world.commune_b,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ Ban chỉ đạo ISO",
        reference="2/QĐ-UBND",
        issued_on=timezone.localdate() - timedelta(days=400),
        acting_user=world.iso_b,
    )
    CommuneProgress.objects.all().delete()

    with contextlib.ExitStack() as stack:
        workers = [stack.enter_context(running_celery_worker("first", WORKER_ENV))]
        if EMBEDDED:
            # A second worker is alive from the start: it must leave the busy worker's
            # task alone however long it runs (Redis would hand it over after its
            # visibility timeout, so there the second worker starts after the kill).
            workers.append(stack.enter_context(running_celery_worker("second", WORKER_ENV)))
        with summaries_locked():
            task_id = rebuild_progress_task.delay().id
            received, succeeded = f"[{task_id}] received", f"[{task_id}] succeeded"
            holder, holder_log = wait_for_receiver(workers, received)
            time.sleep(1)
            if EMBEDDED:
                other, other_log = next(worker for worker in workers if worker[0] is not holder)
                assert [pid for _message, pid in claims_of(task_id)] == [holder.pid]
                time.sleep(REDELIVERY_SECONDS * 2 + 1)
                assert log_count(other_log, received) == 0
                assert [pid for _message, pid in claims_of(task_id)] == [holder.pid]
            assert not CommuneProgress.objects.exists()
            assert holder.poll() is None, "the worker must still be inside the task"
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(timeout=20)
        if not EMBEDDED:
            other, other_log = stack.enter_context(running_celery_worker("second", WORKER_ENV))

        assert AsyncResult(task_id).get(timeout=90) == 2
        stages = dict(CommuneProgress.objects.values_list("commune_id", "stage"))
        assert stages == {world.commune_a.pk: Stage.NOT_STARTED, world.commune_b.pk: Stage.BUILDING}
        assert log_count(holder_log, succeeded) == 0
        # Well after the task has finished, nobody has received it again.
        time.sleep(REDELIVERY_SECONDS * 2 + 1)
        assert log_count(other_log, received) == 1
        assert log_count(other_log, succeeded) == 1
        if EMBEDDED:
            assert claims_of(task_id) == []
