"""Operational endpoints: ``/healthz``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        return str(exc)
    return None


def _check_broker() -> str | None:
    from celery import current_app

    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            conn.default_channel  # noqa: B018 - opens the channel: the transport really answers
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


#: An asset every admin page loads: when it cannot be found, pages fail.
STATIC_PROBE = "wagtailadmin/css/core.css"


def _check_static() -> str | None:
    storage = staticfiles_storage
    try:
        if isinstance(storage, ManifestFilesMixin):
            if not storage.manifest_storage.exists(storage.manifest_name):
                return f"no {storage.manifest_name} in {settings.STATIC_ROOT}: run collectstatic"
            name = storage.stored_name(STATIC_PROBE)
            if not storage.exists(name):
                return f"{name} is listed in the manifest but missing: run collectstatic"
        elif not (storage.exists(STATIC_PROBE) or finders.find(STATIC_PROBE)):
            return f"{STATIC_PROBE} not found: run collectstatic"
    except Exception as exc:  # noqa: BLE001 - a broken manifest is as bad as a missing one
        return str(exc)
    return None


def _check_migrations() -> str | None:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        return f"{len(plan)} migrations not applied ({names}): run migrate"
    return None


#: What an anonymous caller sees of a failing check when DEBUG is off.
PUBLIC_ERRORS = {"database": "unreachable", "broker": "unreachable", "static": "missing", "migrations": "pending"}


@never_cache
def healthz(request):
    """200 when the database and the broker answer, the static files are collected and
    the schema is up to date; else 503 (the details go to the log)."""
    database = _check_database()
    checks = {
        "database": database,
        "broker": _check_broker(),
        "static": _check_static(),
        "migrations": _check_migrations() if database is None else "database unreachable",
    }
    healthy = all(error is None for error in checks.values())
    for name, error in checks.items():
        if error is not None:
            logger.warning("healthz: %s: %s", name, error)
    if settings.DEBUG:
        shown = {name: error or "ok" for name, error in checks.items()}
    else:
        shown = {name: "ok" if error is None else PUBLIC_ERRORS[name] for name, error in checks.items()}
    body = {"status": "ok" if healthy else "error", "checks": shown}
    return JsonResponse(body, status=200 if healthy else 503)
