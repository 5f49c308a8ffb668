"""Management review: 9.3.2 inputs assembled from the data, decisions that become tracked actions."""

import datetime

import pytest
from django.urls import reverse

from audits import selectors, services
from audits.models import (
    ActionStatus,
    ChecklistResult,
    CorrectiveAction,
    DecisionTopic,
    FindingKind,
    ManagementReview,
    ReviewStatus,
)

from .builders import completed_audit, make_audit, raise_nc

REVIEW_DAY = datetime.date(2026, 12, 15)


def _review(world, *, planned_on=REVIEW_DAY, title="Xem xét của lãnh đạo năm 2026"):
    return services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=planned_on.year,
        title=title,
        planned_on=planned_on,
        chair=world.leader_a,
        secretary=world.iso_a,
    )


@pytest.fixture
def reviewed(world):
    """A previous review (held in January, one tracked decision), a completed audit, objectives; and noise in B."""
    previous = _review(world, planned_on=datetime.date(2026, 1, 20), title="Xem xét của lãnh đạo tháng 1/2026")
    services.add_decision(
        acting_user=world.leader_a,
        review=previous,
        topic=DecisionTopic.RESOURCES,
        text="Mua máy scan cho bộ phận một cửa.",
        owner=world.iso_a,
        due_date=datetime.date(2026, 4, 30),
        track=True,
    )
    services.hold_review(
        acting_user=world.leader_a, review=previous, held_on=datetime.date(2026, 1, 20), conclusions="Duy trì."
    )
    plan, major, minor = completed_audit(world)
    services.save_training(
        acting_user=world.iso_a,
        auditor=plan.lead_auditor,
        course="Đánh giá viên nội bộ",
        issued_on=datetime.date(2025, 3, 1),
        issuer="Chi cục TĐC",
    )
    for statement, achieved in (
        ("Hồ sơ đúng hạn ≥ 98%", True),
        ("Không có khiếu nại", True),
        ("100% hồ sơ trực tuyến", False),
    ):
        services.save_objective(
            acting_user=world.iso_a,
            commune=world.commune_a,
            year=2026,
            statement=statement,
            target="x",
            achieved=achieved,
        )
    services.save_objective(
        acting_user=world.iso_a, commune=world.commune_a, year=2025, statement="Cũ", target="x", achieved=False
    )
    other = make_audit(world, commune=world.commune_b)
    raise_nc(world, other, kind=FindingKind.MAJOR_NC)
    return plan, major, minor


@pytest.mark.django_db
def test_inputs_match_the_data(world, reviewed):
    plan, major, minor = reviewed
    review = _review(world)
    inputs = selectors.review_inputs(review, today=REVIEW_DAY)

    assert inputs["period"] == {"since": "2026-01-21", "until": "2026-12-15"}
    previous = inputs["previous_actions"]
    assert [item["title"] for item in previous["items"]] == ["Mua máy scan cho bộ phận một cửa."]
    assert previous["open"] == 1 and previous["items"][0]["status"] == ActionStatus.OPEN

    audits = inputs["audit_results"]
    assert [a["title"] for a in audits["items"]] == [plan.title]
    assert audits["completed"] == 1
    assert audits["items"][0]["findings"] == plan.findings.count() == 4
    assert audits["items"][0]["nonconformities"] == 2
    assert audits["items"][0]["conclusion"] == plan.conclusion

    ncs = inputs["nonconformities"]
    assert ncs["findings_by_kind"] == {"major_nc": 1, "minor_nc": 1, "observation": 1, "opportunity": 1}
    assert ncs["findings_total"] == 4
    major.corrective_action.refresh_from_db()
    closed_in_period = datetime.date(2026, 1, 21) <= major.corrective_action.closed_at.date() <= REVIEW_DAY
    assert ncs["actions"]["open"] == 1  # the minor NC's action; commune B's major NC is not counted
    assert ncs["actions"]["overdue"] == 1  # due 30/06/2026
    assert ncs["actions"]["closed"] == int(closed_in_period)

    audited = {row["code"]: row for row in inputs["process_performance"]["audited"]}
    item = plan.checklist.filter(result=ChecklistResult.NONCONFORMING).get()
    row = audited[item.process.document_code]
    assert row["nonconforming"] == 1
    assert row["conforming"] + row["nonconforming"] == plan.checklist.filter(process=item.process).count()
    assert "effective_documents" in inputs["process_performance"]

    objectives = inputs["quality_objectives"]
    assert [o["statement"] for o in objectives["items"]] == [
        "Hồ sơ đúng hạn ≥ 98%",
        "Không có khiếu nại",
        "100% hồ sơ trực tuyến",
    ]
    assert (objectives["achieved"], objectives["not_achieved"]) == (2, 1)
    assert inputs["resources"] == {"auditors": 1, "trained_auditors": 1}
    assert {o["kind"] for o in inputs["improvement_opportunities"]} == {
        FindingKind.OBSERVATION,
        FindingKind.OPPORTUNITY,
    }


