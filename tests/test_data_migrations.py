"""The data migrations on PostgreSQL, run in one round trip over the migration graph.

(On SQLite they run on the previous release's database: ``tests/qms/test_upgrade.py``.)

The database goes back once to the earliest state any of them starts from;
each migration's old rows are written at its own step on the way forward (the
fee text at ``processes 0002``, the old notifications at ``notifications
0001``, the names cut short at ``processes 0004``), then the latest schema is
reached again and each test reads what the migrations made of its rows.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audits.models import AuditedProcess, Finding
from processes.content import document_content, revision_content
from processes.docx.schema import FeeItem
from processes.fees import fee_rows_from_text
from processes.models import Procedure, ProcessDocument
from qms.certification.models import ScopeGap
from qms.notifications.models import Notification as CurrentNotification
from tests.audits.builders import make_audit, raise_nc
from tests.factories import build_world
from tests.processes.helpers import approve_directly, make_procedure, start_document
from tests.processes.test_fees_table import OLD_TEXT
from tests.processes.test_full_names import LONG_NAME

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="on SQLite the data migrations run on the previous release's database (tests/qms/test_upgrade.py)",
    ),
    pytest.mark.xdist_group("data_migrations"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Where the fee text migration (processes 0003) starts.
FEES_BEFORE = [("processes", "0002_process_workflow")]
#: Where the notification move (notifications 0002, audits 0005, certification 0003) starts.
NOTIFICATIONS_BEFORE = [
    ("notifications", "0001_initial"),
    ("audits", "0004_auditor_name_order"),
    ("certification", "0002_private_files"),
]
#: Where the name restoring migrations start (names were cut to 255 characters).
NAMES_BEFORE = [
    ("processes", "0004_long_procedure_names"),
    ("audits", "0006_long_procedure_names"),
    ("certification", "0004_long_procedure_names"),
]
WHEN = datetime.datetime(2026, 5, 4, 0, 0, tzinfo=datetime.UTC)


def _migrate(targets=None):
    """Migrate to ``targets`` (default: the latest migration of every app); the project state reached."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _old_fee_rows(seen, document) -> None:
    """At processes 0002: the rows of the fee table are text again; the test's text is written there."""
    table = ProcessDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT fees FROM {table} WHERE id = %s", [document.pk])
        seen["fees_back"] = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {table} SET fees = %s WHERE id = %s", [OLD_TEXT, document.pk])
    revision = type(document.latest_revision).objects.get(pk=document.latest_revision.pk)
    seen["fees_revision_back"] = revision.content["fees"]


