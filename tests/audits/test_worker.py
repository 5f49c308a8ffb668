"""A real Celery worker runs the daily reminder task through the broker."""

import datetime

import pytest

from audits.clauses import load_clauses
from audits.models import IsoClause, Reminder, ReminderKind
from qms.notifications.models import Notification
from tests.factories import build_world

from .builders import make_audit, raise_nc


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_sends_the_daily_reminders_once(celery_worker_process):
    from audits.tasks import send_daily_reminders

    load_clauses(IsoClause)
    world = build_world()
    plan = make_audit(world)
    today = datetime.date(2026, 6, 1)
    overdue = raise_nc(world, plan, due=today - datetime.timedelta(days=7)).corrective_action
    result = send_daily_reminders.delay(today.isoformat()).get(timeout=90)
    assert result["sent"] == 2  # overdue to the owner, escalation to the leader
    reminders = Notification.objects.exclude(kind="audits.action_assigned")
    assert set(reminders.values_list("recipient__username", "kind")) == {
        ("iso_a", f"audits.{ReminderKind.OVERDUE}"),
        ("leader_a", f"audits.{ReminderKind.ESCALATION}"),
    }
    again = send_daily_reminders.delay(today.isoformat()).get(timeout=90)
    assert again["sent"] == 0
    assert Reminder.objects.filter(object_id=overdue.pk, sent_at__isnull=False).count() == 2
    assert reminders.filter(object_id=overdue.pk).count() == 2
