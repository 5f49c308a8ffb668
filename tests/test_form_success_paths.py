"""Every admin form that writes, posted as a browser posts it by a user allowed to:
the page the browser lands on after the redirect is a 200 with a Vietnamese
success message, and the row is saved once (or the state changed).

``CASES`` maps each URL name to the check of its success path; a test here
fails when a view that writes appears without a row. Each path is walked once,
in ``tests/test_writes_through_services.py``, which also checks that the post
writes through a service as the posting user.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audits import services as audit_services
from audits.models import (
    ActionStatus,
    AuditedProcess,
    Auditor,
    AuditorTraining,
    AuditPlan,
    AuditProgramme,
    ChecklistItem,
    ChecklistResult,
    CorrectiveAction,
    Finding,
    ManagementReview,
    PlanStatus,
    ProgrammeStatus,
    QualityObjective,
    ReviewDecision,
    ReviewStatus,
)
from processes.models import CommuneProcedure, Procedure
from qms.certification import services as cert_services
from qms.certification.models import (
    Announcement,
    Evidence,
    EvidenceKind,
    Inspection,
    InspectionMethod,
    InspectionPlan,
    ProgressTarget,
)
from qms.notifications.models import Notification
from qms.units.models import AdministrativeUnit, Level
from tests.audits.builders import VANPHONG, clauses, make_audit, make_auditor, make_programme, raise_nc, second_auditor
from tests.browser_forms import fill, open_form
from tests.factories import make_unit
from tests.processes.helpers import make_procedure
from tests.uploads import pdf_upload

CASES: dict = {}


def case(*names):
    def register(function):
        for name in names:
            CASES[name] = function
        return function

    return register


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context else []


def submit(client, as_user, url: str, form_field: str, *, expect_message: str, files=None, **values):
    """Open ``url`` as ``as_user``, type ``values`` (and choose ``files``), post what the page would, follow the redirect."""
    client.force_login(as_user)
    data = fill(open_form(client, url, form_field), **values)
    response = post_followed(client, url, {**data, **(files or {})}, expect_message=expect_message)
    assert response.redirect_chain[-1][0] != url, "the form was shown again"
    return response


def post_followed(client, url: str, data=None, *, expect_message: str = "", landed: str | None = None):
    """Post ``data`` to ``url``, follow the redirect; the page landed on shows ``expect_message``."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200, response.status_code
    assert response.redirect_chain, _errors(response)
    if landed is not None:
        assert response.redirect_chain[-1][0] == landed, response.redirect_chain
    if expect_message:
        shown = messages_of(response)
        assert any(expect_message in message for message in shown), (expect_message, shown)
        assert expect_message in response.content.decode()
    return response


def _errors(response) -> str:
    body = response.content.decode()
    found = re.findall(r'class="[^"]*(?:error-message|help-critical|errorlist)[^"]*"[^>]*>(.*?)</', body, re.S)
    return "form shown again: " + " | ".join(s.strip() for s in found)[:2000]


# -- audits: viewsets ---------------------------------------------------------------------------------------


@case("audits_programmes:add")
def check_programme_add(client, world):
    lead = make_auditor(world, world.auditor_a, VANPHONG)
    response = submit(
        client,
        world.iso_a,
        reverse("audits_programmes:add"),
        "title",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        year=2027,
        title="Chương trình đánh giá nội bộ năm 2027",
        objectives="Đánh giá hiệu lực HTQLCL.",
        scope="Toàn bộ quy trình TTHC.",
        criteria="TCVN ISO 9001:2015.",
        audit_month=5,
        clauses=[str(c.pk) for c in clauses("9.2", "10.2")],
        auditors=[str(lead.pk)],
    )
    programme = AuditProgramme.objects.get(commune=world.commune_a, year=2027)
    assert AuditProgramme.objects.filter(commune=world.commune_a).count() == 1
    assert response.redirect_chain[-1][0] == reverse("audits_programmes:inspect", args=[programme.pk])


@case("audits_programmes:edit")
def check_programme_edit(client, world):
    programme = make_programme(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_programmes:edit", args=[programme.pk]),
        "title",
        expect_message="Đã cập nhật",
        title="Chương trình đã sửa",
    )
    programme.refresh_from_db()
    assert programme.title == "Chương trình đã sửa"


@case("audits_plans:add")
def check_plan_add(client, world):
    lead = make_auditor(world, world.auditor_a, VANPHONG)
    programme = make_programme(world, auditors=[lead])
    response = submit(
        client,
        world.iso_a,
        reverse("audits_plans:add"),
        "title",
        expect_message="Đã tạo",
        programme=programme.pk,
        title="Đánh giá nội bộ lần 1",
        objectives="Đánh giá.",
        criteria="ISO 9001.",
        planned_start="11/05/2026",
        planned_end="13/05/2026",
        lead_auditor=lead.pk,
        team=[str(lead.pk)],
        clauses=[str(c.pk) for c in clauses("9.2")],
    )
    plan = AuditPlan.objects.get(programme=programme)
    assert plan.planned_start == datetime.date(2026, 5, 11)
    assert response.redirect_chain[-1][0] == reverse("audits_plans:inspect", args=[plan.pk])


@case("audits_plans:edit")
def check_plan_edit(client, world):
    plan = make_audit(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_plans:edit", args=[plan.pk]),
        "title",
        expect_message="Đã cập nhật",
        title="Đánh giá đã sửa",
    )
    plan.refresh_from_db()
    assert plan.title == "Đánh giá đã sửa"


@case("audits_findings:add")
def check_finding_add(client, world):
    plan = make_audit(world)
    auditor = second_auditor(world)
    plan.team.add(auditor)
    response = submit(
        client,
        auditor.user,
        reverse("audits_findings:add") + f"?plan={plan.pk}",
        "description",
        expect_message="Đã tạo",
        plan=plan.pk,
        kind="minor_nc",
        clause=clauses("8.5.1")[0].pk,
        description="Hồ sơ trễ hạn không có phiếu xin lỗi.",
        requirement="Điều 8.5.1.",
        evidence="Sổ theo dõi tháng 4.",
        owner=world.iso_a.pk,
        due_date="30/06/2026",
    )
    finding = Finding.objects.get(plan=plan)
    assert CorrectiveAction.objects.filter(finding=finding).count() == 1
    assert response.redirect_chain[-1][0] == reverse("audits_findings:inspect", args=[finding.pk])


@case("audits_findings:edit")
def check_finding_edit(client, world):
    plan = make_audit(world)
    finding = raise_nc(world, plan)
    finding.process = None
    finding.save()
    submit(
        client,
        world.auditor_a,
        reverse("audits_findings:edit", args=[finding.pk]),
        "description",
        expect_message="Đã cập nhật",
        description="Mô tả đã sửa.",
    )
    finding.refresh_from_db()
    assert finding.description == "Mô tả đã sửa."


@case("audits_actions:edit")
def check_action_edit(client, world):
    action = raise_nc(world, make_audit(world)).corrective_action
    submit(
        client,
        world.iso_a,
        reverse("audits_actions:edit", args=[action.pk]),
        "title",
        expect_message="Đã cập nhật",
        root_cause="Thiếu người trực.",
        due_date="05/06/2026",
    )
    action.refresh_from_db()
    assert action.root_cause == "Thiếu người trực." and action.due_date == datetime.date(2026, 6, 5)


@case("audits_reviews:add")
def check_review_add(client, world):
    response = submit(
        client,
        world.leader_a,
        reverse("audits_reviews:add"),
        "title",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        year=2026,
        title="Họp xem xét của lãnh đạo năm 2026",
        planned_on="15/12/2026",
        location="Hội trường UBND",
        chair=world.leader_a.pk,
    )
    review = ManagementReview.objects.get(commune=world.commune_a)
    assert review.planned_on == datetime.date(2026, 12, 15)
    assert response.redirect_chain[-1][0] == reverse("audits_reviews:inspect", args=[review.pk])


def make_review(world):
    return audit_services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=2026,
        title="Họp xem xét năm 2026",
        planned_on=datetime.date(2026, 12, 15),
        chair=world.leader_a,
    )


@case("audits_reviews:edit")
def check_review_edit(client, world):
    review = make_review(world)
    submit(
        client,
        world.leader_a,
        reverse("audits_reviews:edit", args=[review.pk]),
        "title",
        expect_message="Đã cập nhật",
        location="Phòng họp số 2",
    )
    review.refresh_from_db()
    assert review.location == "Phòng họp số 2"


@case("audits_objectives:add")
def check_objective_add(client, world):
    response = submit(
        client,
        world.iso_a,
        reverse("audits_objectives:add"),
        "statement",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        year=2026,
        statement="100% hồ sơ giải quyết đúng hạn",
        target="100%",
    )
    objective = QualityObjective.objects.get(commune=world.commune_a)
    assert response.redirect_chain[-1][0] == reverse("audits_objectives:inspect", args=[objective.pk])