def _old_notifications(old, world) -> None:
    """At notifications 0001: rows in both old notification tables."""
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


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker):
    """Rows of every data migration's test, the round trip, and what each test reads at its steps and at the end."""
    seen = {}
    with django_db_blocker.unblock():
        if hasattr(connection, "_test_serialized_contents"):
            # The content of a freshly migrated database (content types, permissions), as a test with
            # serialized_rollback finds it: a transactional test run before may have flushed it.
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        world = build_world()
        world.iso_a.email = "iso_a@example.gov.vn"
        world.iso_a.save()
        khai_sinh = make_procedure()  # a name in the shipped catalogue files; its fee text is "Trực tiếp: Miễn phí"
        fees_document = start_document(world, khai_sinh)
        procedure = make_procedure(code="2.000815", name=LONG_NAME, field="Chứng thực")
        document = approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)
        plan = make_audit(world)
        scoped = plan.processes.order_by("order").first()
        AuditedProcess.objects.filter(pk=scoped.pk).update(document_id=document.pk)
        finding = raise_nc(world, plan)
        gap = ScopeGap.objects.create(
            commune=world.commune_a,
            procedure_code=procedure.code,
            procedure_name=LONG_NAME[:500],
            detected_on="2026-05-04",
        )
        CurrentNotification.objects.all().delete()  # the notification move starts from an empty new table
        old = _migrate(FEES_BEFORE + NOTIFICATIONS_BEFORE).apps
        try:
            _old_fee_rows(seen, fees_document)
            _old_notifications(old, world)
            _migrate(NAMES_BEFORE)  # processes 0003 (fee rows) and the notification move run on the way
            AuditedProcess.objects.filter(pk=scoped.pk).update(title=LONG_NAME[:255])
            Finding.objects.filter(pk=finding.pk).update(
                process_document_title=LONG_NAME[:255], process_document_id=None
            )
            Procedure.objects.filter(pk=khai_sinh.pk).update(name="Thủ tục đăng ký")
            untouched = plan.processes.order_by("order").last()
        finally:
            new = _migrate().apps  # the latest schema again, as the next tests expect
        fees_document = ProcessDocument.objects.get(pk=fees_document.pk)
        seen["fees_content"] = document_content(fees_document).fees
        seen["fees_revision"] = revision_content(fees_document.latest_revision).fees
        seen["names"] = {
            "scoped": AuditedProcess.objects.get(pk=scoped.pk).title,
            "finding": Finding.objects.get(pk=finding.pk).process_document_title,
            "gap": ScopeGap.objects.get(pk=gap.pk).procedure_name,
            "khai_sinh": Procedure.objects.get(pk=khai_sinh.pk).name,
            "untouched": AuditedProcess.objects.get(pk=untouched.pk).title,
        }
        Notification = new.get_model("notifications", "Notification")
        seen["notifications"] = {n.kind: n for n in Notification.objects.all()}
        seen["notifications_count"] = Notification.objects.count()
        seen["notifications_to_mail"] = Notification.objects.filter(mail_done=False).exists()
    seen["world"] = world
    return seen


def test_the_migration_turns_fee_text_into_rows_and_back(round_trip):
    assert round_trip["fees_back"] == "- Trực tiếp: Miễn phí"
    assert round_trip["fees_revision_back"] == "- Trực tiếp: Miễn phí"
    assert round_trip["fees_content"] == fee_rows_from_text(OLD_TEXT)
    assert round_trip["fees_revision"] == [FeeItem("Trực tiếp", "Miễn phí")]


def test_old_rows_move_with_their_read_and_emailed_state(round_trip):
    world, found = round_trip["world"], round_trip["notifications"]
    assert round_trip["notifications_count"] == 4
    overdue = found["audits.overdue"]
    assert (overdue.recipient_id, overdue.read_at, overdue.created_at) == (world.iso_a.pk, WHEN, WHEN)
    assert overdue.message == overdue.subject == "Hành động 01/2026 đã quá hạn 3 ngày."
    assert overdue.link == "/admin/audits/actions/" and overdue.object_id == world.commune_a.pk
    assert overdue.emailed_at == WHEN and overdue.mail_done  # it had been e-mailed by the old job
    escalation = found["audits.escalation"]
    assert escalation.read_at is None and escalation.emailed_at is None and escalation.mail_done  # no address
    late = found["certification.late_item"]
    assert (late.subject, late.message, late.link, late.dedup_key) == (
        "Xã An Bình: 1 việc chậm hạn",
        "- Đánh giá nội bộ",
        "/admin/certification/",
        "late:1:2026-05-04",
    )
    assert late.emailed_at is not None and late.read_at is None
    followed = found["certification.escalation"]
    assert followed.recipient_id == world.district.pk and followed.read_at == WHEN and followed.emailed_at is None
    assert not round_trip["notifications_to_mail"]  # nothing old is e-mailed again


def test_the_data_migration_restores_names_cut_short(round_trip):
    names = round_trip["names"]
    assert names["scoped"] == LONG_NAME
    assert names["finding"] == LONG_NAME
    assert names["gap"] == LONG_NAME
    assert names["khai_sinh"] == "Thủ tục đăng ký khai sinh"
    assert names["untouched"] == "Cấp giấy phép xây dựng"
