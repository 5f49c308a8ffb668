"""Periodic review of a quy trình (ISO 9001 7.5.2/7.5.3): the next review date, the reminders
to the ISO officer, "reviewed, no change" and the list filter."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from processes import services
from processes.content import document_content
from processes.models import ProcessDocument, ReviewDecision
from qms.audit_log import entries_for
from qms.notifications.models import Notification
from tests.browser_forms import fill, open_form
from tests.permission_matrix import ADMIN_HOME, cell_id, cells, check_cell

from .helpers import approve_directly, make_procedure, start_document, url

pytestmark = pytest.mark.django_db


def _effective(world, procedure):
    return approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)


def _due_on(document, day):
    ProcessDocument.objects.filter(pk=document.pk).update(next_review_on=day)
    return ProcessDocument.objects.get(pk=document.pk)


def _reminders(user):
    return list(Notification.objects.filter(recipient=user, kind__startswith="processes.review_").order_by("pk"))


def test_an_approved_version_is_next_reviewed_twelve_months_after_it_takes_effect(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    version = document.current_version
    assert document.review_interval_months == 12
    assert document.next_review_on == version.effective_date + relativedelta(months=12)
    client.force_login(world.iso_a)
    body = client.get(url("review", document.pk)).content.decode()
    assert f"Hạn xem xét tiếp theo: {document.next_review_on:%d/%m/%Y}." in body
    assert "Xem xét định kỳ 12 tháng một lần." in body


def test_reminders_go_to_the_officer_once_at_30_days_and_once_when_overdue(world, khai_sinh):
    document = _effective(world, khai_sinh)
    due = document.next_review_on
    assert services.plan_review_reminders(today=due - timedelta(days=31)) == 0
    assert services.plan_review_reminders(today=due - timedelta(days=30)) == 1
    assert services.plan_review_reminders(today=due - timedelta(days=30)) == 0
    assert services.plan_review_reminders(today=due - timedelta(days=5)) == 0
    [soon] = _reminders(world.iso_a)
    assert soon.kind == "processes.review_due"
    assert soon.subject == f"Quy trình {document.code} đến hạn xem xét định kỳ ngày {due:%d/%m/%Y}"
    assert soon.link == url("review", document.pk)
    assert services.plan_review_reminders(today=due) == 0
    assert services.plan_review_reminders(today=due + timedelta(days=1)) == 1
    assert services.plan_review_reminders(today=due + timedelta(days=20)) == 0
    overdue = _reminders(world.iso_a)[-1]
    assert overdue.kind == "processes.review_overdue"
    assert overdue.subject == f"Quy trình {document.code} đã quá hạn xem xét định kỳ"
    assert len(_reminders(world.iso_a)) == 2
    for other in (world.leader_a, world.auditor_a, world.iso_b, world.district):
        assert _reminders(other) == []


def test_reviewed_no_change_is_a_dated_decision_that_moves_the_next_review(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    today = timezone.localdate()
    document = _due_on(document, today - timedelta(days=3))
    services.plan_review_reminders(today=today)
    [reminder] = _reminders(world.iso_a)
    revisions = document.revisions.count()

    client.force_login(world.iso_a)
    data = fill(
        open_form(client, url("review", document.pk), "review-note"),
        review__note="Đã rà soát căn cứ pháp lý, còn hiệu lực.",
    )
    response = client.post(url("review", document.pk), data)
    assert response.status_code == 302
    [decision] = ReviewDecision.objects.filter(document=document)
    assert (decision.reviewed_on, decision.reviewed_by, decision.version) == (
        today,
        world.iso_a,
        document.current_version,
    )
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.next_review_on == decision.next_review_on == today + relativedelta(months=12)
    assert document.revisions.count() == revisions and document.versions.count() == 1
    assert decision.history.count() == 1 and decision.history.first().history_user == world.iso_a
    [entry] = [e for e in entries_for(document) if e.action == "processes.document.review_no_change"]
    assert entry.user == world.iso_a and entry.data["next_review_on"] == document.next_review_on.isoformat()
    reminder.refresh_from_db()
    assert reminder.read_at is not None

    body = client.get(url("review", document.pk)).content.decode()
    assert "Đã rà soát căn cứ pháp lý, còn hiệu lực." in body
    assert f"Hạn xem xét tiếp theo: {document.next_review_on:%d/%m/%Y}." in body
    # The same form posted again (a double click) saves nothing more.
    assert client.post(url("review", document.pk), data).status_code == 200
    assert ReviewDecision.objects.filter(document=document).count() == 1


def test_a_new_version_also_moves_the_next_review_and_the_settings_survive_it(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    services.update_review_settings(document=document, acting_user=world.iso_a, interval_months=6, audience="auditor")
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.next_review_on == document.current_version.effective_date + relativedelta(months=6)
    content = document_content(document.get_latest_revision_as_object())
    content.purpose = "Mục đích đã sửa."
    services.save_draft_from_content(document=document, content=content, acting_user=world.iso_a)
    document = _due_on(document, timezone.localdate() - timedelta(days=1))
    document = approve_directly(document, world.iso_a, world.leader_a)
    assert document.current_version.issue_number == 2
    assert (document.review_interval_months, document.acknowledge_audience) == (6, "auditor")
    assert document.next_review_on == document.current_version.effective_date + relativedelta(months=6)


def test_the_settings_form_changes_the_interval(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    client.force_login(world.iso_a)
    data = fill(open_form(client, url("review", document.pk), "settings-review_interval_months"))
    data["settings-review_interval_months"] = ["24"]
    assert client.post(url("review", document.pk), data).status_code == 302
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.review_interval_months == 24
    assert document.next_review_on == document.current_version.effective_date + relativedelta(months=24)


def test_officers_see_due_for_review_in_the_list_and_on_the_edit_page(client, world, khai_sinh, ket_hon):
    due = _due_on(_effective(world, khai_sinh), timezone.localdate() + timedelta(days=10))
    later = _effective(world, ket_hon)
    client.force_login(world.iso_a)
    body = client.get(url("list"), {"review": "due"}).content.decode()
    assert due.code in body and later.code not in body
    body = client.get(url("list"), {"review": "overdue"}).content.decode()
    assert due.code not in body
    body = client.get(url("edit", due.pk)).content.decode()
    assert f"Đến hạn xem xét: hạn xem xét định kỳ là ngày {due.next_review_on:%d/%m/%Y}." in body
    assert "Đến hạn xem xét" not in client.get(url("edit", later.pk)).content.decode()


def test_the_review_filter_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    def documents(count, start):
        for i in range(start, start + count):
            document = _effective(world, make_procedure(code=f"8.{i:06d}", name=f"Thủ tục xem xét {i}"))
            _due_on(document, timezone.localdate() + timedelta(days=i % 20))

    documents(2, 0)
    client.force_login(world.iso_a)
    client.get(url("list"), {"review": "due"})
    with django_assert_max_num_queries(60) as small:
        client.get(url("list"), {"review": "due"})
    documents(6, 2)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        body = client.get(url("list"), {"review": "due"}).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "QT-8.000007" in body


@pytest.mark.parametrize("cell", cells({"review": {"iso_a"}}), ids=cell_id)
def test_review_page_permission_cells(client, world, khai_sinh, cell):
    document = _effective(world, khai_sinh)
    marker = "Ghi nhận “đã xem xét, không thay đổi”"
    check_cell(client, world, cell, url("review", document.pk), refused=ADMIN_HOME, hidden=404, marker=marker)
    if not cell.allowed:
        check_cell(
            client,
            world,
            cell,
            url("review", document.pk),
            refused=ADMIN_HOME,
            hidden=404,
            method="post",
            data={"review-reviewed_on": "2026-01-01"},
        )
    assert not ReviewDecision.objects.exists()
