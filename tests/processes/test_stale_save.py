"""Two officers open the same quy trình: the save (or workflow action) posted from the
editor opened before the other one's save is refused, naming who saved and when."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import TaskState

from processes.content import document_content
from processes.models import ProcessDocument
from qms.units.models import Role
from tests.stale_save import MISSING, colleague, logged_in, moments

from .helpers import current_task_state, edit_form_data, start_document, submit, url

pytestmark = pytest.mark.django_db

STALE = (
    "Quy trình này đã được Nguyễn Văn An lưu lúc {time} sau khi bạn mở. Hãy tải lại trang để xem thay đổi rồi sửa lại."
)
LOADED = ("loaded_revision_id", "loaded_revision_created_at")


def open_editor(client, document) -> dict:
    """GET the editor; the revision fields its form carries."""
    response = client.get(url("edit", document.pk))
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    values = {name: page.xpath(f'//form[@id="w-editor-form"]//input[@name="{name}"]/@value') for name in LOADED}
    assert all(values.values()), values
    return {name: found[0] for name, found in values.items()}


def post_from(client, document, opened: dict, **changes):
    data = edit_form_data(document, **changes)
    data.update(opened)
    return client.post(url("edit", document.pk), data)


def latest_purpose(document) -> str:
    return document_content(ProcessDocument.objects.get(pk=document.pk).get_latest_revision_as_object()).purpose


def test_wagtail_keeps_the_revision_fields_in_the_editor(world, khai_sinh):
    document = start_document(world, khai_sinh)
    opened = open_editor(logged_in(world.iso_a), document)
    latest = ProcessDocument.objects.get(pk=document.pk).latest_revision
    assert opened == {"loaded_revision_id": str(latest.pk), "loaded_revision_created_at": latest.created_at.isoformat()}


def test_the_later_save_from_a_stale_editor_is_refused(world, khai_sinh):
    document = start_document(world, khai_sinh)
    officer_a, officer_b = logged_in(colleague(world)), logged_in(world.iso_a)
    opened_a, opened_b = open_editor(officer_a, document), open_editor(officer_b, document)
    revisions = document.revisions.count()

    before = timezone.now()
    response = post_from(officer_a, document, opened_a, purpose="Mục đích do An sửa")
    after = timezone.now()
    assert response.status_code == 302
    assert latest_purpose(document) == "Mục đích do An sửa"

    response = post_from(officer_b, document, opened_b, purpose="Mục đích do ISO sửa")
    assert response.status_code == 200
    body = response.content.decode()
    assert any(STALE.format(time=moment) in body for moment in moments(before, after)), body
    assert latest_purpose(document) == "Mục đích do An sửa"
    assert document.revisions.count() == revisions + 1

    response = post_from(officer_b, document, open_editor(officer_b, document), purpose="Mục đích do ISO sửa")
    assert response.status_code == 302
    assert latest_purpose(document) == "Mục đích do ISO sửa"


def test_a_save_without_the_revision_fields_is_refused(world, khai_sinh):
    document = start_document(world, khai_sinh)
    officer = logged_in(world.iso_a)
    open_editor(officer, document)
    data = {k: v for k, v in edit_form_data(document, purpose="Không rõ phiên bản").items() if k not in LOADED}
    revisions = document.revisions.count()
    response = officer.post(url("edit", document.pk), data)
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    assert document.revisions.count() == revisions
    assert latest_purpose(document) != "Không rõ phiên bản"


def test_submitting_from_a_stale_editor_is_refused(world, khai_sinh):
    document = start_document(world, khai_sinh)
    officer_a, officer_b = logged_in(colleague(world)), logged_in(world.iso_a)
    opened_a, opened_b = open_editor(officer_a, document), open_editor(officer_b, document)
    assert post_from(officer_a, document, opened_a, purpose="Mục đích do An sửa").status_code == 302
    data = edit_form_data(document, purpose="Bản cũ gửi duyệt")
    data.update(opened_b)
    data["action-submit"] = "submit"
    response = officer_b.post(url("edit", document.pk), data)
    assert response.status_code == 200
    assert "Quy trình này đã được Nguyễn Văn An lưu lúc" in response.content.decode()
    document = ProcessDocument.objects.get(pk=document.pk)
    assert document.current_workflow_state is None
    assert latest_purpose(document) == "Mục đích do An sửa"


def test_a_workflow_action_from_a_stale_editor_is_refused(world, khai_sinh):
    """Two leaders review the same step; the one whose editor is stale cannot approve what they did not see."""
    document = start_document(world, khai_sinh)
    assert submit(Client(), world.iso_a, document).status_code == 302
    leader_a, leader_b = logged_in(colleague(world, Role.LEADER)), logged_in(world.leader_a)
    opened_a, opened_b = open_editor(leader_a, document), open_editor(leader_b, document)
    assert post_from(leader_a, document, opened_a, purpose="Lãnh đạo An sửa khi soát xét").status_code == 302
    state = current_task_state(document)

    for action in (
        {"action-workflow-action": "true", "workflow-action-name": "approve"},
        {"action-cancel-workflow": "true"},
    ):
        data = edit_form_data(document, purpose="Bản cũ")
        data.update(opened_b, **action)
        response = leader_b.post(url("edit", document.pk), data)
        assert response.status_code == 200
        assert "Quy trình này đã được Nguyễn Văn An lưu lúc" in response.content.decode()
        state.refresh_from_db()
        assert state.status == TaskState.STATUS_IN_PROGRESS
        assert latest_purpose(document) == "Lãnh đạo An sửa khi soát xét"

    data = edit_form_data(document)
    data.update(
        open_editor(leader_b, document), **{"action-workflow-action": "true", "workflow-action-name": "approve"}
    )
    assert leader_b.post(url("edit", document.pk), data).status_code == 302
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED
