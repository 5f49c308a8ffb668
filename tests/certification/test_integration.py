"""Stage and maintenance computed from the real processes and audits data (through their services)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audits import services as audit_services
from audits.models import Auditor, ChecklistResult
from processes import services as process_services
from processes.docx.schema import FeeItem
from qms.certification import services
from qms.certification.models import Announcement, CommuneProgress, MaintenanceStatus, Stage
from qms.certification.rules import add_months
from tests.audits.builders import VANPHONG, clauses, make_auditor, make_programme
from tests.factories import make_user

from .conftest import days_ago, make_effective, pdf


def progress(commune):
    return CommuneProgress.objects.get(commune=commune)


def complete_audit(world, year: int, completed_on: date):
    lead = Auditor.objects.filter(commune=world.commune_a, user=world.auditor_a).first()
    lead = lead or make_auditor(world, world.auditor_a, VANPHONG)
    plan = audit_services.create_plan(
        acting_user=world.iso_a,
        programme=make_programme(world, year=year, auditors=[lead]),
        title=f"Đánh giá nội bộ năm {year}",
        planned_start=date(year, 5, 11),
        planned_end=date(year, 5, 13),
        lead_auditor=lead,
        team=[lead],
        clauses=clauses("7.5", "9.2"),
        document_number=str(year % 100),
    )
    audit_services.generate_checklist(acting_user=world.iso_a, plan=plan)
    for item in plan.checklist.all():
        audit_services.record_checklist_result(
            acting_user=world.auditor_a, item=item, result=ChecklistResult.CONFORMING, evidence="Đã xem hồ sơ."
        )
    return audit_services.complete_plan(
        acting_user=world.auditor_a, plan=plan, conclusion="HTQLCL được duy trì phù hợp.", completed_on=completed_on
    )


def hold_review(world, year: int, held_on: date):
    review = audit_services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=year,
        title=f"Họp xem xét của lãnh đạo năm {year}",
        planned_on=held_on,
        chair=world.leader_a,
        secretary=world.iso_a,
        location="Hội trường UBND",
    )
    return audit_services.hold_review(
        acting_user=world.leader_a, review=review, held_on=held_on, conclusions="HTQLCL phù hợp và hiệu lực."
    )


def conditions(row, year: int) -> dict[str, str]:
    return {c["kind"]: c["status"] for c in row.maintenance[str(year)]["conditions"]}


@pytest.mark.django_db
def test_maintenance_fails_for_a_year_with_no_internal_audit(world, procedures, django_capture_on_commit_callbacks):
    """Ý Yên's "việc duy trì … hàng năm chưa đạt yêu cầu": a pre-2025 commune, evaluated to 30/06/2025."""
    commune = world.commune_a
    with django_capture_on_commit_callbacks(execute=True):
        for procedure in procedures[:2]:
            make_effective(commune, procedure, world.iso_a, world.leader_a)
        process_services.add_handled_procedures(commune=commune, procedures=procedures, acting_user=world.iso_a)
        services.record_announcement(
            commune=commune, number="18", signed_on=date(2023, 3, 1), file=pdf(), acting_user=world.iso_a
        )
        complete_audit(world, 2023, date(2023, 5, 13))
        hold_review(world, 2023, date(2023, 6, 15))
        hold_review(world, 2024, date(2024, 6, 20))
    row = progress(commune)
    assert (row.stage, row.scope_size, row.handled_count, row.covered_count) == (Stage.MAINTAINING, 2, 3, 2)
    assert row.maintenance["2023"]["status"] == MaintenanceStatus.OK
    assert conditions(row, 2024)["internal_audit"] == MaintenanceStatus.FAILED
    assert conditions(row, 2024)["management_review"] == MaintenanceStatus.OK
    assert (row.maintenance_year, row.maintenance_status) == (2024, MaintenanceStatus.FAILED)
    late = {item["key"]: item for item in row.late_items}
    assert late["internal_audit:2024:"]["deadline"] == "2024-12-31"
    assert late["internal_audit:2024:"]["days_late"] == (date(2025, 6, 30) - date(2024, 12, 31)).days

    with django_capture_on_commit_callbacks(execute=True):
        complete_audit(world, 2024, date(2024, 11, 5))
    row = progress(commune)
    assert conditions(row, 2024)["internal_audit"] == MaintenanceStatus.OK
    assert (row.maintenance_status, row.late_count) == (MaintenanceStatus.OK, 0)


def announce_with_documents(world, procedures, *, signed_on=None, handled=()):
    """Effective documents for ``procedures``, the handled list, then the signed decision (number 7)."""
    commune, iso, leader = world.commune, world.iso, world.leader
    documents = [make_effective(commune, p, iso, leader) for p in procedures]
    if handled:
        process_services.add_handled_procedures(commune=commune, procedures=handled, acting_user=iso)
    services.record_announcement(
        commune=commune, number="7", signed_on=signed_on or days_ago(20), file=pdf(), acting_user=iso
    )
    return documents


