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
