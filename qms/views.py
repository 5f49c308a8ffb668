"""Operational endpoints: ``/healthz``."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        return str(exc)
    return None


def _check_broker() -> str | None:
    from qms.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            conn.default_channel  # opens the channel: the transport really answers
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


@never_cache
def healthz(request):
    """200 when the database and the Celery broker are reachable, else 503."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(error is None for error in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "checks": {name: ("ok" if error is None else error) for name, error in checks.items()},
    }
    if settings.DEBUG is False and not healthy:
        body["checks"] = {name: ("ok" if error is None else "unreachable") for name, error in checks.items()}
    return JsonResponse(body, status=200 if healthy else 503)
