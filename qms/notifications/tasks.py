"""Celery task of the notifications: send the e-mails of new notices."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="notifications.send_emails",
    autoretry_for=(OperationalError, SMTPException, ConnectionError),
    max_retries=3,
    retry_backoff=60,
    retry_jitter=True,
)
def send_emails() -> int:
    """Every 5 minutes: e-mail the notices not yet sent (idempotent)."""
    from .services import send_pending_emails

    return send_pending_emails()
