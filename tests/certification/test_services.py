"""Services: every write validates, leaves an audit record and refreshes the summary row."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from qms.audit_log import entries_for
from qms.certification import services
from qms.certification.models import (
    Announcement,
    CommuneLifecycle,
    CommuneProgress,
    Evidence,
    EvidenceKind,
    InspectionConclusion,
    Stage,
)
from qms.certification.rules import add_months
from qms.signals import qms_data_changed

from .conftest import PAPER_SCOPE, days_ago, pdf


def progress(commune):
    return CommuneProgress.objects.get(commune=commune)


@pytest.mark.django_db
def test_stages_move_with_the_evidence_and_keep_a_dated_history(world):
    commune, iso = world.commune_a, world.iso_a
    services.add_evidence(
        commune=commune,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ thành lập Ban chỉ đạo ISO",
        reference="05/QĐ-UBND",
        issued_on=date(2024, 3, 4),
        acting_user=iso,
    )
    assert progress(commune).stage == Stage.BUILDING
    services.add_evidence(
        commune=commune,
        kind=EvidenceKind.PROCESS_DOCUMENTS,
        title="QĐ ban hành quy trình",
        reference="20/QĐ-UBND",
        issued_on=date(2024, 9, 1),
        acting_user=iso,
    )
    assert (progress(commune).stage, progress(commune).stage_since) == (Stage.APPLYING, date(2024, 9, 1))
    services.record_announcement(
        commune=commune, number="7", signed_on=date(2025, 1, 6), file=pdf(), scope=PAPER_SCOPE, acting_user=iso
    )
    row = progress(commune)
    assert (row.stage, row.announced_on, row.announcement_number) == (Stage.ANNOUNCED, date(2025, 1, 6), "7/QĐ-UBND")
    lifecycle = CommuneLifecycle.objects.get(commune=commune)
    history = list(lifecycle.history.order_by("history_date").values_list("stage", "stage_since", "history_user"))
    assert history == [
        (Stage.BUILDING, date(2024, 3, 4), iso.pk),
        (Stage.APPLYING, date(2024, 9, 1), iso.pk),
        (Stage.ANNOUNCED, date(2025, 1, 6), iso.pk),
    ]
    assert [e.action for e in entries_for(lifecycle)][0] == "certification.stage.change"


@pytest.mark.django_db
def test_recording_the_signed_decision_stores_the_scope_snapshot_and_an_audit_record(world):
    announcement = services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=days_ago(3),
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    assert announcement.scope_codes == {"1.001193", "1.000894", "2.000815"}
    assert announcement.history.first().history_user == world.iso_a
    assert entries_for(announcement).first().action == "certification.announcement.record"
    row = progress(world.commune_a)
    # No process document of the commune is in force in the system yet: an empty
    # effective scope, which does not ask for a re-announcement of the paper scope.
    assert (row.scope_size, row.stage) == (0, Stage.ANNOUNCED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "45a"}, "chỉ gồm chữ số"),
        ({"symbol": "qđ ubnd"}, "QĐ-UBND"),
        ({"signed_on": timezone.localdate() + timedelta(days=2)}, "tương lai"),
        ({"file": pdf("virus.exe")}, "Tệp không đúng định dạng cho phép"),
        (
            {"file": pdf("quyet-dinh.pdf", b"<html><script>alert(1)</script></html>")},
            "Tệp không đúng định dạng cho phép",
        ),
        ({"file": pdf("trong.pdf", b"")}, "trống"),
        ({"scope": []}, "không có thủ tục"),
    ],
)
def test_a_bad_announcement_is_refused_in_vietnamese_and_writes_nothing(world, changes, message):
    data = {
        "number": "45",
        "symbol": "QĐ-UBND",
        "signed_on": days_ago(3),
        "file": pdf(),
        "scope": PAPER_SCOPE,
    } | changes
    with pytest.raises(ValidationError) as excinfo:
        services.record_announcement(commune=world.commune_a, acting_user=world.iso_a, **data)
    assert message in " ".join(excinfo.value.messages)
    assert not Announcement.objects.exists()
    assert not CommuneProgress.objects.filter(commune=world.commune_a, stage=Stage.ANNOUNCED).exists()


@pytest.mark.django_db
def test_the_same_decision_number_cannot_be_recorded_twice_in_a_year(world):
    services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=days_ago(10),
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        services.record_announcement(
            commune=world.commune_a,
            number="45",
            signed_on=days_ago(5),
            file=pdf(),
            scope=PAPER_SCOPE,
            acting_user=world.iso_a,
        )
    assert Announcement.objects.count() == 1


@pytest.mark.django_db
def test_a_second_decision_is_a_reannouncement(world):
    services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=days_ago(400),
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    second = services.record_announcement(
        commune=world.commune_a,
        number="12",
        signed_on=days_ago(5),
        file=pdf(),
        scope=PAPER_SCOPE[:2],
        acting_user=world.iso_a,
    )
    assert second.is_reannouncement
    assert progress(world.commune_a).announcement_number == "12/QĐ-UBND"


@pytest.mark.django_db
def test_only_the_iso_officer_of_the_commune_records_evidence_and_decisions(world):
    for user in (world.iso_b, world.leader_a, world.district):
        with pytest.raises(PermissionDenied):
            services.add_evidence(
                commune=world.commune_a,
                kind=EvidenceKind.PLAN,
                title="Kế hoạch",
                reference="1/KH",
                issued_on=days_ago(1),
                acting_user=user,
            )
        with pytest.raises(PermissionDenied):
            services.record_announcement(
                commune=world.commune_a,
                number="1",
                signed_on=days_ago(1),
                file=pdf(),
                scope=PAPER_SCOPE,
                acting_user=user,
            )
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_evidence_needs_a_number_or_a_file(world):
    with pytest.raises(ValidationError, match="số hiệu văn bản"):
        services.add_evidence(
            commune=world.commune_a,
            kind=EvidenceKind.PLAN,
            title="Kế hoạch",
            issued_on=days_ago(1),
            acting_user=world.iso_a,
        )
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_deleting_evidence_moves_the_stage_back_and_is_audited(world):
    evidence = services.add_evidence(
        commune=world.commune_a,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ Ban chỉ đạo",
        reference="3/QĐ-UBND",
        issued_on=days_ago(30),
        acting_user=world.iso_a,
    )
    assert progress(world.commune_a).stage == Stage.BUILDING
    services.delete_evidence(evidence=evidence, acting_user=world.iso_a)
    assert progress(world.commune_a).stage == Stage.NOT_STARTED
    assert Evidence.history.filter(history_type="-", history_user=world.iso_a).exists()


@pytest.mark.django_db
def test_inspection_conclusions_needing_action_are_due_in_two_months(world):
    inspected = date(2026, 8, 31)
    inspection = services.record_inspection(
        commune=world.commune_a,
        inspected_on=inspected,
        method="on_site",
        agency="Sở KH&CN",
        conclusions=[("Đạt yêu cầu.", False), ("Chưa đánh giá nội bộ.", True), ("", True)],
        acting_user=world.province,
    )
    conclusions = list(inspection.conclusions.order_by("pk").values_list("needs_action", "due_on"))
    assert conclusions == [(False, None), (True, add_months(inspected, 2))]
    assert progress(world.commune_a).open_reports == 1
    assert progress(world.commune_a).last_inspection_on_site


@pytest.mark.django_db
def test_only_the_province_records_inspections(world):
    for user in (world.district, world.iso_a):
        with pytest.raises(PermissionDenied):
            services.record_inspection(
                commune=world.commune_a,
                inspected_on=days_ago(1),
                method="documents",
                agency="Sở",
                conclusions=[("x", True)],
                acting_user=user,
            )
    with pytest.raises(ValidationError, match="ít nhất một kết luận"):
        services.record_inspection(
            commune=world.commune_a,
            inspected_on=days_ago(1),
            method="documents",
            agency="Sở",
            conclusions=[("  ", True)],
            acting_user=world.province,
        )


@pytest.mark.django_db
def test_an_unanswered_conclusion_becomes_late_and_the_report_closes_it(today_world):
    commune, iso = today_world.commune, today_world.iso
    inspection = services.record_inspection(
        commune=commune,
        inspected_on=days_ago(90),
        method="documents",
        agency="Sở KH&CN",
        conclusions=[("Chưa cập nhật quy trình.", True)],
        acting_user=today_world.follower,
    )
    row = progress(commune)
    assert [i["kind"] for i in row.late_items] == ["inspection_report"]
    assert row.late_items[0]["days_late"] == (timezone.localdate() - add_months(days_ago(90), 2)).days
    conclusion = inspection.conclusions.get()
    with pytest.raises(ValidationError, match="trước ngày kiểm tra"):
        services.record_corrective_report(conclusion=conclusion, reported_on=days_ago(100), note="x", acting_user=iso)
    with pytest.raises(PermissionDenied):
        services.record_corrective_report(
            conclusion=conclusion, reported_on=days_ago(1), note="x", acting_user=today_world.iso_other
        )
    services.record_corrective_report(
        conclusion=conclusion, reported_on=days_ago(1), note="Đã cập nhật.", acting_user=iso
    )
    assert progress(commune).late_count == 0
    assert progress(commune).open_reports == 0
    with pytest.raises(ValidationError, match="đã được trả lời"):
        services.record_corrective_report(conclusion=conclusion, reported_on=days_ago(1), note="lại", acting_user=iso)
    assert InspectionConclusion.history.filter(history_user=iso).count() == 1


@pytest.mark.django_db
def test_a_pre_2025_commune_is_evaluated_up_to_the_end_of_its_era(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_target(
            unit=world.district_unit, percent=100, target_date=date(2024, 12, 31), acting_user=world.province
        )
    row = progress(world.commune_a)
    assert [(i["kind"], i["days_late"]) for i in row.late_items] == [("announcement", 181)]  # to 30/06/2025


@pytest.mark.django_db
def test_a_full_target_makes_unannounced_communes_late(today_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_target(
            unit=today_world.province, percent=100, target_date=days_ago(10), acting_user=today_world.follower
        )
    for commune in (today_world.commune, today_world.other):
        row = progress(commune)
        assert [(i["kind"], i["days_late"]) for i in row.late_items] == [("announcement", 10)]
    with pytest.raises(PermissionDenied):
        services.set_target(unit=today_world.province, percent=80, target_date=days_ago(1), acting_user=today_world.iso)


@pytest.mark.django_db
def test_rebuild_progress_command_rebuilds_every_summary(world):
    services.add_evidence(
        commune=world.commune_b,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ",
        reference="1/QĐ-UBND",
        issued_on=days_ago(5),
        acting_user=world.iso_b,
    )
    CommuneProgress.objects.all().delete()
    call_command("rebuild_progress", "--unit", world.district_unit.code, "--era", world.district_unit.era)
    stages = dict(CommuneProgress.objects.values_list("commune__name", "stage"))
    assert stages == {world.commune_a.name: Stage.NOT_STARTED, world.commune_b.name: Stage.BUILDING}


@pytest.mark.django_db
def test_a_data_changed_signal_refreshes_that_commune(world):
    evidence = services.add_evidence(
        commune=world.commune_a,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ",
        reference="1/QĐ-UBND",
        issued_on=days_ago(5),
        acting_user=world.iso_a,
    )
    Evidence.objects.filter(pk=evidence.pk).delete()  # behind the services' back
    assert progress(world.commune_a).stage == Stage.BUILDING
    qms_data_changed.send(sender=Evidence, commune_id=world.commune_a.pk, kind="process")
    assert progress(world.commune_a).stage == Stage.NOT_STARTED


@pytest.mark.django_db
def test_audits_and_reviews_kept_on_paper_count_for_their_year(today_world):
    commune, iso = today_world.commune, today_world.iso
    services.record_announcement(
        commune=commune, number="9", signed_on=date(2023, 3, 1), file=pdf(), scope=PAPER_SCOPE, acting_user=iso
    )
    assert progress(commune).maintenance["2024"]["status"] == "failed"
    for kind, title, issued_on in (
        (EvidenceKind.INTERNAL_AUDIT, "Báo cáo đánh giá nội bộ năm 2024", date(2024, 10, 8)),
        (EvidenceKind.MANAGEMENT_REVIEW, "Biên bản họp xem xét của lãnh đạo năm 2024", date(2024, 11, 20)),
    ):
        services.add_evidence(
            commune=commune, kind=kind, title=title, reference="3/BC", issued_on=issued_on, acting_user=iso
        )
    row = progress(commune)
    assert row.maintenance["2024"]["status"] == "ok"
    assert row.maintenance["2023"]["status"] == "failed"  # nothing recorded for that year
    assert (row.stage, row.stage_since) == (Stage.MAINTAINING, date(2024, 11, 20))


@pytest.mark.django_db
def test_the_steering_board_decision_kept_here_is_the_building_stage_evidence(
    client, world, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from audits.board import services as board_services
    from qms.certification.models import Stage

    record_url = reverse("certification:commune", args=[world.commune_a.pk])
    client.force_login(world.district)
    assert "07/QĐ-UBND" not in client.get(record_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        board_services.issue_decision(
            acting_user=world.iso_a,
            commune=world.commune_a,
            decision_number="07/QĐ-UBND",
            decision_date=days_ago(30),
            signer_name="Trần Văn Bình",
            signer_position="Chủ tịch UBND xã",
        )
    assert progress(world.commune_a).stage == Stage.BUILDING  # refreshed when the decision was issued
    record = client.get(record_url).content.decode()
    assert f"07/QĐ-UBND ({days_ago(30):%d/%m/%Y})" in record
    facts = services.gather_facts(world.commune_a, timezone.localdate())
    assert facts.evidence[EvidenceKind.STEERING_BOARD] == days_ago(30)


def test_rebuilding_every_summary_reads_the_certification_tables_once_a_chunk(world, a_records):
    """The nightly rebuild refreshes every commune: each one more costs the same few queries (its
    scope, catalogue, audits…), whatever its announcements, evidence and inspections; and it writes
    what refreshing each commune alone writes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_commune

    def rebuild() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            count = services.rebuild_progress()
        return len(captured), count

    def summaries() -> dict:
        rows = CommuneProgress.objects.order_by("commune_id").values()
        return {row["commune_id"]: {k: v for k, v in row.items() if k not in ("id", "refreshed_at")} for row in rows}

    rebuild()  # every commune has its summary row from here on
    queries, communes = rebuild()
    for index in range(4):
        make_commune(name=f"Thêm {index}", district=world.commune_a.unit.parent)
    rebuild()
    queries_after, more = rebuild()
    assert more == communes + 4
    assert (queries_after - queries) / 4 <= 8
    rebuilt = summaries()
    assert rebuilt[world.commune_a.pk]["announcement_number"]
    for commune_id in rebuilt:
        services.refresh_commune_progress(commune_id=commune_id)
    assert summaries() == rebuilt
