"""Celery tasks: thin wrappers that take ids and call the services."""

from celery import shared_task
from django.db import OperationalError


@shared_task(name="certification.rebuild_progress", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60)
def rebuild_progress_task(unit_id: int | None = None) -> int:
    """Rebuild the summary rows (of the communes beneath ``unit_id``, or all)."""
    from qms.units.models import AdministrativeUnit

    from .services import rebuild_progress

    unit = AdministrativeUnit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit_id and unit is None:
        return 0
    return rebuild_progress(unit=unit)


@shared_task(name="certification.flag_late_items", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60)
def flag_late_items_task() -> dict:
    """Daily (07:15): flag newly late items and send the reminders."""
    from qms.notifications.tasks import send_emails

    from .services import flag_late_items

    result = flag_late_items()
    send_emails.delay()
    return result


@shared_task(name="certification.refresh_commune", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=30)
def refresh_commune_task(commune_id: int) -> str | None:
    from qms.units.models import Commune

    from .services import refresh_commune_progress

    if not Commune.objects.filter(pk=commune_id).exists():
        return None
    return refresh_commune_progress(commune_id=commune_id).stage


@shared_task(
    name="certification.remind_inspection_reports", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60
)
def remind_inspection_reports_task() -> dict:
    """Daily (07:20): remind communes of corrective reports due, tell the province of lapsed ones."""
    from qms.notifications.tasks import send_emails

    from .services import remind_inspection_reports

    result = remind_inspection_reports()
    send_emails.delay()
    return result


@shared_task(
    name="certification.remind_report_data", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60
)
def remind_report_data_task() -> dict:
    """1 November and weekly until the 30th (07:25): communes whose data the December report needs."""
    from qms.notifications.tasks import send_emails

    from .services import remind_report_data

    result = remind_report_data()
    send_emails.delay()
    return result


@shared_task(name="certification.run_carry_over", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=30)
def run_carry_over_task(carry_over_id: int) -> dict | None:
    """Carry a merged commune's predecessors' QMS over, step by step (counters on the carry-over row)."""
    from .mergers.services import run_carry_over

    carry_over = run_carry_over(carry_over_id=carry_over_id)
    if carry_over is None:
        return None
    return {"status": carry_over.status, "drafts": carry_over.drafts_created, "moved": carry_over.records_moved}


@shared_task(
    name="certification.build_year_package", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=30
)
def build_year_package_task(package_id: int) -> str | None:
    """Build a requested yearly archive package (the zip of a commune's closed year)."""
    from .archive_package.services import run_package

    return run_package(package_id=package_id)