@case("audits_objectives:edit")
def check_objective_edit(client, world):
    objective = audit_services.save_objective(
        acting_user=world.iso_a, commune=world.commune_a, year=2026, statement="Đúng hạn", target="100%"
    )
    submit(
        client,
        world.iso_a,
        reverse("audits_objectives:edit", args=[objective.pk]),
        "statement",
        expect_message="Đã cập nhật",
        result="98%",
        achieved="true",
    )
    objective.refresh_from_db()
    assert objective.result == "98%" and objective.achieved is True


@case("audits_objectives:delete")
def check_objective_delete(client, world):
    objective = audit_services.save_objective(
        acting_user=world.iso_a, commune=world.commune_a, year=2026, statement="Đúng hạn", target="100%"
    )
    client.force_login(world.iso_a)
    post_followed(client, reverse("audits_objectives:delete", args=[objective.pk]), expect_message="Đã xóa")
    assert not QualityObjective.objects.filter(pk=objective.pk).exists()


@case("audits_auditors:add")
def check_auditor_add(client, world):
    response = submit(
        client,
        world.iso_a,
        reverse("audits_auditors:add"),
        "home_unit",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        user=world.auditor_a.pk,
        home_unit=VANPHONG,
        position="Công chức",
        is_active="on",
    )
    auditor = Auditor.objects.get(commune=world.commune_a, user=world.auditor_a)
    assert response.redirect_chain[-1][0] == reverse("audits_auditors:inspect", args=[auditor.pk])


@case("audits_auditors:edit")
def check_auditor_edit(client, world):
    auditor = make_auditor(world, world.auditor_a, VANPHONG)
    submit(
        client,
        world.iso_a,
        reverse("audits_auditors:edit", args=[auditor.pk]),
        "home_unit",
        expect_message="Đã cập nhật",
        position="Phó Chủ tịch",
    )
    auditor.refresh_from_db()
    assert auditor.position == "Phó Chủ tịch"


def make_training(world):
    auditor = make_auditor(world, world.auditor_a, VANPHONG)
    return audit_services.save_training(
        acting_user=world.iso_a,
        auditor=auditor,
        course="Đánh giá viên nội bộ ISO 9001:2015",
        issued_on=datetime.date(2025, 3, 1),
        issuer="Trung tâm Năng suất",
    )


@case("audits_trainings:add")
def check_training_add(client, world):
    auditor = make_auditor(world, world.auditor_a, VANPHONG)
    response = submit(
        client,
        world.iso_a,
        reverse("audits_trainings:add"),
        "course",
        expect_message="Đã tạo",
        auditor=auditor.pk,
        course="Đánh giá viên nội bộ ISO 9001:2015",
        issued_on="01/03/2025",
        issuer="Trung tâm Năng suất",
    )
    training = AuditorTraining.objects.get(auditor=auditor)
    assert training.issued_on == datetime.date(2025, 3, 1)
    assert response.redirect_chain[-1][0] == reverse("audits_trainings:inspect", args=[training.pk])


@case("audits_trainings:edit")
def check_training_edit(client, world):
    training = make_training(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_trainings:edit", args=[training.pk]),
        "course",
        expect_message="Đã cập nhật",
        certificate_number="CC-123",
    )
    training.refresh_from_db()
    assert training.certificate_number == "CC-123"


@case("audits_trainings:delete")
def check_training_delete(client, world):
    training = make_training(world)
    client.force_login(world.iso_a)
    post_followed(client, reverse("audits_trainings:delete", args=[training.pk]), expect_message="Đã xóa")
    assert not AuditorTraining.objects.filter(pk=training.pk).exists()


# -- audits: per-object forms ---------------------------------------------------------------------------------


def admin(name, obj):
    return reverse(f"audits_admin:{name}", args=[obj.pk])


@case("audits_admin:programme_approve")
def check_programme_approve(client, world):
    programme = make_programme(world)
    submit(
        client,
        world.leader_a,
        admin("programme_approve", programme),
        "csrfmiddlewaretoken",
        expect_message="Chương trình đã được phê duyệt",
    )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.APPROVED


@case("audits_admin:programme_copy")
def check_programme_copy(client, world):
    programme = make_programme(world)
    submit(client, world.iso_a, admin("programme_copy", programme), "csrfmiddlewaretoken", expect_message="2027")
    assert AuditProgramme.objects.filter(commune=world.commune_a, year=2027).count() == 1


@case("audits_admin:plan_scope")
def check_plan_scope(client, world):
    plan = make_audit(world)
    lead = plan.lead_auditor
    submit(
        client,
        world.iso_a,
        admin("plan_scope", plan),
        "scope-TOTAL_FORMS",
        expect_message="Phạm vi gồm 3 quá trình",
        **{
            "scope-2-title": "Chứng thực bản sao",
            "scope-2-responsible_unit": "Bộ phận Tư pháp – Chứng thực",
            "scope-2-auditor": lead.pk,
        },
    )
    assert plan.processes.count() == 3


@case("audits_admin:plan_generate")
def check_plan_generate(client, world):
    plan = make_audit(world)
    submit(client, world.iso_a, admin("plan_generate", plan), "csrfmiddlewaretoken", expect_message="mục kiểm tra")
    created = ChecklistItem.objects.filter(plan=plan).count()
    assert created > 0


@case("audits_admin:plan_checklist")
def check_plan_checklist(client, world):
    plan = make_audit(world)
    audit_services.generate_checklist(acting_user=world.iso_a, plan=plan)
    plan.refresh_from_db()
    item = plan.checklist.order_by("order", "pk").first() if hasattr(ChecklistItem, "order") else None
    submit(
        client,
        world.auditor_a,
        admin("plan_checklist", plan),
        "items-TOTAL_FORMS",
        expect_message="kết quả",
        **{"items-0-result": ChecklistResult.CONFORMING, "items-0-evidence": "Đã xem hồ sơ."},
    )
    assert ChecklistItem.objects.filter(plan=plan, result=ChecklistResult.CONFORMING).count() == 1
    del item


