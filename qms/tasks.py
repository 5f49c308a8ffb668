"""Core Celery tasks."""

from celery import shared_task
from django.db import connection


@shared_task(name="qms.ping")
def ping(token: str) -> dict:
    """Round trip through the broker and the database; used by health checks and tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": token}
