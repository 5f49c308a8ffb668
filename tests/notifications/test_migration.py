"""The rows of the two old notification tables end up in the one new table."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import build_world

BEFORE = [
    ("notifications", "0001_initial"),
    ("audits", "0004_auditor_name_order"),
    ("certification", "0002_private_files"),
]
#: The migrations that move the rows (reached on the way to the latest schema).
AFTER = [
    ("notifications", "0002_move_old_notifications"),
    ("audits", "0005_remove_notification"),
    ("certification", "0003_remove_notification"),
]
WHEN = datetime.datetime(2026, 5, 4, 0, 0, tzinfo=datetime.UTC)


def _migrate(targets=None):
    """Migrate to ``targets`` (default: the latest migration of every app); the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_rows_move_with_their_read_and_emailed_state():
    world = build_world()
    world.iso_a.email = "iso_a@example.gov.vn"
    world.iso_a.save()
    old = _migrate(BEFORE)
    try:
        ContentType = old.get_model("contenttypes", "ContentType")
        commune_ct = ContentType.objects.get(app_label="units", model="commune")
        AuditNotification = old.get_model("audits", "Notification")
        CertificationNotification = old.get_model("certification", "Notification")
        read = AuditNotification.objects.create(
            recipient_id=world.iso_a.pk,
            commune_id=world.commune_a.pk,
            kind="overdue",
            content_type=commune_ct,
            object_id=world.commune_a.pk,
            message="Hành động 01/2026 đã quá hạn 3 ngày.",
            url="/admin/audits/actions/",
            read_at=WHEN,
        )
        AuditNotification.objects.filter(pk=read.pk).update(created_at=WHEN)
        AuditNotification.objects.create(
            recipient_id=world.leader_a.pk,
            commune_id=world.commune_a.pk,
            kind="escalation",
            content_type=commune_ct,
            object_id=world.commune_a.pk,
            message="Leo thang: hành động 01/2026.",
        )
        CertificationNotification.objects.create(
            user_id=world.iso_a.pk,
            commune_id=world.commune_a.pk,
            kind="late_item",
            dedup_key="late:1:2026-05-04",
            subject="Xã An Bình: 1 việc chậm hạn",
            body="- Đánh giá nội bộ",
            url="/admin/certification/",
            emailed=True,
        )
        CertificationNotification.objects.create(
            user_id=world.district.pk,
            commune_id=world.commune_a.pk,
            kind="escalation",
            dedup_key="escalation:1",
            subject="Xã An Bình có 2 việc chậm hạn",
            body="- …",
            emailed=False,
            read_at=WHEN,
        )
    finally:
        new = _migrate()  # through AFTER to the latest schema, which the next tests expect
    Notification = new.get_model("notifications", "Notification")
    assert Notification.objects.count() == 4
    overdue = Notification.objects.get(kind="audits.overdue")
    assert (overdue.recipient_id, overdue.read_at, overdue.created_at) == (world.iso_a.pk, WHEN, WHEN)
    assert overdue.message == overdue.subject == "Hành động 01/2026 đã quá hạn 3 ngày."
    assert overdue.link == "/admin/audits/actions/" and overdue.object_id == world.commune_a.pk
    assert overdue.emailed_at == WHEN and overdue.mail_done  # it had been e-mailed by the old job
    escalation = Notification.objects.get(kind="audits.escalation")
    assert escalation.read_at is None and escalation.emailed_at is None and escalation.mail_done  # no address
    late = Notification.objects.get(kind="certification.late_item")
    assert (late.subject, late.message, late.link, late.dedup_key) == (
        "Xã An Bình: 1 việc chậm hạn",
        "- Đánh giá nội bộ",
        "/admin/certification/",
        "late:1:2026-05-04",
    )
    assert late.emailed_at is not None and late.read_at is None
    followed = Notification.objects.get(kind="certification.escalation")
    assert followed.recipient_id == world.district.pk and followed.read_at == WHEN and followed.emailed_at is None
    assert not Notification.objects.filter(mail_done=False).exists()  # nothing old is e-mailed again
