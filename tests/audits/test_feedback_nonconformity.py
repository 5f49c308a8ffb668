"""A citizen's complaint turned into a nonconformity and its corrective action; the review inputs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.docx import build_review_docx
from audits.models import CorrectiveAction, Finding
from audits.selectors import review_inputs
from processes import services as process_services
from processes.models import FeedbackKind, FeedbackStatus
from qms.docx import document_text, to_bytes
from tests.browser_forms import fill, open_form
from tests.processes.helpers import approve_directly, make_procedure, start_document

from .builders import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(world):
    document = approve_directly(start_document(world, make_procedure()), world.iso_a, world.leader_a)
    return process_services.submit_feedback(
        commune=world.commune_a,
        procedure=document.procedure,
        kind=FeedbackKind.COMPLAINT,
        comment="Hồ sơ khai sinh trả chậm 3 ngày, không có phiếu xin lỗi.",
    )


def convert_url(feedback):
    return reverse("audits_admin:feedback_nonconformity", args=[feedback.pk])


def test_officer_turns_a_complaint_into_one_finding_and_action(client, world, complaint):
    client.force_login(world.iso_a)
    edit_page = client.get(reverse("citizen_feedback:edit", args=[complaint.pk])).content.decode()
    assert convert_url(complaint) in edit_page and "Chuyển thành điểm không phù hợp" in edit_page
    due = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    data = fill(open_form(client, convert_url(complaint), "owner"), owner=str(world.leader_a.pk), due_date=due)
    response = client.post(convert_url(complaint), data)
    assert response.status_code == 302
    finding = Finding.objects.get(feedback=complaint)
    action = CorrectiveAction.objects.get()
    assert response["Location"] == reverse("audits_actions:inspect", args=[action.pk])
    assert (finding.plan, finding.clause.number, finding.description) == (None, "9.1.2", complaint.comment)
    assert finding.process_document_code == "QT-1.001193"
    assert (action.finding, action.owner, action.commune) == (finding, world.leader_a, world.commune_a)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.nonconformity_reference) == (FeedbackStatus.NONCONFORMITY, action.number)
    inspect = client.get(reverse("citizen_feedback:inspect", args=[complaint.pk])).content.decode()
    assert f"Hành động khắc phục {action.number}" in inspect and convert_url(complaint) not in inspect
    assert client.get(reverse("audits_actions:inspect", args=[action.pk])).status_code == 200
    assert client.get(reverse("audits_admin:action_docx", args=[action.pk])).status_code == 200
    with pytest.raises(ValidationError):
        services.raise_nonconformity_from_feedback(
            acting_user=world.iso_a, feedback=complaint, owner=world.leader_a, due_date=timezone.localdate()
        )
    assert (Finding.objects.count(), CorrectiveAction.objects.count()) == (1, 1)


def test_conversion_is_for_the_communes_officer_only(client, world, complaint):
    client.force_login(world.iso_b)
    assert client.get(convert_url(complaint)).status_code == 404
    assert client.post(convert_url(complaint), {"owner": world.iso_b.pk}).status_code == 404
    client.force_login(world.auditor_a)
    refused = client.get(convert_url(complaint))  # an auditor sees the feedback without the right to convert it
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert not Finding.objects.exists()


def test_review_inputs_list_satisfaction_and_complaints_with_their_outcome(world, complaint):
    received = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0))
    for rating in (3, 4):
        process_services.submit_feedback(
            commune=world.commune_a,
            procedure=complaint.procedure,
            kind=FeedbackKind.SATISFACTION,
            rating=rating,
            received_at=received,
        )
    complaint.received_at = received
    complaint.save()
    process_services.answer_feedback(acting_user=world.iso_a, feedback=complaint, answer="Đã xin lỗi công dân.")
    review = make_review(world)
    inputs = review_inputs(review)["customer_feedback"]
    assert [(p["code"], p["average"], p["count"]) for p in inputs["satisfaction"]] == [("1.001193", 3.5, 2)]
    [row] = inputs["complaints"]
    assert (row["kind"], row["status"], row["answer"]) == ("complaint", "answered", "Đã xin lỗi công dân.")
    services.assemble_review_inputs(acting_user=world.leader_a, review=review)
    text = document_text(to_bytes(build_review_docx(review)))
    assert "3,5" in text and "Đã trả lời Đã xin lỗi công dân." in text