@pytest.mark.django_db
def test_inputs_follow_the_data_when_it_changes(world, reviewed):
    _plan, _major, minor = reviewed
    review = _review(world)
    before = selectors.review_inputs(review, today=REVIEW_DAY)["nonconformities"]["actions"]
    services.cancel_action(acting_user=world.leader_a, action=minor.corrective_action, reason="Trùng với phiếu khác.")
    after = selectors.review_inputs(review, today=REVIEW_DAY)["nonconformities"]["actions"]
    assert (before["open"], after["open"]) == (1, 0)
    assert after["cancelled"] == before["cancelled"] + 1


@pytest.mark.django_db
def test_leader_assembles_inputs_in_the_admin_and_sees_them(client, world, reviewed):
    review = _review(world)
    client.force_login(world.leader_a)
    response = client.post(reverse("audits_admin:review_inputs", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.inputs == selectors.review_inputs(review)
    assert review.inputs_assembled_at is not None
    body = client.get(reverse("audits_reviews:inspect", args=[review.pk])).content.decode()
    assert "Mua máy scan cho bộ phận một cửa." in body
    assert "Hồ sơ đúng hạn ≥ 98%" in body
    assert "c) Thông tin về kết quả thực hiện và hiệu lực của HTQLCL, bao gồm cả xu hướng về:" in body
    assert "2) Mức độ đạt được các mục tiêu chất lượng" in body and "f) Các cơ hội cải tiến" in body
    assert "Chưa có hồ sơ trong hệ thống: kết quả thực hiện của các nhà cung cấp bên ngoài." in body


@pytest.mark.django_db
def test_decision_recorded_in_the_admin_becomes_a_tracked_action(client, world, reviewed):
    review = _review(world)
    client.force_login(world.leader_a)
    response = client.post(
        reverse("audits_admin:review_decision", args=[review.pk]),
        {
            "topic": DecisionTopic.CHANGE,
            "text": "Sửa quy trình cấp phép xây dựng.",
            "owner": world.iso_a.pk,
            "due_date": "2027-02-28",
            "track": "on",
        },
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(decision__review=review)
    assert (action.owner, action.due_date, action.status) == (
        world.iso_a,
        datetime.date(2027, 2, 28),
        ActionStatus.OPEN,
    )
    assert action.title == "Sửa quy trình cấp phép xây dựng."
    # the next review lists it among the previous review's actions once this one is held
    services.hold_review(acting_user=world.leader_a, review=review, held_on=REVIEW_DAY, conclusions="Phù hợp.")
    later = _review(world, planned_on=datetime.date(2027, 6, 1), title="Xem xét giữa năm 2027")
    titles = [i["title"] for i in selectors.review_inputs(later)["previous_actions"]["items"]]
    assert "Sửa quy trình cấp phép xây dựng." in titles


@pytest.mark.django_db
def test_tracking_needs_owner_and_due_date_and_happens_once(client, world):
    review = _review(world)
    decision = services.add_decision(
        acting_user=world.leader_a, review=review, topic=DecisionTopic.IMPROVEMENT, text="Cải tiến."
    )
    client.force_login(world.leader_a)
    response = client.post(reverse("audits_admin:decision_track", args=[decision.pk]))
    assert response.status_code == 200
    assert "Quyết định cần theo dõi phải có người thực hiện và thời hạn." in response.content.decode()
    assert not CorrectiveAction.objects.exists()
    decision.owner, decision.due_date = world.iso_a, datetime.date(2027, 1, 31)
    decision.save()
    assert client.post(reverse("audits_admin:decision_track", args=[decision.pk])).status_code == 302
    assert client.post(reverse("audits_admin:decision_track", args=[decision.pk])).status_code == 200
    assert CorrectiveAction.objects.filter(decision=decision).count() == 1


@pytest.mark.django_db
def test_held_review_keeps_its_inputs(world, reviewed):
    review = _review(world)
    services.hold_review(acting_user=world.leader_a, review=review, held_on=REVIEW_DAY, conclusions="Phù hợp.")
    review.refresh_from_db()
    snapshot = review.inputs
    assert review.status == ReviewStatus.HELD and snapshot["audit_results"]["completed"] == 1
    services.save_objective(acting_user=world.iso_a, commune=world.commune_a, year=2026, statement="Mới", target="x")
    with pytest.raises(Exception, match="đầu vào được giữ nguyên"):
        services.assemble_review_inputs(acting_user=world.leader_a, review=review)
    assert ManagementReview.objects.get(pk=review.pk).inputs == snapshot
