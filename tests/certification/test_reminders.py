"""The daily job: newly late items flagged once, the ISO officer reminded, the followers when several are late."""

import pytest
from django.core import mail
from django.urls import reverse

from qms.certification import services
from qms.certification.models import LateItemFlag
from qms.certification.tasks import flag_late_items_task
from qms.notifications.models import Notification

from .conftest import days_ago


@pytest.fixture
def late_world(today_world, django_capture_on_commit_callbacks):
    """Both communes missed the province's target; Đông Hòa also left an inspection conclusion unanswered."""
    with django_capture_on_commit_callbacks(execute=True):
        services.set_target(
            unit=today_world.province, percent=100, target_date=days_ago(10), acting_user=today_world.follower
        )
    services.record_inspection(
        commune=today_world.commune,
        inspected_on=days_ago(90),
        method="documents",
        agency="Sở KH&CN",
        conclusions=[("Chưa niêm yết phạm vi áp dụng.", True)],
        acting_user=today_world.follower,
    )
    return today_world


def notifications_of(user):
    return [
        (kind.removeprefix("certification."), commune)
        for kind, commune in Notification.objects.filter(recipient=user).values_list("kind", "commune__name")
    ]


@pytest.mark.django_db
def test_the_daily_job_reminds_officers_and_escalates_communes_with_several_late_items(
    late_world, django_capture_on_commit_callbacks
):
    w = late_world
    with django_capture_on_commit_callbacks(execute=True):
        result = flag_late_items_task.delay().get()
    assert result == {"communes": 2, "items": 3, "notifications": 3}
    assert notifications_of(w.iso) == [("late_item", w.commune.name)]
    assert notifications_of(w.iso_other) == [("late_item", w.other.name)]
    assert notifications_of(w.follower) == [("escalation", w.commune.name)]  # Tây Sơn has one late item only
    assert notifications_of(w.leader) == []
    body = Notification.objects.get(recipient=w.iso).message
    assert "Báo cáo khắc phục kết luận kiểm tra trong 2 tháng: Chưa niêm yết phạm vi áp dụng." in body
    assert f"hạn {days_ago(10):%d/%m/%Y}, chậm 10 ngày" in body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (w.iso, w.iso_other, w.follower) if u.email)
    assert LateItemFlag.objects.filter(cleared_on__isnull=True).count() == 3

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.flag_late_items()
    assert again == {"communes": 0, "items": 0, "notifications": 0}
    assert Notification.objects.count() == 3 and len(mail.outbox) == sent


@pytest.mark.django_db
def test_an_answered_item_is_cleared_and_the_officer_reads_the_reminders(client, late_world):
    w = late_world
    services.flag_late_items()
    conclusion = w.commune.qms_inspections.get().conclusions.get()
    services.record_corrective_report(
        conclusion=conclusion, reported_on=days_ago(1), note="Đã niêm yết.", acting_user=w.iso
    )
    services.flag_late_items()
    assert LateItemFlag.objects.filter(commune=w.commune, kind="inspection_report").get().cleared_on is not None
    client.force_login(w.iso)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert w.commune.name in page
    client.post(reverse("notifications:inbox"))
    assert not Notification.objects.filter(recipient=w.iso, read_at__isnull=True).exists()
    assert client.get(reverse("notifications:inbox")).status_code == 200
