from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from tests.factories import build_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(db):
    """Two communes of one district with a user for every persona."""
    return build_world()


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker):
    """One transaction around a test class, rolled back after its last test.

    Class-scoped fixtures write their records inside ``with class_db.unblock():``;
    each test then runs in a savepoint of its own (pytest-django's ``db``), so a
    test's writes never reach the next one. Not for ``transactional_db`` tests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="class")
def class_world(class_db):
    """The ``world`` built once for a test class (see ``tests.permission_matrix.SharedWorld``)."""
    with class_db.unblock():
        return build_world()


@pytest.fixture(scope="session")
def reference_units(django_db_setup, django_db_blocker):
    """Both eras of administrative units, loaded once per test session."""
    from qms.units.models import AdministrativeUnit
    from qms.units.reference import load_unit_fixtures

    with django_db_blocker.unblock():
        if not AdministrativeUnit.objects.filter(code="01", level="province").exists():
            load_unit_fixtures()
    yield


@contextlib.contextmanager
def running_celery_worker(name: str = "test", extra_env: dict | None = None):
    """Start a real ``celery worker -P solo`` on the test database and broker; yields (process, log path).

    ``name`` makes the node name and the log file unique when a test runs several
    workers; ``extra_env`` adds environment variables (read by qms.settings.test_worker).
    The worker is stopped with SIGTERM at the end unless the test already ended it.
    """
    from django.db import connection

    from qms.celery import app

    db_settings = connection.settings_dict
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "qms.settings.test_worker"
    env["QMS_TEST_DB_NAME"] = str(db_settings["NAME"])
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["QMS_TEST_QUEUE"] = settings.CELERY_TASK_DEFAULT_QUEUE
    env.update(extra_env or {})
    log_path = Path(settings.DATA_DIR) / f"worker-{os.getpid()}{'' if name == 'test' else '-' + name}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qms",
            "worker",
            "-P",
            "solo",
            "-l",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}-{os.getpid()}@localhost",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in log_path.read_text(errors="replace"):
                break
            if proc.poll() is not None:
                raise RuntimeError("worker died:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.3)
        else:
            raise RuntimeError("worker not ready:\n" + log_path.read_text(errors="replace"))
        yield proc, log_path
    finally:
        app.conf.task_always_eager = previous
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real ``celery worker`` process on the test database and broker.

    The worker is started with the test settings but with eager mode off, so a
    task sent with ``.delay()`` from the test travels through the broker. Use
    with ``transactional_db`` data (committed rows) only, and mark the test
    ``serialized_rollback=True``: the flush after it then leaves the content
    types as the next worker test restores them (PostgreSQL keeps counting ids).
    """
    with running_celery_worker() as (proc, _log_path):
        yield proc
