"""The run's demo database: ``setup_demo``'s data built once per test run, then copied where it is needed.

``setup_demo`` is run for real (``manage.py`` in its own process, committing as
it would on a fresh install) on a copy of the run's migrated SQLite template;
the result (the database file and the files it stored) is kept in a folder of
the run. The journeys' live server starts from a copy of that folder, and a
test class that reads the demo (``class_demo``) has it copied into its own
test database with SQLite's backup API and the previous content put back after
the class. On PostgreSQL, or in a run without a template (one process, no
xdist), the demo is loaded in the test's own transaction instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "qms.sqlite3"
MEDIA = "media"
#: Variables of the test process that would point a child process at the test database or broker.
CHILD_DROP = {"DATABASE_URL", "CELERY_BROKER_URL", "PYTEST_XDIST_WORKER", "QMS_TEST_QUEUE", "QMS_TEST_DB_NAME"}


def child_env(data_dir: Path, **extra: str) -> dict:
    """The environment of a ``manage.py`` process of its own on ``data_dir`` (its SQLite file and media)."""
    env = {k: v for k, v in os.environ.items() if k not in CHILD_DROP}
    env.update(
        {
            "QMS_DATA_DIR": str(data_dir),
            "QMS_TEST_MEDIA_ROOT": str(data_dir / MEDIA),
            "DJANGO_SETTINGS_MODULE": "qms.settings.test",
        }
    )
    env.update(extra)
    return env


def manage(data_dir: Path, *args: str, env: dict | None = None) -> None:
    """Run ``manage.py`` on ``data_dir``; its output goes to ``setup.log`` there, shown on failure."""
    log_path = data_dir / "setup.log"
    with log_path.open("a") as log:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or child_env(data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n" + log_path.read_text()[-4000:])


def prepared(migrated: Path) -> Path:
    """The folder holding the run's demo database beside ``migrated`` (the run's template), built on first use.

    Several test processes may ask at once: the first builds it under a file
    lock, the others wait and reuse it.
    """
    folder = migrated.with_name(migrated.stem + "-demo")
    ready = folder / "ready"
    with open(folder.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not ready.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                shutil.copyfile(migrated, folder / DB_NAME)
                manage(folder, "setup_demo")
                with contextlib.closing(sqlite3.connect(folder / DB_NAME)) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                ready.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


def remove(migrated: Path) -> None:
    folder = migrated.with_name(migrated.stem + "-demo")
    shutil.rmtree(folder, ignore_errors=True)
    folder.with_suffix(".lock").unlink(missing_ok=True)


def copy_to(folder: Path, data_dir: Path) -> None:
    """Put the demo database and its files in ``data_dir`` (a server's data folder)."""
    shutil.copyfile(folder / DB_NAME, data_dir / DB_NAME)
    if (folder / MEDIA).exists():
        shutil.copytree(folder / MEDIA, data_dir / MEDIA, dirs_exist_ok=True)


@contextlib.contextmanager
def swapped_in(folder: Path):
    """The test database holds the demo inside the block and its previous content after it.

    The files the demo stored are copied into this process's media folder.
    Needs a SQLite test database with no transaction open.
    """
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with contextlib.closing(sqlite3.connect(":memory:")) as saved:
        raw.backup(saved)
        with contextlib.closing(sqlite3.connect(folder / DB_NAME)) as demo:
            demo.backup(raw)
        if (folder / MEDIA).exists():
            shutil.copytree(folder / MEDIA, settings.MEDIA_ROOT, dirs_exist_ok=True)
        cache.clear()  # Wagtail's site root paths and the like, cached from the other content
        try:
            yield
        finally:
            saved.backup(raw)
            cache.clear()