@pytest.mark.django_db
def test_a_commune_needs_reannouncement_when_its_effective_scope_changes(
    today_world, procedures, django_capture_on_commit_callbacks
):
    commune, iso = today_world.commune, today_world.iso
    with django_capture_on_commit_callbacks(execute=True):
        announce_with_documents(today_world, procedures[:1])
    assert Announcement.objects.get().scope_codes == {"1.001193"}
    assert (progress(commune).stage, progress(commune).scope_size) == (Stage.ANNOUNCED, 1)

    with django_capture_on_commit_callbacks(execute=True):
        make_effective(commune, procedures[1], iso, today_world.leader)  # a TTHC added to the scope
    row = progress(commune)
    assert (row.stage, row.stage_since, row.scope_size) == (Stage.REANNOUNCE, timezone.localdate(), 2)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.record_announcement(
            commune=commune, number="31", signed_on=days_ago(0), file=pdf(), acting_user=iso
        )
    assert second.is_reannouncement and second.scope_codes == {"1.001193", "1.000894"}
    assert progress(commune).stage == Stage.ANNOUNCED


@pytest.mark.django_db
def test_removing_a_procedure_from_the_scope_also_asks_for_reannouncement(
    today_world, procedures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        documents = announce_with_documents(today_world, procedures[:2])
        process_services.withdraw_process_document(
            document=documents[1], acting_user=today_world.leader, reason="TTHC đã bị bãi bỏ."
        )
    row = progress(today_world.commune)
    assert (row.stage, row.scope_size) == (Stage.REANNOUNCE, 1)


@pytest.mark.django_db
def test_handled_procedures_not_covered_are_counted_and_become_late_after_three_months(
    today_world, procedures, django_capture_on_commit_callbacks
):
    commune = today_world.commune
    with django_capture_on_commit_callbacks(execute=True):
        announce_with_documents(today_world, procedures[:1], handled=procedures)
    row = progress(commune)
    assert (row.handled_count, row.covered_count, row.late_count) == (3, 1, 0)
    later = services.refresh_commune_progress(commune_id=commune.pk, today=timezone.localdate() + timedelta(days=100))
    assert sorted(i["ref"] for i in later.late_items if i["kind"] == "scope_coverage") == ["1.000894", "2.000815"]


@pytest.mark.django_db
def test_a_document_not_updated_within_three_months_of_a_legal_change_is_late(
    today_world, procedures, django_capture_on_commit_callbacks
):
    """The province re-publishes its model after a legal change; the commune's copy is flagged (QĐ 19 Art. 4.4a)."""
    from processes.content import document_content
    from tests.processes.helpers import approve_directly

    editor = make_user("tinh_iso")
    process_services.add_library_editor(unit=today_world.province, user=editor)
    commune, iso, leader = today_world.commune, today_world.iso, today_world.leader
    with django_capture_on_commit_callbacks(execute=True):
        model = process_services.create_process_document(
            procedure=procedures[0], owner_unit=today_world.province, acting_user=editor
        )
        model = approve_directly(model, editor, editor)
        copy = approve_directly(
            process_services.adopt_model(model=model, commune=commune, acting_user=iso), iso, leader
        )
        services.record_announcement(commune=commune, number="7", signed_on=days_ago(200), file=pdf(), acting_user=iso)
        content = document_content(model.get_latest_revision_as_object())
        content.fees = [FeeItem("Miễn lệ phí đăng ký khai sinh đúng hạn.")]
        legal = days_ago(150)
        process_services.save_draft_from_content(
            document=model,
            content=content,
            acting_user=editor,
            legal_change_effective_date=legal,
            change_request="Nghị định sửa đổi lệ phí hộ tịch",
        )
        approve_directly(model, editor, editor)
    row = progress(commune)
    [item] = [i for i in row.late_items if i["kind"] == "legal_update"]
    deadline = add_months(legal, 3)
    assert (item["ref"], item["deadline"], item["days_late"]) == (
        copy.code,
        deadline.isoformat(),
        (timezone.localdate() - deadline).days,
    )

    with django_capture_on_commit_callbacks(execute=True):
        process_services.update_from_model(document=copy, acting_user=iso)
        approve_directly(copy, iso, leader)
    row = progress(commune)
    assert not [i for i in row.late_items if i["kind"] == "legal_update"]
    year = row.maintenance[str(deadline.year)]
    assert {"kind": "legal_update", "status": MaintenanceStatus.FAILED} in [
        {"kind": c["kind"], "status": c["status"]} for c in year["conditions"] if c["ref"] == copy.code
    ]  # updated, but after the deadline
