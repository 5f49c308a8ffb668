from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from tests import demo_database
from tests.factories import World, build_world, load_world

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker as the group")
    if getattr(config.option, "dist", None) == "loadgroup":
        # Groups go to the workers in collection order, where pytest-django puts the tests that flush the
        # database (transactional ones) last; xdist's default puts the biggest groups first.
        config.option.loadscopereorder = False
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        # The xdist controller names the run, so it can drop the run's template database at the end.
        if config.getoption("testrunuid", None) is None:
            config.option.testrunuid = uuid.uuid4().hex


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Name each test's ``xdist_group`` in its node id (``…@group``), where ``--dist loadgroup`` reads it.

    pytest-xdist 3.8 writes the suffix to ``item._nodeid``, which pytest 9 no longer reads (the id lives in
    ``item._id``): without this, the tests of a group (one live server and browser for ``tests/e2e``, one
    migration round trip, one demo) are spread over the workers and each worker builds their set-up again.
    Runs last, after the hooks that add the marker (``tests/e2e/conftest.py``).
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {
            str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = type(item._id).parse(item.nodeid + suffix)


def pytest_unconfigure(config):
    run = getattr(config.option, "testrunuid", None)
    if run and not hasattr(config, "workerinput"):
        _drop_template(run)


def _template_files(run: str) -> tuple[Path, Path]:
    """The lock file of the run's template database and the file saying it is ready."""
    base = Path(tempfile.gettempdir()) / f"qms-test-template-{run}"
    return base.with_suffix(".lock"), base.with_suffix(".ready")


def _template_name(connection, run: str) -> str:
    if connection.vendor == "sqlite":
        return str(Path(settings.DATA_DIR) / f"test-template-{run[:12]}.sqlite3")
    return f"test_{connection.settings_dict['NAME']}"[:40] + f"_tpl_{run[:12]}"


def _drop_template(run: str) -> None:
    lock, ready = _template_files(run)
    if ready.exists():
        from django.db import connections

        name = ready.read_text()
        connection = connections["default"]
        with contextlib.suppress(Exception):
            connection.creation._destroy_test_db(name, verbosity=0)
        if connection.vendor == "sqlite":
            demo_database.remove(Path(name))
        ready.unlink()
    lock.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test database, migrated once per run when xdist runs several workers.

    The first worker to need a database migrates a template (under a file lock);
    every worker then works on its own copy (a file copy on SQLite, ``CREATE
    DATABASE … TEMPLATE`` on PostgreSQL: Django's ``clone_test_db``). The xdist
    controller drops the template at the end. Without xdist, with ``--reuse-db``
    or ``--nomigrations``, this is pytest-django's own setup.
    """
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    workerinput = getattr(request.config, "workerinput", None)
    keepdb = django_db_keepdb and not django_db_createdb
    if workerinput is None or keepdb or not django_db_use_migrations or set(aliases) - {"default"}:
        if not django_db_use_migrations:
            _disable_migrations()
        with django_db_blocker.unblock():
            db_cfg = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
        return

    if not aliases:
        yield
        return
    run, worker = workerinput["testrunuid"], workerinput["workerid"]
    lock_path, ready = _template_files(run)
    connection = connections["default"]
    original_name = connection.settings_dict["NAME"]
    template = _template_name(connection, run)
    with django_db_blocker.unblock():
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if ready.exists():
                    connection.settings_dict["NAME"] = template
                else:
                    connection.settings_dict["TEST"]["NAME"] = template
                    connection.creation.create_test_db(verbosity=0, autoclobber=True)
                    connection.close()
                    ready.write_text(template)
                connection.creation.clone_test_db(suffix=worker, verbosity=0)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        clone = connection.creation.get_test_db_clone_settings(worker)["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = clone
        connection.ensure_connection()
        if "default" in serialized_aliases:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    if connection.vendor == "sqlite":
        request.config.qms_migrated_sqlite = Path(template)
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(old_database_name=original_name, verbosity=0)


#: Fixtures that need data committed for real (another process reads it, or the test flushes).
COMMITTING_FIXTURES = {"transactional_db", "live_server", "django_db_serialized_rollback", "celery_worker_process"}


def _commits(item) -> bool:
    if COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))


@pytest.fixture(scope="module")
def module_world(request, django_db_setup, django_db_blocker):
    """The rows of ``world`` built once for a test module, in a transaction rolled back at its end.

    Each test still runs in a savepoint of its own (pytest-django's ``db``), so its
    writes never reach the next test, and ``world`` hands it fresh instances.
    Not shared (``None``) when a test of the module commits for real or a
    transaction is already open (a class-scoped world).
    """
    from django.db import connection

    items = [item for item in request.session.items if item.module is request.module]
    if any(_commits(item) for item in items):
        yield None
        return
    if any("reference_units" in getattr(item, "fixturenames", ()) for item in items):
        request.getfixturevalue("reference_units")  # loaded (committed) before the module's transaction opens
    with django_db_blocker.unblock():
        if connection.in_atomic_block:
            yield None
            return
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            keys = World(
                province_unit=built.province_unit.pk,
                district_unit=built.district_unit.pk,
                commune_a=built.commune_a.pk,
                commune_b=built.commune_b.pk,
                users={key: user.pk for key, user in built.users.items()},
            )
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield keys
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="session")
def migrated_sqlite_file(request, django_db_setup) -> Path | None:
    """A SQLite file holding a freshly migrated database (the run's template), if this run has one.

    A server started in another process copies it instead of migrating again.
    """
    return getattr(request.config, "qms_migrated_sqlite", None)


@pytest.fixture(scope="session")
def demo_folder(migrated_sqlite_file) -> Path | None:
    """The run's demo database (``setup_demo`` run once per run on a copy of the template), if this run has one."""
    return demo_database.prepared(migrated_sqlite_file) if migrated_sqlite_file else None


@pytest.fixture
def world(module_world, db):
    """Two communes of one district with a user for every persona (rows shared by the module)."""
    if module_world is None:
        return build_world()
    return load_world(module_world)


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
def class_world(module_world, class_db):
    """The ``world`` of a test class (see ``tests.permission_matrix.SharedWorld``): the module's, or built once."""
    with class_db.unblock():
        return build_world() if module_world is None else load_world(module_world)


@pytest.fixture(scope="class")
def class_demo(request, reference_units, django_db_blocker):
    """The demo (``setup_demo``'s data) for a test class, in a transaction rolled back after it.

    Each test runs in a savepoint of its own. On SQLite the run's demo database
    is copied in (``tests.demo_database``) and the previous content put back
    after the class; otherwise the demo is loaded in the class's transaction.
    Class fixtures that write (``with class_demo.unblock():``) do so in that transaction.
    """
    from django.db import connection

    from qms.demo import load_demo

    with contextlib.ExitStack() as stack:
        with django_db_blocker.unblock():
            folder = request.getfixturevalue("demo_folder") if connection.vendor == "sqlite" else None
            swapped = bool(folder) and not connection.in_atomic_block
            if swapped:
                stack.enter_context(demo_database.swapped_in(folder))
            outer = transaction.atomic()
            outer.__enter__()
            try:
                if not swapped:
                    load_demo()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield django_db_blocker
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                stack.close()


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
def running_celery_worker(
    name: str = "test", extra_env: dict | None = None, queues: list[str] | None = None, *, not_eager: bool = True
):
    """Start a real ``celery worker -P solo`` on the test database and broker; yields (process, log path).

    ``name`` makes the node name and the log file unique when a test runs several
    workers; ``extra_env`` adds environment variables (read by qms.settings.test_worker);
    ``queues`` limits the worker to those queues (``-Q``; every queue by default).
    ``not_eager``: tasks sent in the block travel through the broker (otherwise the
    caller switches eager mode off itself). The worker is stopped with SIGTERM at
    the end unless the test already ended it.
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
            *(["-Q", ",".join(queues)] if queues else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager
    if not_eager:
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


@pytest.fixture(scope="module")
def module_celery_worker(django_db_setup, django_db_blocker):
    """The real ``celery worker`` process of a test module, started when its first test needs it."""
    with django_db_blocker.unblock(), running_celery_worker(not_eager=False) as (proc, _log_path):
        yield proc


@pytest.fixture
def celery_worker_process(transactional_db, module_celery_worker):
    """A real ``celery worker`` process on the test database and broker (one per test module).

    The worker runs with the test settings but eager mode is off during the test,
    so a task sent with ``.delay()`` from the test travels through the broker. Use
    with ``transactional_db`` data (committed rows) only, and mark the test
    ``serialized_rollback=True``: the flush after it then leaves the content
    types as the next worker test restores them (PostgreSQL keeps counting ids).
    """
    from qms.celery import app

    assert module_celery_worker.poll() is None, "the module's worker has stopped"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield module_celery_worker
    finally:
        app.conf.task_always_eager = previous
