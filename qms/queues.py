"""The Celery queues and which task runs on which.

One worker (``manage.py start``, ``deploy/systemd/qms-worker.service``) consumes every queue;
a deployment that scales out runs one worker per queue (``qms-worker@reminders``, …), so a long
export never holds up the morning's reminders. Read by the settings, so nothing here imports Django.
"""

from __future__ import annotations

from kombu import Queue

#: The queue of every task not routed below.
DEFAULT = "celery"

#: Queue name → the task names (glob patterns) it carries.
ROUTED: dict[str, tuple[str, ...]] = {
    "reminders": (
        "audits.send_daily_reminders",
        "notifications.send_emails",
        "processes.plan_review_reminders",
        "certification.remind_*",
        "certification.flag_late_items",
    ),
    "exports": (
        "certification.build_year_package",
        "certification.run_carry_over",
        "processes.*export*",
    ),
    "summaries": (
        "certification.rebuild_progress",
        "certification.refresh_commune",
    ),
}


def queue_names(*, default: str = DEFAULT, prefix: str = "") -> list[str]:
    return [default, *(prefix + name for name in ROUTED)]


def task_queues(*, default: str = DEFAULT, prefix: str = "") -> list[Queue]:
    """Every queue; a worker started without ``-Q`` consumes them all."""
    return [Queue(name, routing_key=name) for name in queue_names(default=default, prefix=prefix)]


def task_routes(*, prefix: str = "") -> dict[str, dict[str, str]]:
    return {pattern: {"queue": prefix + name} for name, patterns in ROUTED.items() for pattern in patterns}