@case("audits_admin:plan_complete")
def check_plan_complete(client, world):
    plan = make_audit(world)
    audit_services.generate_checklist(acting_user=world.iso_a, plan=plan)
    for item in plan.checklist.all():
        audit_services.record_checklist_result(
            acting_user=world.auditor_a, item=item, result=ChecklistResult.CONFORMING, evidence="Phù hợp."
        )
    submit(
        client,
        world.auditor_a,
        admin("plan_complete", plan),
        "conclusion",
        expect_message="hoàn thành",
        conclusion="HTQLCL được duy trì phù hợp.",
        completed_on="13/05/2026",
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED and plan.completed_on == datetime.date(2026, 5, 13)


@case("audits_admin:plan_cancel")
def check_plan_cancel(client, world):
    plan = make_audit(world)
    submit(client, world.iso_a, admin("plan_cancel", plan), "reason", expect_message="hủy", reason="Dời sang quý sau.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED


def planned_action(world):
    action = raise_nc(world, make_audit(world)).corrective_action
    audit_services.update_action_plan(
        acting_user=world.iso_a,
        action=action,
        immediate_correction="Gửi văn bản xin lỗi.",
        root_cause="Thiếu người trực.",
        action_plan="Bổ sung người trực một cửa.",
    )
    return action


@case("audits_admin:action_progress")
def check_action_progress(client, world):
    action = planned_action(world)
    submit(
        client,
        world.iso_a,
        admin("action_progress", action),
        "note",
        expect_message="tiến độ",
        note="Đã bổ sung 1 người.",
        percent_done=50,
    )
    assert action.progress_notes.count() == 1


@case("audits_admin:action_submit")
def check_action_submit(client, world):
    action = planned_action(world)
    submit(
        client,
        world.iso_a,
        admin("action_submit", action),
        "csrfmiddlewaretoken",
        expect_message="chờ kiểm tra hiệu lực",
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.AWAITING_VERIFICATION


@case("audits_admin:action_verify")
def check_action_verify(client, world):
    action = planned_action(world)
    audit_services.submit_for_verification(acting_user=world.iso_a, action=action)
    submit(
        client,
        world.auditor_a,
        admin("action_verify", action),
        "note",
        expect_message="đóng",
        effectiveness="effective",
        note="Kiểm tra 10 hồ sơ đều đúng hạn.",
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED


@case("audits_admin:action_cancel")
def check_action_cancel(client, world):
    action = planned_action(world)
    submit(
        client,
        world.iso_a,
        admin("action_cancel", action),
        "reason",
        expect_message="hủy",
        reason="Trùng hành động khác.",
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED


@case("audits_admin:review_inputs")
def check_review_inputs(client, world):
    review = make_review(world)
    submit(client, world.leader_a, admin("review_inputs", review), "csrfmiddlewaretoken", expect_message="đầu vào")
    review.refresh_from_db()
    assert review.inputs_assembled_at is not None


@case("audits_admin:review_decision")
def check_review_decision(client, world):
    review = make_review(world)
    submit(
        client,
        world.leader_a,
        admin("review_decision", review),
        "text",
        expect_message="quyết định",
        topic="improvement",
        text="Bổ sung người trực một cửa.",
        owner=world.iso_a.pk,
        due_date="31/01/2027",
        track="on",
    )
    assert ReviewDecision.objects.filter(review=review).count() == 1
    assert CorrectiveAction.objects.filter(decision__review=review).count() == 1


@case("audits_admin:review_hold")
def check_review_hold(client, world):
    review = make_review(world)
    submit(
        client,
        world.leader_a,
        admin("review_hold", review),
        "conclusions",
        expect_message="đã họp",
        held_on="15/12/2026",
        conclusions="HTQLCL phù hợp và hiệu lực.",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD


@case("audits_admin:decision_track")
def check_decision_track(client, world):
    review = make_review(world)
    decision = audit_services.add_decision(
        acting_user=world.leader_a,
        review=review,
        topic="improvement",
        text="Bổ sung người trực.",
        owner=world.iso_a,
        due_date=datetime.date(2027, 1, 31),
    )
    submit(
        client,
        world.leader_a,
        admin("decision_track", decision),
        "csrfmiddlewaretoken",
        expect_message="Đã mở hành động",
    )
    assert CorrectiveAction.objects.filter(decision=decision).count() == 1


@case("notifications:inbox")
def check_inbox(client, world):
    action = planned_action(world)
    Notification.objects.filter(recipient=world.iso_a).update(read_at=timezone.now())
    Notification.objects.create(
        recipient=world.iso_a,
        commune=world.commune_a,
        kind="audits.due_7",
        content_type=ContentType.objects.get_for_model(action),
        object_id=action.pk,
        subject=f"Hành động {action.number} sắp đến hạn.",
        dedup_key="test:due_7",
    )
    client.force_login(world.iso_a)
    assert 'class="unread"' in client.get(reverse("notifications:inbox")).content.decode()
    response = post_followed(
        client, reverse("notifications:inbox"), expect_message="Đã đánh dấu 1 thông báo là đã đọc."
    )
    assert 'class="unread"' not in response.content.decode()
    assert not Notification.objects.filter(recipient=world.iso_a, read_at__isnull=True).exists()


# -- certification ----------------------------------------------------------------------------------------------


def cert(name, pk):
    return reverse(f"certification:{name}", args=[pk])


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@case("certification:evidence_add")
def check_evidence_add(client, world):
    submit(
        client,
        world.iso_a,
        cert("evidence_add", world.commune_a.pk),
        "title",
        expect_message="Đã ghi nhận hồ sơ",
        kind=EvidenceKind.STEERING_BOARD,
        title="Quyết định thành lập Ban chỉ đạo ISO",
        reference="12/QĐ-UBND",
        issued_on=days_ago(30).strftime("%d/%m/%Y"),
        files={"file": pdf_upload("ban-chi-dao.pdf")},
    )
    assert Evidence.objects.filter(commune=world.commune_a).count() == 1


@case("certification:evidence_delete")
def check_evidence_delete(client, world):
    evidence = cert_services.add_evidence(
        commune=world.commune_a,
        kind=EvidenceKind.STEERING_BOARD,
        title="Quyết định Ban chỉ đạo",
        reference="12/QĐ-UBND",
        issued_on=days_ago(30),
        acting_user=world.iso_a,
    )
    client.force_login(world.iso_a)
    post_followed(client, cert("evidence_delete", evidence.pk), expect_message="Đã xóa")
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


@case("certification:announcement_add")
def check_announcement_add(client, world):
    from tests.certification.conftest import make_effective
    from tests.processes.helpers import make_procedure

    make_effective(world.commune_a, make_procedure(), world.iso_a, world.leader_a)
    submit(
        client,
        world.iso_a,
        cert("announcement_add", world.commune_a.pk),
        "number",
        expect_message="Đã ghi nhận quyết định công bố",
        number="45",
        signed_on=days_ago(2).strftime("%d/%m/%Y"),
        signer_name="Lê Văn Tâm",
        files={"file": pdf_upload("quyet-dinh.pdf")},
    )
    assert Announcement.objects.filter(commune=world.commune_a).count() == 1


@case("certification:inspection_add")
def check_inspection_add(client, world):
    submit(
        client,
        world.province,
        cert("inspection_add", world.commune_a.pk),
        "agency",
        expect_message="Đã ghi nhận",
        inspected_on=days_ago(10).strftime("%d/%m/%Y"),
        method=InspectionMethod.ON_SITE,
        **{"conclusions-0-text": "Chưa niêm yết quyết định công bố.", "conclusions-0-needs_action": "on"},
    )
    assert Inspection.objects.filter(commune=world.commune_a).count() == 1


@case("certification:report_add")
def check_report_add(client, world):
    inspection = cert_services.record_inspection(
        commune=world.commune_a,
        inspected_on=days_ago(10),
        method=InspectionMethod.ON_SITE,
        agency="Sở Khoa học và Công nghệ",
        conclusions=[("Chưa niêm yết quyết định.", True)],
        acting_user=world.province,
    )
    conclusion = inspection.conclusions.get()
    submit(
        client,
        world.iso_a,
        cert("report_add", conclusion.pk),
        "note",
        expect_message="Đã ghi nhận",
        reported_on=days_ago(1).strftime("%d/%m/%Y"),
        reference="15/BC-UBND",
        note="Đã niêm yết tại bộ phận một cửa.",
    )
    conclusion.refresh_from_db()
    assert conclusion.reported_on == days_ago(1) and conclusion.report_reference == "15/BC-UBND"


@case("certification:target")
def check_target(client, world):
    submit(
        client,
        world.province,
        cert("target", world.district_unit.pk),
        "percent",
        expect_message="Đã lưu",
        percent=80,
        target_date="31/12/2027",
    )
    assert ProgressTarget.objects.get(unit=world.district_unit).percent == 80


def _plan(world, *, submitted=False, approved=False):
    plan = cert_services.create_plan(province=world.province_unit, year=days_ago(0).year, acting_user=world.province)
    cert_services.add_plan_item(
        plan=plan,
        commune=world.commune_a,
        planned_on=days_ago(0).replace(month=3, day=10),
        method="on_site",
        acting_user=world.province,
    )
    if submitted or approved:
        cert_services.submit_plan(plan=plan, acting_user=world.province)
    if approved:
        cert_services.approve_plan(
            plan=plan, approved_on=days_ago(300), approval_number="5/QĐ-UBND", acting_user=world.province
        )
    return plan


@case("certification:plan_add")
def check_inspection_plan_add(client, world):
    submit(
        client,
        world.province,
        reverse("certification:plan_add"),
        "year",
        expect_message="Đã lập kế hoạch kiểm tra",
        year=2030,
    )
    assert InspectionPlan.objects.filter(province=world.province_unit, year=2030).count() == 1


@case("certification:plan_item_add")
def check_plan_item_add(client, world):
    plan = _plan(world)
    submit(
        client,
        world.province,
        cert("plan_item_add", plan.pk),
        "planned_on",
        expect_message="Đã thêm xã vào kế hoạch",
        commune=world.commune_b.pk,
        planned_on=f"15/04/{plan.year}",
        method="documents",
    )
    assert list(plan.items.order_by("id").values_list("commune_id", "method")) == [
        (world.commune_a.pk, "on_site"),
        (world.commune_b.pk, "documents"),
    ]


@case("certification:plan_team")
def check_plan_team(client, world):
    plan = _plan(world)
    submit(
        client,
        world.province,
        cert("plan_team", plan.pk),
        "team",
        expect_message="Đã lưu danh sách Đoàn kiểm tra",
        team="Đỗ Quang Huy; Phó Chi cục trưởng; Chi cục TĐC\nLê Thị Mai; Chuyên viên; Chi cục TĐC",
    )
    plan.refresh_from_db()
    assert [m["name"] for m in plan.team] == ["Đỗ Quang Huy", "Lê Thị Mai"]


@case("certification:plan_submit")
def check_plan_submit(client, world):
    plan = _plan(world)
    client.force_login(world.province)
    post_followed(client, cert("plan_submit", plan.pk), expect_message="Đã trình kế hoạch lên UBND tỉnh")
    plan.refresh_from_db()
    assert plan.status == "submitted"


@case("certification:plan_approve")
def check_plan_approve(client, world):
    plan = _plan(world, submitted=True)
    submit(
        client,
        world.province,
        cert("plan_approve", plan.pk),
        "approval_number",
        expect_message="Đã ghi nhận phê duyệt kế hoạch",
        approval_number="5/QĐ-UBND",
        approved_on=days_ago(3).strftime("%d/%m/%Y"),
    )
    plan.refresh_from_db()
    assert (plan.status, plan.approval_number) == ("approved", "5/QĐ-UBND")


@case("certification:plan_item_remove")
def check_plan_item_remove(client, world):
    plan = _plan(world)
    client.force_login(world.province)
    post_followed(client, cert("plan_item_remove", plan.items.get().pk), landed=cert("plan", plan.pk))
    assert not plan.items.exists()


@case("certification:plan_item_carry_out")
def check_plan_item_carry_out(client, world):
    item = _plan(world, approved=True).items.get()
    submit(
        client,
        world.province,
        cert("plan_item_carry_out", item.pk),
        "summary",
        expect_message="Đã ghi nhận",
        inspected_on=days_ago(5).strftime("%d/%m/%Y"),
        check_scope="met",
        **{"conclusions-0-text": "Chưa đánh giá nội bộ.", "conclusions-0-needs_action": "on"},
    )
    inspection = Inspection.objects.get(plan_item=item)
    assert inspection.checklist["scope"]["result"] == "met" and inspection.conclusions.get().due_on is not None


@case("certification:carry_over")
def check_carry_over(client, world):
    from django.test import TestCase

    from qms.certification.mergers.models import MergerCarryOver
    from tests.certification.mergers import build_merger, d_documents

    merger = build_merger(world)
    client.force_login(world.province)
    url = cert("carry_over", merger.d.pk)
    post_followed(client, url, {"action": "plan"}, expect_message="Đã lập kế hoạch chuyển giao", landed=url)
    carry_over = MergerCarryOver.objects.get(successor=merger.d)
    choices = {f"choice-{c.procedure_id}": "" for c in carry_over.choices.all()}
    choices[f"choice-{merger.khai_sinh.pk}"] = f"doc:{merger.b_ks.pk}"
    post_followed(
        client,
        url,
        {"action": "save", "record_sources": [world.commune_b.pk], "categories": ["risks"], **choices},
        expect_message="Đã lưu kế hoạch",
    )
    carry_over.refresh_from_db()
    assert [c.source_document_id for c in carry_over.choices.exclude(source_document=None)] == [merger.b_ks.pk]
    assert list(carry_over.record_sources.all()) == [world.commune_b] and carry_over.categories == ["risks"]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task, eager in the tests, after the commit
        post_followed(client, url, {"action": "run"}, expect_message="Đã bắt đầu chuyển giao")
    carry_over.refresh_from_db()
    assert carry_over.status == "done" and d_documents(merger).count() == 1
    post_followed(client, url, {"action": "undo"}, expect_message="Đã hoàn tác việc chuyển giao")
    assert d_documents(merger).count() == 0


@case("certification:archive_package")
def check_archive_package(client, world):
    from django.test import TestCase

    from qms.certification.models import ArchivePackage, PackageStatus

    client.force_login(world.iso_a)
    year = timezone.localdate().year - 1
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task, eager in the tests, after the commit
        post_followed(
            client,
            cert("archive_package", world.commune_a.pk),
            {"year": year},
            expect_message=f"Đã yêu cầu gói lưu trữ năm {year}",
        )
    package = ArchivePackage.objects.get(commune=world.commune_a)
    assert (package.year, package.status, package.requested_by) == (year, PackageStatus.READY, world.iso_a)


@case("certification:report_accept")
def check_report_accept(client, world):
    inspection = cert_services.record_inspection(
        commune=world.commune_a,
        inspected_on=days_ago(10),
        method=InspectionMethod.ON_SITE,
        agency="Sở Khoa học và Công nghệ",
        conclusions=[("Chưa niêm yết quyết định.", True)],
        acting_user=world.province,
    )
    conclusion = inspection.conclusions.get()
    cert_services.record_corrective_report(
        conclusion=conclusion, reported_on=days_ago(1), note="Đã niêm yết.", acting_user=world.iso_a
    )
    client.force_login(world.province)
    post_followed(client, cert("report_accept", conclusion.pk), expect_message="Đã chấp nhận báo cáo khắc phục")
    conclusion.refresh_from_db()
    assert conclusion.accepted_by == world.province


# -- units and the TTHC catalogue ------------------------------------------------------------------------------


@case("communes:edit")
def check_commune_edit(client, world):
    submit(
        client,
        world.iso_a,
        reverse("communes:edit", args=[world.commune_a.pk]),
        "name",
        expect_message="Đã cập nhật",
        place_name="An Bình",
    )
    world.commune_a.refresh_from_db()
    assert world.commune_a.place_name == "An Bình"


@case("units:add")
def check_unit_add(client, world):
    submit(
        client,
        world.admin,
        reverse("units:add"),
        "name",
        expect_message="Đã tạo",
        name="Thử Nghiệm Mới",
        full_name="Xã Thử Nghiệm Mới",
        unit_type="Xã",
    )
    assert AdministrativeUnit.objects.filter(full_name="Xã Thử Nghiệm Mới").count() == 1


@case("units:edit")
def check_unit_edit(client, world):
    unit = world.district_unit
    submit(
        client,
        world.admin,
        reverse("units:edit", args=[unit.pk]),
        "name",
        expect_message="Đã cập nhật",
        name_en="Kiem Thu District",
    )
    unit.refresh_from_db()
    assert unit.name_en == "Kiem Thu District"


@case("units:delete")
def check_unit_delete(client, world):
    unit = make_unit(level=Level.PROVINCE, name="Tạm")
    client.force_login(world.admin)
    post_followed(client, reverse("units:delete", args=[unit.pk]), expect_message="Đã xóa")
    assert not AdministrativeUnit.objects.filter(pk=unit.pk).exists()


@case("tthc:add")
def check_procedure_add(client, world):
    submit(
        client,
        world.admin,
        reverse("tthc:add"),
        "code",
        expect_message="Đã tạo",
        code="1.000894",
        name="Thủ tục đăng ký kết hôn",
        field="Hộ tịch",
        level="Cấp xã",
        time_limit_text="Trực tiếp: 3 ngày làm việc",
    )
    assert Procedure.objects.filter(code="1.000894").count() == 1


@case("tthc:edit")
def check_procedure_edit(client, world):
    procedure = make_procedure()
    submit(
        client,
        world.admin,
        reverse("tthc:edit", args=[procedure.pk]),
        "code",
        expect_message="Đã cập nhật",
        fees="Miễn phí",
    )
    procedure.refresh_from_db()
    assert procedure.fees == "Miễn phí"


@case("tthc:delete")
def check_procedure_delete(client, world):
    procedure = make_procedure()
    client.force_login(world.admin)
    post_followed(client, reverse("tthc:delete", args=[procedure.pk]), expect_message="Đã xóa")
    assert not Procedure.objects.filter(pk=procedure.pk).exists()


@case("handled_procedures:add")
def check_handled_add(client, world):
    procedure = make_procedure()
    submit(
        client,
        world.iso_a,
        reverse("handled_procedures:add"),
        "procedure",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        procedure=procedure.pk,
        note="Tiếp nhận tại bộ phận một cửa",
    )
    assert CommuneProcedure.objects.filter(commune=world.commune_a, procedure=procedure).count() == 1


def handled(world):
    from processes import services as process_services

    return process_services.add_handled_procedures(
        commune=world.commune_a, procedures=[make_procedure()], note="", acting_user=world.iso_a
    )[0]


@case("handled_procedures:edit")
def check_handled_edit(client, world):
    entry = handled(world)
    submit(
        client,
        world.iso_a,
        reverse("handled_procedures:edit", args=[entry.pk]),
        "procedure",
        expect_message="Đã cập nhật",
        note="Liên thông với cấp huyện",
    )
    entry.refresh_from_db()
    assert entry.note == "Liên thông với cấp huyện"


@case("handled_procedures:delete")
def check_handled_delete(client, world):
    entry = handled(world)
    client.force_login(world.iso_a)
    post_followed(client, reverse("handled_procedures:delete", args=[entry.pk]), expect_message="Đã xóa")
    assert not CommuneProcedure.objects.filter(pk=entry.pk).exists()


# -- quy trình (ProcessDocument snippet and the processes admin pages) -----------------------------------------


PD = "wagtailsnippets_processes_processdocument"


def pd(name, *args) -> str:
    return reverse(f"{PD}:{name}", args=args)


def page_forms(response, field: str, *, action_contains: str = "") -> tuple[str, dict[str, list[str]]]:
    """The action and the data of the POST form of ``response`` that has ``field`` (and posts to ``action_contains``)."""
    import lxml.html

    assert response.status_code == 200, response.status_code
    body = (
        response.json()["html"]
        if response["Content-Type"].startswith("application/json")
        else response.content.decode()
    )
    document = lxml.html.fromstring(body)
    for form in document.forms:
        if (form.method or "GET").upper() != "POST" or action_contains not in (form.action or ""):
            continue
        if field not in {element.name for element in form.inputs if element.name}:
            continue
        data: dict[str, list[str]] = {}
        for name, value in form.form_values():
            data.setdefault(name, []).append(value)
        return form.action, data
    raise AssertionError(f"no POST form with the field {field!r} posting to {action_contains!r}")


def stream_fields(body: str) -> dict[str, list[str]]:
    """The StreamField rows as Wagtail's editor script posts them (rendered client-side from the page's block data)."""
    import json

    import lxml.html

    data: dict[str, list[str]] = {}
    for element in lxml.html.fromstring(body).xpath("//*[@data-w-block-arguments-value]"):
        name = element.get("id")
        rows = json.loads(element.get("data-w-block-arguments-value"))[0] or []
        data[f"{name}-count"] = [str(len(rows))]
        for i, row in enumerate(rows):
            prefix = f"{name}-{i}"
            data.update(
                {
                    f"{prefix}-type": [row["type"]],
                    f"{prefix}-deleted": [""],
                    f"{prefix}-order": [str(i)],
                    f"{prefix}-id": [row.get("id") or ""],
                }
            )
            for key, value in (row["value"] or {}).items():
                data[f"{prefix}-value-{key}"] = ["" if value is None else str(value)]
    return data


def open_editor(client, url: str) -> dict[str, list[str]]:
    """What the quy trình editor at ``url`` posts: its fields, hidden ones and the StreamField rows."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    from tests.browser_forms import page_form

    return {**page_form(response, "title"), **stream_fields(response.content.decode())}


def draft_document(world, procedure=None):
    from processes import services as process_services

    return process_services.create_process_document(
        procedure=procedure or make_procedure(), commune=world.commune_a, acting_user=world.iso_a
    )


def latest_draft(document):
    from processes.models import ProcessDocument

    return ProcessDocument.objects.get(pk=document.pk).get_latest_revision_as_object()


def library_model(world, procedure=None):
    """An approved provincial model quy trình and its editor."""
    from processes import services as process_services
    from tests.factories import make_user
    from tests.processes.helpers import approve_directly

    editor = make_user("thuvien_tinh")
    process_services.add_library_editor(unit=world.province_unit, user=editor)
    model = process_services.create_process_document(
        procedure=procedure or make_procedure(), owner_unit=world.province_unit, acting_user=editor
    )
    return approve_directly(model, editor, editor), editor


def in_review(client, world):
    document = draft_document(world)
    client.force_login(world.iso_a)
    data = open_editor(client, pd("edit", document.pk))
    data["action-submit"] = ["submit"]
    post_followed(client, pd("edit", document.pk), data)
    return document


@case(f"{PD}:start")
def check_start_from_catalogue(client, world):
    from processes.models import DocumentStatus, ProcessDocument

    procedure = make_procedure()
    client.force_login(world.iso_a)
    catalogue = client.get(reverse("tthc:index")).content.decode()
    start = f"{pd('start')}?procedure={procedure.pk}"
    assert f'href="{start}"' in catalogue
    action, data = page_forms(client.get(start), "commune")
    assert data["procedure"] == [str(procedure.pk)]
    data = fill(data, commune=world.commune_a.pk)
    response = post_followed(client, start, data, expect_message="Đã tạo bản nháp")
    document = ProcessDocument.objects.get(commune=world.commune_a, procedure=procedure)
    assert document.status == DocumentStatus.DRAFT and document.source_model is None
    assert response.redirect_chain[-1][0] == pd("edit", document.pk)


@case(f"{PD}:start+model")
def check_start_from_model(client, world):
    from processes.models import ProcessDocument

    model, _editor = library_model(world)
    client.force_login(world.iso_a)
    _action, data = page_forms(client.get(pd("start")), "commune")
    data = fill(data, commune=world.commune_a.pk, procedure=model.procedure_id, model=model.pk)
    response = post_followed(client, pd("start"), data, expect_message="Đã tạo bản nháp")
    copy = ProcessDocument.objects.get(commune=world.commune_a)
    assert copy.source_model == model and copy.source_version == model.current_version
    assert response.redirect_chain[-1][0] == pd("edit", copy.pk)


@case(f"{PD}:adopt")
def check_adopt_from_library(client, world):
    from processes.models import ProcessDocument

    model, _editor = library_model(world)
    client.force_login(world.iso_a)
    action, data = page_forms(client.get(pd("library")), "commune", action_contains=pd("adopt", model.pk))
    response = post_followed(
        client, action, fill(data, commune=world.commune_a.pk), expect_message="Đã tạo bản nháp từ quy trình mẫu"
    )
    copy = ProcessDocument.objects.get(commune=world.commune_a)
    assert copy.source_model == model
    assert response.redirect_chain[-1][0] == pd("edit", copy.pk)


@case(f"{PD}:import_docx")
def check_import_docx(client, world):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from processes.models import ProcessDocument

    make_procedure()
    sample = Path(__file__).resolve().parent / "processes" / "samples" / "hand_written_khai_sinh.docx"
    upload = SimpleUploadedFile(
        sample.name,
        sample.read_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    submit(
        client,
        world.iso_a,
        pd("import_docx"),
        "commune",
        expect_message="thành bản nháp",
        commune=world.commune_a.pk,
        files={"file": upload},
    )
    document = ProcessDocument.objects.get(commune=world.commune_a)
    assert len(list(latest_draft(document).steps)) > 0


@case(f"{PD}:add")
def check_document_add(client, world):
    from processes.models import ProcessDocument

    procedure = make_procedure()
    client.force_login(world.iso_a)
    data = open_editor(client, pd("add"))
    data = fill(data, commune=world.commune_a.pk, procedure=procedure.pk, title="Đăng ký khai sinh", code="QT-01/HT")
    post_followed(client, pd("add"), data, expect_message="Đã tạo")
    document = ProcessDocument.objects.get(commune=world.commune_a)
    assert document.code == "QT-01/HT" and not document.live


@case(f"{PD}:edit")
def check_document_edit(client, world):
    document = draft_document(world)
    revisions = document.revisions.count()
    client.force_login(world.iso_a)
    data = fill(
        open_editor(client, pd("edit", document.pk)),
        title="Đăng ký khai sinh (sửa đổi)",
        purpose="Quy định trình tự đăng ký khai sinh tại xã.",
    )
    post_followed(client, pd("edit", document.pk), data, expect_message="Đã cập nhật")
    draft = latest_draft(document)
    assert (draft.title, draft.purpose) == (
        "Đăng ký khai sinh (sửa đổi)",
        "Quy định trình tự đăng ký khai sinh tại xã.",
    )
    assert document.revisions.count() == revisions + 1
    assert [block.value["code"] for block in draft.steps] == [block.value["code"] for block in document.steps]


@case(f"{PD}:edit+submit")
def check_document_submit(client, world):
    from processes.models import DocumentStatus, ProcessDocument

    document = draft_document(world)
    client.force_login(world.iso_a)
    data = open_editor(client, pd("edit", document.pk))
    data["action-submit"] = ["submit"]
    post_followed(client, pd("edit", document.pk), data, expect_message="đã được gửi phê duyệt")
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.IN_REVIEW
    assert document.current_workflow_task_state.task.name == "Soát xét"


def workflow_modal(client, name, document, action):
    state = task_state_of(document)
    response = client.get(pd(name, document.pk, action, state.pk))
    assert response.status_code == 200 and response.json()["step"] == "action"
    return state, page_forms(response, "comment")


def task_state_of(document):
    from processes.models import ProcessDocument

    return ProcessDocument.objects.get(pk=document.pk).current_workflow_task_state


@case(f"{PD}:workflow_action")
def check_workflow_approve(client, world):
    from processes.models import DocumentStatus, ProcessDocument

    document = in_review(client, world)
    client.force_login(world.leader_a)
    for step, comment in enumerate(("Đã soát xét, đúng quy định.", "Đồng ý ban hành.")):
        state, (action, data) = workflow_modal(client, "workflow_action", document, "approve")
        post_followed(client, action, fill(data, comment=comment))
        state.refresh_from_db()
        assert state.status == state.STATUS_APPROVED and state.comment == comment, step
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.live and document.status == DocumentStatus.EFFECTIVE
    assert document.versions.count() == 1


@case(f"{PD}:workflow_action+reject")
def check_workflow_request_changes(client, world):
    from processes.models import DocumentStatus, ProcessDocument

    document = in_review(client, world)
    client.force_login(world.leader_a)
    comment = "Bổ sung Nghị định 118/2025/NĐ-CP vào căn cứ pháp lý."
    _state, (action, data) = workflow_modal(client, "workflow_action", document, "reject")
    post_followed(client, action, fill(data, comment=comment))
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.DRAFT and not document.live
    assert document.current_workflow_state.status == document.current_workflow_state.STATUS_NEEDS_CHANGES
    client.force_login(world.iso_a)
    assert comment in client.get(pd("edit", document.pk)).content.decode()


@case(f"{PD}:collect_workflow_action_data")
def check_collect_workflow_action_data(client, world):
    document = in_review(client, world)
    client.force_login(world.leader_a)
    _state, (action, data) = workflow_modal(client, "collect_workflow_action_data", document, "approve")
    response = client.post(action, fill(data, comment="Đã soát xét."), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    assert response.json()["step"] == "success" and response.json()["cleaned_data"]["comment"] == "Đã soát xét."


@case(f"{PD}:confirm_workflow_cancellation")
def check_workflow_cancellation(client, world):
    from processes.models import DocumentStatus, ProcessDocument

    document = in_review(client, world)
    client.force_login(world.iso_a)
    confirm = client.get(pd("confirm_workflow_cancellation", document.pk))
    assert confirm.status_code == 200 and confirm.json()["step"] == "confirm"
    data = open_editor(client, pd("edit", document.pk))
    data["action-cancel-workflow"] = ["cancel"]
    # Wagtail shows the editor again (unlocked) with the message instead of redirecting.
    response = client.post(pd("edit", document.pk), data)
    assert response.status_code == 200
    assert any("Đã hủy quy trình phê duyệt" in m for m in messages_of(response)), messages_of(response)
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.DRAFT and not document.workflow_in_progress


def toggle_lock(client, edit_url: str, target: str, **expect):
    """The lock switch of the editor's status panel: its script posts the CSRF token to the switch's URL."""
    page = client.get(edit_url)
    assert f'data-w-action-url-value="{target}"' in page.content.decode()
    _action, data = page_forms(page, "csrfmiddlewaretoken")
    return post_followed(
        client,
        target,
        {"csrfmiddlewaretoken": data["csrfmiddlewaretoken"], "next": edit_url},
        landed=edit_url,
        **expect,
    )


@case(f"{PD}:lock")
def check_lock(client, world):
    from processes.models import ProcessDocument

    document = draft_document(world)
    client.force_login(world.iso_a)
    response = toggle_lock(client, pd("edit", document.pk), pd("lock", document.pk))
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.locked and document.locked_by == world.iso_a
    assert pd("unlock", document.pk) in response.content.decode()


@case(f"{PD}:unlock")
def check_unlock(client, world):
    from processes.models import ProcessDocument

    document = draft_document(world)
    client.force_login(world.iso_a)
    toggle_lock(client, pd("edit", document.pk), pd("lock", document.pk))
    toggle_lock(client, pd("edit", document.pk), pd("unlock", document.pk), expect_message="đã được mở khóa")
    assert not ProcessDocument.objects.get(pk=document.pk).locked


@case(f"{PD}:revisions_revert")
def check_revert(client, world):
    from processes.models import ProcessDocument

    document = draft_document(world)
    client.force_login(world.iso_a)
    edit = pd("edit", document.pk)
    for title in ("Đăng ký khai sinh tại xã", "Tiêu đề nhập nhầm"):
        post_followed(client, edit, fill(open_editor(client, edit), title=title))
    earlier = ProcessDocument.objects.get(pk=document.pk).revisions.order_by("-pk")[1]
    revert = pd("revisions_revert", document.pk, earlier.pk)
    assert f'href="{revert}"' in client.get(pd("history", document.pk)).content.decode()
    revisions = document.revisions.count()
    post_followed(client, revert, open_editor(client, revert), expect_message="đã được thay bằng phiên bản")
    assert latest_draft(document).title == "Đăng ký khai sinh tại xã"
    assert document.revisions.count() == revisions + 1


@case(f"{PD}:delete")
def check_draft_delete(client, world):
    from processes.models import ProcessDocument

    document = draft_document(world)
    client.force_login(world.iso_a)
    action, data = page_forms(client.get(pd("delete", document.pk)), "csrfmiddlewaretoken")
    post_followed(client, pd("delete", document.pk), data, expect_message="Đã xóa", landed=pd("list"))
    assert not ProcessDocument.objects.filter(pk=document.pk).exists()


@case(f"{PD}:withdraw")
def check_withdraw(client, world):
    from processes.models import DocumentStatus, ProcessDocument
    from tests.processes.helpers import approve_directly

    document = approve_directly(draft_document(world), world.iso_a, world.leader_a)
    client.force_login(world.leader_a)
    action, data = page_forms(client.get(pd("withdraw", document.pk)), "reason")
    post_followed(
        client,
        pd("withdraw", document.pk),
        fill(data, reason="TTHC đã bị bãi bỏ."),
        expect_message="Đã thu hồi quy trình",
        landed=pd("versions", document.pk),
    )
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.OBSOLETE and not document.live


@case(f"{PD}:update_from_model")
def check_update_from_model(client, world):
    from processes import services as process_services
    from processes.content import document_content
    from tests.processes.helpers import approve_directly

    model, editor = library_model(world)
    copy = approve_directly(
        process_services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a),
        world.iso_a,
        world.leader_a,
    )
    content = document_content(model.get_latest_revision_as_object())
    content.purpose = "Quy định trình tự đăng ký khai sinh (sửa đổi năm 2026)."
    process_services.save_draft_from_content(document=model, content=content, acting_user=editor)
    approve_directly(model, editor, editor)
    client.force_login(world.iso_a)
    action, data = page_forms(
        client.get(pd("upstream", copy.pk)), "csrfmiddlewaretoken", action_contains=pd("update_from_model", copy.pk)
    )
    post_followed(client, action, data, expect_message="Đã đưa thay đổi của quy trình mẫu", landed=pd("edit", copy.pk))
    assert latest_draft(copy).purpose == "Quy định trình tự đăng ký khai sinh (sửa đổi năm 2026)."


@case(f"{PD}:review")
def check_review_without_change(client, world):
    from processes.models import ReviewDecision
    from tests.processes.helpers import approve_directly

    document = approve_directly(draft_document(world), world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    action, data = page_forms(client.get(pd("review", document.pk)), "review-note")
    post_followed(
        client,
        pd("review", document.pk),
        fill(data, **{"review-note": "Căn cứ pháp lý còn hiệu lực, không cần sửa."}),
        expect_message="không thay đổi",
        landed=pd("review", document.pk),
    )
    decision = ReviewDecision.objects.get(document=document)
    assert (decision.note, decision.reviewed_by) == ("Căn cứ pháp lý còn hiệu lực, không cần sửa.", world.iso_a)


@case(f"{PD}:acknowledge")
def check_acknowledge(client, world):
    from processes.models import Acknowledgement
    from tests.processes.helpers import approve_directly

    document = approve_directly(draft_document(world), world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    page = client.get(pd("acknowledge", document.pk))
    assert page.status_code == 200 and 'class="process-ack-form"' in page.content.decode()
    post_followed(
        client, pd("acknowledge", document.pk), {}, expect_message=document.code, landed=pd("acknowledge", document.pk)
    )
    assert Acknowledgement.objects.filter(version__document=document, user=world.iso_a).count() == 1


@case(f"{PD}:start_system")
def check_start_system(client, world):
    from processes.models import ProcessDocument

    client.force_login(world.iso_a)
    action, data = page_forms(client.get(pd("start_system")), "title")
    response = post_followed(
        client,
        pd("start_system"),
        fill(data, owner=f"commune:{world.commune_a.pk}", system_category="internal_audit"),
        expect_message="bản nháp",
    )
    document = ProcessDocument.objects.get(commune=world.commune_a, procedure__isnull=True)
    assert response.redirect_chain[-1][0] == pd("edit", document.pk)


# -- citizen feedback, signed PDFs, API tokens ------------------------------------------------------------------


def citizen_feedback(world, kind="complaint", comment="Hồ sơ khai sinh trả chậm 3 ngày, không có phiếu xin lỗi."):
    from processes import services as process_services

    return process_services.submit_feedback(
        commune=world.commune_a, procedure=make_procedure(), kind=kind, comment=comment
    )


@case("citizen_feedback:edit")
def check_feedback_answer(client, world):
    from processes.models import FeedbackStatus

    feedback = citizen_feedback(world, kind="suggestion", comment="Đề nghị niêm yết danh mục hồ sơ rõ hơn.")
    url = reverse("citizen_feedback:edit", args=[feedback.pk])
    submit(
        client,
        world.iso_a,
        url,
        "answer",
        expect_message="Đã cập nhật",
        answer="Bộ phận một cửa đã niêm yết lại danh mục hồ sơ.",
        close="on",
    )
    feedback.refresh_from_db()
    assert (feedback.status, feedback.answered_by) == (FeedbackStatus.CLOSED, world.iso_a)
    assert feedback.answer == "Bộ phận một cửa đã niêm yết lại danh mục hồ sơ."


@case("audits_admin:feedback_nonconformity")
def check_feedback_nonconformity(client, world):
    complaint = citizen_feedback(world)
    response = submit(
        client,
        world.iso_a,
        reverse("audits_admin:feedback_nonconformity", args=[complaint.pk]),
        "owner",
        expect_message="Đã ghi nhận điểm không phù hợp",
        owner=world.leader_a.pk,
        due_date=(timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y"),
    )
    action = CorrectiveAction.objects.get(finding__feedback=complaint)
    assert response.redirect_chain[-1][0] == reverse("audits_actions:inspect", args=[action.pk])
    assert Finding.objects.filter(feedback=complaint).count() == 1


def signing_pki():
    import tempfile
    from pathlib import Path

    from tests.signatures.pki import authority

    ca = authority("CA thử nghiệm")
    return ca.write(Path(tempfile.mkdtemp(prefix="qms-pki-"))), ca.issue("UBND Xã An Bình", password="mat-khau")


@case("signatures:certificate")
def check_certificate_upload(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qms.signatures.models import SigningCertificate

    _root, pkcs12_data = signing_pki()
    url = reverse("signatures:certificate", args=[world.commune_a.pk])
    client.force_login(world.leader_a)
    data = fill(open_form(client, url, "password"), password="mat-khau")
    upload = SimpleUploadedFile("don-vi.p12", pkcs12_data, content_type="application/x-pkcs12")
    post_followed(client, url, {**data, "file": upload}, expect_message="Đã lưu chứng thư số", landed=url)
    certificate = SigningCertificate.objects.get(commune=world.commune_a)
    assert (certificate.common_name, certificate.uploaded_by) == ("UBND Xã An Bình", world.leader_a)


@case("signatures:sign")
def check_sign_on_server(client, world):
    from django.test import override_settings

    from qms.signatures import services as signing
    from qms.signatures.models import SignedRecord
    from tests.certification.conftest import PAPER_SCOPE, pdf
    from tests.documents.rendering import needs_libreoffice

    if needs_libreoffice.args[0]:
        pytest.skip(needs_libreoffice.kwargs["reason"])
    root, pkcs12_data = signing_pki()
    announcement = cert_services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=days_ago(3),
        signer_name="Trần Văn Bình",
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    signing.upload_certificate(
        commune=world.commune_a, pkcs12_data=pkcs12_data, password="mat-khau", acting_user=world.leader_a
    )
    record = reverse("signatures:record", args=["announcement", announcement.pk])
    client.force_login(world.leader_a)
    action, data = page_forms(client.get(record), "csrfmiddlewaretoken", action_contains="/sign/")
    with override_settings(QMS_SIGNATURE_TRUST_ROOTS=[str(root)]):
        post_followed(client, action, data, expect_message="Văn bản đã được ký số và kiểm tra", landed=record)
    signed = SignedRecord.objects.get(record_type="announcement", object_id=announcement.pk)
    assert signed.is_signed and signed.is_valid and signed.signer == world.leader_a


@case("api_tokens:list")
def check_token_issue(client, world):
    from qms.api.models import OrganisationToken

    client.force_login(world.admin)
    url = reverse("api_tokens:list")
    data = fill(
        open_form(client, url, "organisation"),
        organisation="Cổng báo cáo tỉnh",
        province=world.province_unit.pk,
        scopes=["read:communes"],
    )
    response = client.post(url, data)
    assert response.status_code == 200
    token = OrganisationToken.objects.get(organisation="Cổng báo cáo tỉnh")
    assert 'id="api-token-secret">' + token.prefix in response.content.decode()


@case("api_tokens:revoke")
def check_token_revoke(client, world):
    from qms.api import services as api_services

    token, _secret = api_services.issue_token(
        organisation="Cổng báo cáo tỉnh",
        province=world.province_unit,
        scopes=["read:communes"],
        acting_user=world.admin,
    )
    client.force_login(world.admin)
    post_followed(
        client,
        reverse("api_tokens:revoke", args=[token.pk]),
        expect_message="Đã thu hồi mã truy cập của Cổng báo cáo tỉnh",
        landed=reverse("api_tokens:list"),
    )
    token.refresh_from_db()
    assert (token.is_active, token.revoked_by) == (False, world.admin)


# -- the refusal that used to be a 500 -------------------------------------------------------------------------


@pytest.mark.django_db
def test_auditor_put_on_their_own_unit_is_refused_on_the_form(client, world):
    plan = make_audit(world)
    lead = plan.lead_auditor
    before = list(plan.processes.values_list("pk", "title", "auditor_id"))
    client.force_login(world.iso_a)
    url = admin("plan_scope", plan)
    data = fill(
        open_form(client, url, "scope-TOTAL_FORMS"),
        **{
            "scope-2-title": "Tiếp nhận hồ sơ một cửa",
            "scope-2-responsible_unit": VANPHONG,
            "scope-2-auditor": lead.pk,
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dòng 3" in body and "không được" in body.lower()
    assert list(plan.processes.values_list("pk", "title", "auditor_id")) == before
    assert not AuditedProcess.objects.filter(title="Tiếp nhận hồ sơ một cửa").exists()


# -- audits: context, interested parties and scope --------------------------------------------------------------


def _context(world, **extra):
    from tests.audits.builders import make_context

    return make_context(world, **extra)


@case("audits_context:add")
def check_context_add(client, world):
    from audits.models import ContextStatement

    response = submit(
        client,
        world.iso_a,
        reverse("audits_context:add"),
        "year",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        year=2026,
    )
    statement = ContextStatement.objects.get(commune=world.commune_a)
    assert (statement.year, statement.version, statement.status) == (2026, 1, "draft")
    assert response.redirect_chain[-1][0] == reverse("audits_context:inspect", args=[statement.pk])


@case("audits_context:edit")
def check_context_edit(client, world):
    procedure = make_procedure()
    CommuneProcedure.objects.create(commune=world.commune_a, procedure=procedure)
    statement = _context(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_context:edit", args=[statement.pk]),
        "scope_statement",
        expect_message="Đã cập nhật",
        scope_statement="Phạm vi mới",
        all_procedures=False,
        procedures=[str(procedure.pk)],
        climate_change_relevant="false",
    )
    statement.refresh_from_db()
    assert (statement.scope_statement, statement.all_procedures, statement.climate_change_relevant) == (
        "Phạm vi mới",
        False,
        False,
    )
    assert list(statement.scope_procedures.values_list("procedure__code", flat=True)) == [procedure.code]


@case("audits_admin:context_contents")
def check_context_contents(client, world):
    statement = _context(world)
    submit(
        client,
        world.iso_a,
        admin("context_contents", statement),
        "issues-TOTAL_FORMS",
        expect_message="Đã lưu bối cảnh và phạm vi",
        **{"issues-2-origin": "external", "issues-2-description": "Chuyển đổi số dịch vụ công"},
    )
    assert statement.issues.count() == 3 and statement.issues.last().description == "Chuyển đổi số dịch vụ công"


@case("audits_admin:context_submit")
def check_context_submit(client, world):
    statement = _context(world)
    submit(client, world.iso_a, admin("context_submit", statement), "csrfmiddlewaretoken", expect_message="Đã trình")
    statement.refresh_from_db()
    assert statement.status == "submitted" and statement.submitted_by == world.iso_a


@case("audits_admin:context_approve")
def check_context_approve(client, world):
    from audits.context import services as context_services

    statement = _context(world)
    context_services.submit_statement(acting_user=world.iso_a, statement=statement)
    submit(client, world.leader_a, admin("context_approve", statement), "comment", expect_message="Đã phê duyệt")
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == ("approved", world.leader_a)


@case("audits_admin:context_reject")
def check_context_reject(client, world):
    from audits.context import services as context_services

    statement = _context(world)
    context_services.submit_statement(acting_user=world.iso_a, statement=statement)
    submit(
        client,
        world.leader_a,
        admin("context_reject", statement),
        "comment",
        expect_message="Đã trả lại",
        comment="Bổ sung Sở KH&CN",
    )
    statement.refresh_from_db()
    assert (statement.status, statement.review_comment) == ("draft", "Bổ sung Sở KH&CN")


# -- audits: the risk register ---------------------------------------------------------------------------------


def _risk(world, **extra):
    from tests.audits.builders import make_risk

    return make_risk(world, **extra)


@case("audits_risks:add")
def check_risk_add(client, world):
    from audits.models import Risk

    response = submit(
        client,
        world.iso_a,
        reverse("audits_risks:add"),
        "description",
        expect_message="Đã tạo",
        commune=world.commune_a.pk,
        kind="risk",
        description="Hồ sơ chứng thực sai thẩm quyền",
        likelihood=2,
        impact=5,
        owner=world.iso_a.pk,
        treatment="Tập huấn nhận biết giấy tờ giả",
        due_date="30/06/2026",
        identified_on="05/01/2026",
    )
    risk = Risk.objects.get(commune=world.commune_a)
    assert (risk.score, risk.level, risk.status) == (10, "high", "treating")
    assert response.redirect_chain[-1][0] == reverse("audits_risks:inspect", args=[risk.pk])


@case("audits_risks:edit")
def check_risk_edit(client, world):
    risk = _risk(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_risks:edit", args=[risk.pk]),
        "description",
        expect_message="Đã cập nhật",
        likelihood=5,
        impact=5,
    )
    risk.refresh_from_db()
    assert (risk.score, risk.level) == (25, "very_high")


@case("audits_risks:delete")
def check_risk_delete(client, world):
    from audits.models import Risk

    risk = _risk(world)
    client.force_login(world.iso_a)
    post_followed(client, reverse("audits_risks:delete", args=[risk.pk]), expect_message="Đã xóa")
    assert not Risk.objects.filter(pk=risk.pk).exists()


@case("audits_admin:risk_reassess")
def check_risk_reassess(client, world):
    risk = _risk(world, treatment="Bật nhắc hạn", due_date=datetime.date(2026, 3, 1))
    submit(
        client,
        world.iso_a,
        admin("risk_reassess", risk),
        "note",
        expect_message="đánh giá lại",
        residual_likelihood=1,
        residual_impact=3,
        reassessed_on="10/03/2026",
        note="Không còn hồ sơ trễ hạn",
    )
    risk.refresh_from_db()
    assert (risk.residual_score, risk.residual_level, risk.reassessed_on) == (3, "low", datetime.date(2026, 3, 10))


@case("audits_admin:risk_close")
def check_risk_close(client, world):
    from audits.risks import services as risk_services

    risk = _risk(world, treatment="Bật nhắc hạn", due_date=datetime.date(2026, 3, 1))
    risk_services.reassess_risk(
        acting_user=world.iso_a,
        risk=risk,
        residual_likelihood=1,
        residual_impact=2,
        reassessed_on=datetime.date(2026, 3, 10),
    )
    submit(client, world.iso_a, admin("risk_close", risk), "csrfmiddlewaretoken", expect_message="đã được đóng")
    risk.refresh_from_db()
    assert risk.status == "closed" and risk.closed_on is not None


# -- audits: the steering board and the quality policy -----------------------------------------------------------


def _board(world):
    from tests.audits.test_board import form_board, join

    board = form_board(world)
    return board, join(world, board, person_name="Lê Thị Mai", board_position="deputy")


@case("audits_board:issue")
def check_board_issue(client, world):
    from audits.board.models import SteeringBoard

    submit(
        client,
        world.iso_a,
        reverse("audits_board:issue", args=[world.commune_a.pk]),
        "decision_number",
        expect_message="Đã ghi nhận Quyết định 12/QĐ-UBND",
        kind="steering",
        decision_number="12/QĐ-UBND",
        decision_date="15/01/2026",
        signer_name="Trần Văn Bình",
    )
    board = SteeringBoard.objects.get(commune=world.commune_a)
    assert (board.decision_date, board.signer_position, board.status) == (
        datetime.date(2026, 1, 15),
        "Chủ tịch",
        "current",
    )


@case("audits_board:member_add")
def check_board_member_add(client, world):
    board, _member = _board(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_board:member_add", args=[board.pk]),
        "unit_position",
        expect_message="đã được bổ sung vào Ban chỉ đạo",
        user=world.auditor_a.pk,
        unit_position="Công chức Văn phòng - Thống kê",
        board_position="secretary",
        iso_role="secretary",
        joined_on="15/01/2026",
    )
    assert board.members.filter(user=world.auditor_a, iso_role="secretary").count() == 1
    assert world.auditor_a.groups.filter(commune_role__role="iso_officer").exists()


@case("audits_board:member_edit")
def check_board_member_edit(client, world):
    _board_, member = _board(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_board:member_edit", args=[member.pk]),
        "unit_position",
        expect_message="Đã cập nhật thành viên",
        unit_position="Phó Chủ tịch UBND xã",
        duties="Chỉ đạo bộ phận một cửa",
    )
    member.refresh_from_db()
    assert (member.unit_position, member.duties, member.person_name) == (
        "Phó Chủ tịch UBND xã",
        "Chỉ đạo bộ phận một cửa",
        "Lê Thị Mai",
    )


@case("audits_board:member_leave")
def check_board_member_leave(client, world):
    _board_, member = _board(world)
    submit(
        client,
        world.iso_a,
        reverse("audits_board:member_leave", args=[member.pk]),
        "left_on",
        expect_message="rời Ban chỉ đạo",
        left_on="01/06/2026",
    )
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 6, 1)


@case("audits_policy:adopt")
def check_policy_adopt(client, world):
    from audits.board.models import QualityPolicy

    submit(
        client,
        world.iso_a,
        reverse("audits_policy:adopt", args=[world.commune_a.pk]),
        "text",
        expect_message="Đã ban hành chính sách chất lượng phiên bản 1",
        text="Giải quyết thủ tục hành chính đúng hẹn.",
        adopted_on="20/01/2026",
        signed_by=world.leader_a.pk,
    )
    policy = QualityPolicy.objects.get(commune=world.commune_a)
    assert (policy.version, policy.signed_by, policy.adopted_on) == (1, world.leader_a, datetime.date(2026, 1, 20))


# -- the table covers every view that writes --------------------------------------------------------------------

#: URL names that write but need no row here, with the reason.
NOT_FORMS = {
    "audits_actions:add": "actions are opened by findings and decisions: the policy gives no one 'add'",
    "update_flags:add": "flags are raised and resolved by the services: the policy gives no one 'add'",
    "update_flags:edit": "flags are raised and resolved by the services: the policy gives no one 'change'",
    "update_flags:delete": "flags are raised and resolved by the services: the policy gives no one 'delete'",
    "communes:add": "communes are created by provisioning: the policy gives no one 'add'",
    "communes:delete": "communes are removed by provisioning: the policy gives no one 'delete'",
    f"{PD}:unpublish": "withdrawal is the Withdraw page: the policy gives no one 'unpublish'",
    f"{PD}:revisions_unschedule": "versions are issued by the workflow only: no publishing is ever scheduled",
    f"{PD}:preview_on_add": "keeps the unsaved form in the session for the preview; nothing is saved",
    f"{PD}:preview_on_edit": "keeps the unsaved form in the session for the preview; nothing is saved",
    "wagtailsnippetchoosers_processes_processdocument:create": "the chooser has no creation form: quy trình are started from the Start page",
    "certification:plans": "the list of inspection plans: reads only",
    "certification:plan": "an inspection plan's page: reads only",
    "certification:inspection_decision": "the inspection decision (Word/PDF): reads only",
    "certification:inspection_minutes": "the inspection minutes (Word/PDF): reads only",
    "certification:plan_consolidation": "the consolidation of the year's inspections (Word/PDF): reads only",
    "certification:plan_consolidation_xlsx": "the consolidation of the year's inspections (Excel): reads only",
    "certification:carry_over_progress": "the carry-over's counters as JSON: reads only",
    "certification:carry_over_compare": "the carry-over's side-by-side comparison: reads only",
    "certification:carry_over_xlsx": "the carry-over's reconciliation report (Excel): reads only",
    "citizen_feedback:add": "citizens send feedback on the public page: the policy gives no one 'add'",
    "citizen_feedback:delete": "feedback is kept (its contact details are erased by the task): the policy gives no one 'delete'",
    "signatures:record": "the record's signing page; its buttons post to the sign, download, upload and verify views",
    "signatures:download": "answers the approved PDF (frozen once), no form: tests/signatures/test_signed_pdfs.py",
    "signatures:upload": "needs a PDF signed outside with the test CA: tests/signatures/test_signed_pdfs.py",
    "signatures:verify": "verifies a signed PDF again: tests/signatures/test_signed_pdfs.py",
    "audits_admin:onestop_upload": "upload, preview and confirm: tests/audits/test_objectives.py",
    "audits_admin:onestop_preview": "upload, preview and confirm: tests/audits/test_objectives.py",
    "audits_admin:onestop_template": "the one-stop template (Excel): reads only",
    "audits_onestop:add": "imports are written by the import screen only: the policy gives no one 'add'",
    "audits_onestop:edit": "an import is kept as it was: the policy gives no one 'change'",
    "audits_onestop:delete": "an import is kept as a record: the policy gives no one 'delete'",
}
NAMESPACES = (
    "audits_",
    "certification:",
    "communes:",
    "units:",
    "tthc:",
    "handled_procedures:",
    "update_flags:",
    f"{PD}:",
    "wagtailsnippetchoosers_processes_processdocument:",
    "citizen_feedback:",
    "signatures:",
    "api_tokens:",
)
READ_ONLY = re.compile(
    r":(index|index_results|inspect|history|history_results|usage|(?!import_)[a-z_]*docx|[a-z_]*heatmap|certificate|evidence|home|dashboard"
    r"|commune|export_xlsx|decision_draft|self_assessment|list|list_results|versions|version|compare_versions|upstream|adoption|library"
    r"|revisions_view|revisions_compare|workflow_history|workflow_history_detail|workflow_preview"
    r"|choose|choose_results|chosen|chosen_multiple)$"
)
NO_DELETE = {
    "audits_programmes",
    "audits_plans",
    "audits_findings",
    "audits_actions",
    "audits_reviews",
    "audits_auditors",
    "audits_context",
}


def url_names(resolver=None, prefix="") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names += url_names(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def writing_url_names() -> list[str]:
    names = []
    for name in url_names():
        if not name.startswith(NAMESPACES) or READ_ONLY.search(name) or name.startswith("audits_files:"):
            continue
        namespace, _, view = name.partition(":")
        if view == "delete" and namespace in NO_DELETE:
            continue
        names.append(name)
    return sorted(set(names))


def test_every_view_that_writes_has_a_success_path_check():
    missing = [name for name in writing_url_names() if name not in CASES and name not in NOT_FORMS]
    assert not missing, f"add a success-path check for: {missing}"
