"""Rows of audits.Notification and certification.Notification become notices, read and e-mailed state kept."""

from django.db import migrations

BATCH = 1000


def _copy(rows, Notification):
    batch = []
    for row in rows:
        batch.append(Notification(**row))
        if len(batch) >= BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)


def forward(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    AuditNotification = apps.get_model("audits", "Notification")
    CertificationNotification = apps.get_model("certification", "Notification")
    _copy(
        (
            {
                "recipient_id": old.recipient_id, "kind": f"audits.{old.kind}", "commune_id": old.commune_id,
                "content_type_id": old.content_type_id, "object_id": old.object_id,
                "subject": old.message.splitlines()[0][:255] if old.message else "", "message": old.message,
                "link": old.url, "dedup_key": f"audits.notification:{old.pk}", "created_at": old.created_at,
                "read_at": old.read_at, "mail_done": True,
                # The old reminder job e-mailed every notice whose recipient had an address.
                "emailed_at": old.created_at if old.recipient.email else None,
            }
            for old in AuditNotification.objects.select_related("recipient").order_by("pk").iterator()
        ),
        Notification,
    )
    _copy(
        (
            {
                "recipient_id": old.user_id, "kind": f"certification.{old.kind}", "commune_id": old.commune_id,
                "subject": old.subject, "message": old.body, "link": old.url, "dedup_key": old.dedup_key,
                "created_at": old.created_at, "read_at": old.read_at, "mail_done": True,
                "emailed_at": old.created_at if old.emailed else None,
            }
            for old in CertificationNotification.objects.order_by("pk").iterator()
        ),
        Notification,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("audits", "0004_auditor_name_order"),
        ("certification", "0002_private_files"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
