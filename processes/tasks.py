"""Celery tasks of the processes app: they call services as the system actor."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from qms import actors

logger = logging.getLogger(__name__)


@shared_task(
    name="processes.erase_expired_feedback_contacts",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=60,
)
def erase_expired_feedback_contacts() -> int:
    """The nightly job: erase citizens' contact details kept past the retention period."""
    from .services import erase_expired_feedback_contacts as run

    erased = run(acting_user=actors.SYSTEM)
    logger.info("feedback contacts erased: %d", erased)
    return erased


@shared_task(
    name="processes.plan_review_reminders",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=60,
)
def plan_review_reminders(date_iso: str | None = None) -> int:
    """The daily job: remind ISO officers of periodic reviews due in 30 days or overdue (idempotent)."""
    import datetime

    from qms.notifications.tasks import send_emails

    from .services import plan_review_reminders as run

    today = datetime.date.fromisoformat(date_iso) if date_iso else None
    created = run(today=today, acting_user=actors.SYSTEM)
    logger.info("review reminders: %d notices", created)
    if created:
        send_emails.delay()
    return created


@shared_task(name="processes.build_bulk_export", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=30)
def build_bulk_export(export_id: int) -> dict | None:
    """Build a requested bulk export of quy trình (the counters on its row show the progress)."""
    from .bulk_export import build_bulk_export as build

    export = build(export_id=export_id, acting_user=actors.SYSTEM)
    if export is None:
        return None
    return {"status": export.status, "done": export.done, "total": export.total}
