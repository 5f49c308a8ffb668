"""Celery tasks of the audits app: they take IDs / ISO dates and call services."""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from qms.notifications.tasks import send_emails

logger = logging.getLogger(__name__)


@shared_task(
    name="audits.send_daily_reminders",
    autoretry_for=(OperationalError, SMTPException, ConnectionError),
    max_retries=3,
    retry_backoff=60,
    retry_jitter=True,
)
def send_daily_reminders(date_iso: str | None = None) -> dict:
    """The 07:00 job: plan and send the day's reminders (idempotent for a given day)."""
    from .services import send_daily_reminders as run

    today = datetime.date.fromisoformat(date_iso) if date_iso else None
    result = run(today=today)
    logger.info("reminders %s: %d planned, %d sent", result.today, result.planned, result.sent)
    send_emails.delay()
    return {"date": result.today.isoformat(), "planned": result.planned, "sent": result.sent, "skipped": result.skipped}
