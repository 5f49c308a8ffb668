"""Citizen feedback (ISO 9001 9.1.2): the public forms, the officer's answer, the retention task, permissions."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from processes import services
from processes.models import CitizenFeedback, FeedbackKind, FeedbackStatus
from processes.tasks import erase_expired_feedback_contacts
from tests.browser_forms import fill, open_form

from .helpers import approve_directly, start_document

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def document(world, khai_sinh):
    return approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)


def page_url(document):
    return reverse("processes_public:procedure", args=[document.commune.slug, document.code])


def feedback_url(document, form_name):
    return reverse("processes_public:feedback", args=[document.commune.slug, document.code, form_name])


def rate(document, rating, **extra):
    return services.submit_feedback(
        commune=document.commune, procedure=document.procedure, kind=FeedbackKind.SATISFACTION, rating=rating, **extra
    )


def test_page_offers_both_forms_in_vietnamese_with_the_average(client, document):
    rate(document, 4)
    rate(document, 5)
    body = client.get(page_url(document), **EN).content.decode()
    assert "Mức độ hài lòng: 4,5/5 từ 2 lượt đánh giá." in body
    assert "Đánh giá thủ tục này" in body and "Góp ý hoặc phản ánh, kiến nghị" in body
    assert "xóa sau 24 tháng" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_rating_is_saved_once_and_thanked(client, document):
    data = fill(open_form(client, page_url(document), "satisfaction-rating"), **{"satisfaction-rating": "4"})
    data["satisfaction-comment"] = ["Cán bộ hướng dẫn tận tình."]
    response = client.post(feedback_url(document, "satisfaction"), data, **EN)
    assert response.status_code == 302
    thanks = client.get(response["Location"], **EN).content.decode()
    assert "Cảm ơn ông/bà đã góp ý" in thanks
    feedback = CitizenFeedback.objects.get()
    assert (feedback.kind, feedback.rating, feedback.commune_id) == (FeedbackKind.SATISFACTION, 4, document.commune_id)
    assert feedback.comment == "Cán bộ hướng dẫn tận tình." and feedback.status == FeedbackStatus.NEW


def test_honeypot_filled_saves_nothing(client, document):
    data = fill(open_form(client, page_url(document), "satisfaction-rating"), **{"satisfaction-rating": "5"})
    data["satisfaction-website"] = ["http://spam.example"]
    response = client.post(feedback_url(document, "satisfaction"), data)
    assert response.status_code == 302  # the robot is thanked
    assert not CitizenFeedback.objects.exists()


def test_bad_input_shows_vietnamese_errors_and_saves_nothing(client, document):
    data = fill(open_form(client, page_url(document), "satisfaction-rating"), **{"satisfaction-rating": "7"})
    response = client.post(feedback_url(document, "satisfaction"), data, **EN)
    assert response.status_code == 400
    assert "Vui lòng chọn mức đánh giá từ 1 đến 5 sao." in response.content.decode()
    complaint = fill(
        open_form(client, page_url(document), "complaint-comment"),
        **{"complaint-kind": "complaint", "complaint-contact_phone": "0912 345 678"},
    )
    body = client.post(feedback_url(document, "complaint"), complaint, **EN).content.decode()
    assert "Vui lòng ghi nội dung góp ý hoặc phản ánh." in body
    assert "Vui lòng đánh dấu đồng ý" in body
    assert not CitizenFeedback.objects.exists()


def test_a_complaint_with_consented_contact_is_saved(client, document):
    data = fill(
        open_form(client, page_url(document), "complaint-comment"),
        **{
            "complaint-kind": "complaint",
            "complaint-comment": "Hẹn trả kết quả nhưng quá hạn 3 ngày.",
            "complaint-contact_name": "Nguyễn Văn An",
            "complaint-contact_phone": "0912 345 678",
            "complaint-contact_consent": "on",
        },
    )
    assert client.post(feedback_url(document, "complaint"), data).status_code == 302
    feedback = CitizenFeedback.objects.get()
    assert (feedback.kind, feedback.rating, feedback.contact_name) == (FeedbackKind.COMPLAINT, None, "Nguyễn Văn An")
    assert feedback.contact_consent


def test_rate_limit_answers_429_in_vietnamese(client, document, settings):
    settings.QMS_FEEDBACK_RATE = "2/h"
    data = fill(open_form(client, page_url(document), "satisfaction-rating"), **{"satisfaction-rating": "3"})
    assert [client.post(feedback_url(document, "satisfaction"), data).status_code for _ in range(2)] == [302, 302]
    response = client.post(feedback_url(document, "satisfaction"), data, **EN)
    assert response.status_code == 429
    assert "Ông/bà đã gửi quá nhiều ý kiến" in response.content.decode()
    assert CitizenFeedback.objects.count() == 2


def test_officer_answers_and_closes(client, world, document):
    feedback = services.submit_feedback(
        commune=document.commune, procedure=document.procedure, kind=FeedbackKind.SUGGESTION, comment="Thêm ghế chờ."
    )
    client.force_login(world.iso_a)
    edit = reverse("citizen_feedback:edit", args=[feedback.pk])
    data = fill(open_form(client, edit, "answer"), answer="Đã bố trí thêm 6 ghế.", close="on")
    assert client.post(edit, data).status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.answer, feedback.answered_by) == (
        FeedbackStatus.CLOSED,
        "Đã bố trí thêm 6 ghế.",
        world.iso_a,
    )
    assert feedback.history.count() == 2


def test_retention_task_erases_contacts_of_old_feedback_only(document):
    now = timezone.now()
    contact = {"contact_name": "Trần Thị Bình", "contact_email": "binh@example.vn", "contact_consent": True}
    old = rate(document, 2, received_at=now - datetime.timedelta(days=25 * 31), **contact)
    recent = rate(document, 5, received_at=now - datetime.timedelta(days=30), **contact)
    assert erase_expired_feedback_contacts.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.rating) == ("", "", 2)
    assert old.contact_erased_at is not None
    assert (recent.contact_name, recent.contact_email) == ("Trần Thị Bình", "binh@example.vn")
    assert not hasattr(old.history.first(), "contact_name")  # the history never copied the contact


def test_another_communes_feedback_is_404(client, world, document):
    feedback = rate(document, 1, comment="Chờ quá lâu.")
    client.force_login(world.iso_b)
    listing = client.get(reverse("citizen_feedback:index"))
    assert listing.status_code == 200 and "Chờ quá lâu." not in listing.content.decode()
    for name in ("edit", "inspect", "history"):
        assert client.get(reverse(f"citizen_feedback:{name}", args=[feedback.pk])).status_code == 404, name
    client.force_login(world.iso_a)
    assert "Chờ quá lâu." in client.get(reverse("citizen_feedback:index")).content.decode()


def test_list_query_count_does_not_grow_with_rows(client, world, document, ket_hon):
    other = approve_directly(start_document(world, ket_hon), world.iso_a, world.leader_a)
    client.force_login(world.iso_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("citizen_feedback:index")).status_code == 200
        return len(captured)

    for n in range(3):
        rate(document if n % 2 else other, n % 5 + 1, comment=f"Ý kiến {n}")
    few = queries()
    for n in range(3, 30):
        rate(document if n % 2 else other, n % 5 + 1, comment=f"Ý kiến {n}")
    assert queries() == few
