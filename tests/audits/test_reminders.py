"""The daily reminder job: idempotent planning, sending in chunks, escalation, audit due."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from audits import services
from audits.models import ActionStatus, DecisionTopic, Reminder, ReminderKind
from qms.notifications.models import Notification
from qms.notifications.services import send_pending_emails

from .builders import make_audit, make_programme, raise_nc

TODAY = datetime.date(2026, 6, 1)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def people(world):
    for name in ("iso_a", "leader_a", "leader_b", "iso_b"):
        user = getattr(world, name)
        user.email = f"{name}@example.gov.vn"
        user.save()
    return world


@pytest.fixture
def plan(people):
    return make_audit(people)


def _reminders():
    return Notification.objects.filter(kind__in=[f"audits.{kind}" for kind in ReminderKind])


def _kinds(user) -> list[str]:
    return sorted(
        kind.removeprefix("audits.") for kind in _reminders().filter(recipient=user).values_list("kind", flat=True)
    )


def _mails() -> list:
    """The e-mailed reminders (not the notices of assignment)."""
    return [m for m in mail.outbox if m.extra_headers["X-HTQLCL-Kind"] != "audits.action_assigned"]


def _run(*, today):
    """The 07:00 job, then the notification sender that e-mails what it planned."""
    run = services.send_daily_reminders(today=today)
    send_pending_emails()
    return run


@pytest.mark.django_db
def test_running_twice_on_one_day_sends_each_reminder_once(people, plan):
    raise_nc(people, plan, due=days(7))
    raise_nc(people, plan, due=days(1))
    raise_nc(people, plan, due=days(-3))
    first = _run(today=TODAY)
    assert first.sent == 3
    assert len(_mails()) == 3
    assert _kinds(people.iso_a) == sorted([ReminderKind.DUE_IN_7_DAYS, ReminderKind.DUE_TOMORROW, ReminderKind.OVERDUE])
    second = _run(today=TODAY)
    assert second.sent == 0
    assert len(_mails()) == 3
    assert _reminders().count() == 3
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_messages_are_in_vietnamese_and_name_the_action(people, plan):
    action = raise_nc(people, plan, due=days(1)).corrective_action
    _run(today=TODAY)
    email = _mails()[0]
    assert email.to == ["iso_a@example.gov.vn"]
    assert f"Hành động {action.number} đến hạn ngày mai" in email.subject
    assert "02/06/2026" in email.body
    assert f"/admin/audits/actions/inspect/{action.pk}/" in email.body
    notification = _reminders().get(recipient=people.iso_a)
    assert notification.subject_object == action
    assert notification.read_at is None


@pytest.mark.django_db
def test_escalation_to_the_commune_leader_fires_on_day_seven_overdue(people, plan):
    action = raise_nc(people, plan, due=days(-6)).corrective_action
    _run(today=TODAY)
    assert _kinds(people.leader_a) == []
    _run(today=days(1))
    assert _kinds(people.leader_a) == [ReminderKind.ESCALATION]
    escalation = [m for m in _mails() if m.to == ["leader_a@example.gov.vn"]]
    assert len(escalation) == 1
    assert "quá hạn 7 ngày" in escalation[0].subject
    assert action.number in escalation[0].body
    # once only, and never to another commune's leader or to the owner
    _run(today=days(2))
    assert _kinds(people.leader_a) == [ReminderKind.ESCALATION]
    assert _kinds(people.leader_b) == []
    assert ReminderKind.ESCALATION not in _kinds(people.iso_a)


@pytest.mark.django_db
def test_overdue_owner_is_reminded_every_day_until_done(people, plan):
    action = raise_nc(people, plan, due=days(-1)).corrective_action
    _run(today=TODAY)
    _run(today=days(1))
    assert _kinds(people.iso_a) == [ReminderKind.OVERDUE, ReminderKind.OVERDUE]
    services.update_action_plan(acting_user=people.iso_a, action=action, root_cause="x", action_plan="y")
    services.submit_for_verification(acting_user=people.iso_a, action=action)
    _run(today=days(2))
    assert len(_kinds(people.iso_a)) == 2


@pytest.mark.django_db
def test_finished_actions_are_not_reminded(people, plan):
    action = raise_nc(people, plan, due=days(1)).corrective_action
    services.cancel_action(acting_user=people.leader_a, action=action, reason="Ghi trùng.")
    run = _run(today=TODAY)
    assert run.sent == 0
    assert action.status == ActionStatus.CANCELLED


@pytest.mark.django_db
def test_action_finished_between_planning_and_sending_is_skipped(people, plan):
    from audits.reminders import plan_reminders, send_pending

    action = raise_nc(people, plan, due=days(1)).corrective_action
    plan_reminders(today=TODAY)
    services.cancel_action(acting_user=people.leader_a, action=action, reason="Ghi trùng.")
    run = send_pending(today=TODAY)
    assert (run.sent, run.skipped) == (0, 1)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_sending_happens_in_chunks(people, plan):
    from audits.reminders import plan_reminders, send_pending

    for _ in range(5):
        raise_nc(people, plan, due=days(-2))
    plan_reminders(today=TODAY)
    run = send_pending(today=TODAY, chunk_size=2)
    assert run.sent == 5
    assert send_pending_emails(batch_size=2) == 10  # five reminders, five notices of assignment
    assert len(_mails()) == 5


@pytest.mark.django_db
def test_tracked_review_decisions_are_reminded_too(people):
    review = services.create_review(
        acting_user=people.leader_a,
        commune=people.commune_a,
        year=2026,
        title="Xem xét của lãnh đạo năm 2026",
        planned_on=TODAY,
        chair=people.leader_a,
    )
    services.add_decision(
        acting_user=people.leader_a,
        review=review,
        topic=DecisionTopic.RESOURCES,
        text="Bổ sung máy scan cho bộ phận một cửa.",
        owner=people.iso_a,
        due_date=days(7),
        track=True,
    )
    _run(today=TODAY)
    assert _kinds(people.iso_a) == [ReminderKind.DUE_IN_7_DAYS]


@pytest.mark.django_db
def test_audit_due_this_year_but_not_planned_reminds_the_iso_secretary(people):
    programme = make_programme(people, year=2026, audit_month=6)
    _run(today=datetime.date(2026, 3, 2))
    assert _kinds(people.iso_a) == []
    _run(today=datetime.date(2026, 5, 11))
    assert _kinds(people.iso_a) == [ReminderKind.AUDIT_NOT_PLANNED]
    assert _kinds(people.leader_a) == []
    message = _reminders().get(recipient=people.iso_a).message
    assert "tháng 6" in message and "chưa lập kế hoạch" in message
    # weekly, not daily
    _run(today=datetime.date(2026, 5, 12))
    assert len(_kinds(people.iso_a)) == 1
    _run(today=datetime.date(2026, 5, 18))
    assert len(_kinds(people.iso_a)) == 2
    plan = make_audit_for(people, programme)
    _run(today=datetime.date(2026, 5, 25))
    assert len(_kinds(people.iso_a)) == 2
    assert plan.programme == programme


def make_audit_for(world, programme):
    auditor = services.save_auditor(
        acting_user=world.iso_a, commune=world.commune_a, user=world.auditor_a, home_unit="Văn phòng"
    )
    return services.create_plan(
        acting_user=world.iso_a,
        programme=programme,
        title="Đánh giá nội bộ năm 2026",
        planned_start=datetime.date(2026, 6, 8),
        planned_end=datetime.date(2026, 6, 9),
        lead_auditor=auditor,
    )


@pytest.mark.django_db
def test_commune_without_this_years_programme_is_reminded(people):
    make_programme(people, year=2025, audit_month=4)
    _run(today=datetime.date(2026, 4, 6))
    notification = _reminders().get(recipient=people.iso_a)
    assert "chưa có chương trình đánh giá nội bộ năm 2026" in notification.message
    assert _kinds(people.iso_b) == []


@pytest.mark.django_db
def test_command_dry_run_prints_and_writes_nothing(people, plan, capsys):
    raise_nc(people, plan, due=days(1))
    call_command("send_reminders", "--date", TODAY.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "đến hạn vào ngày mai" in out
    assert "iso_a@example.gov.vn" in out
    assert "chạy thử" in out
    assert not Reminder.objects.exists()
    assert not _reminders().exists()
    assert _mails() == []
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "đã gửi 1 lời nhắc" in capsys.readouterr().out
    assert len(_mails()) == 1


@pytest.mark.django_db
def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("send_reminders", "--date", "01/06/2026")


@pytest.mark.django_db
def test_eager_task_runs_the_same_job(people, plan):
    from audits.tasks import send_daily_reminders

    raise_nc(people, plan, due=days(1))
    result = send_daily_reminders.delay(TODAY.isoformat()).get()
    assert result == {"date": "2026-06-01", "planned": 1, "sent": 1, "skipped": 0}
    assert send_daily_reminders.delay(TODAY.isoformat()).get()["sent"] == 0
