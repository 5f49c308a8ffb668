"""Soạn thảo → Soát xét → Phê duyệt through Wagtail's real edit and workflow action views."""

import pytest
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState

from processes.models import CommuneRoleApprovalTask, DocumentStatus, ProcessDocument, ProcessVersion
from qms.audit_log import entries_for
from qms.signals import qms_data_changed
from tests.permission_matrix import ADMIN_HOME, assert_answer

from .helpers import approve_through_workflow, current_task_state, fees_of, start_document, submit, url, workflow_action

pytestmark = pytest.mark.django_db


def test_one_workflow_with_two_leader_steps_is_assigned_to_process_documents():
    workflow = ProcessDocument.get_default_workflow()
    assert workflow is not None
    tasks = [task.specific for task in workflow.tasks]
    assert [t.name for t in tasks] == ["Soát xét", "Phê duyệt"]
    assert all(isinstance(t, CommuneRoleApprovalTask) and t.role == "leader" for t in tasks)


def test_submit_puts_the_draft_in_review_and_locks_it_for_the_officer(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    response = submit(client, world.iso_a, document, purpose="Mục đích đã sửa.")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_REVIEW
    assert document.current_workflow_task.name == "Soát xét"
    assert document.get_latest_revision_as_object().purpose == "Mục đích đã sửa."
    assert not document.live
    task = document.current_workflow_task
    assert task.locked_for_user(document, world.iso_a)
    assert not task.locked_for_user(document, world.leader_a)


def test_full_approval_issues_the_first_version(client, world, khai_sinh, django_capture_on_commit_callbacks):
    document = start_document(world, khai_sinh)
    received = []
    qms_data_changed.connect(
        lambda sender, commune_id, kind, **kw: received.append((commune_id, kind)), weak=False, dispatch_uid="t-approve"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = approve_through_workflow(
                client,
                world,
                document,
                drafted_position="Công chức Tư pháp - Hộ tịch",
                approved_position="Chủ tịch UBND xã",
            )
    finally:
        qms_data_changed.disconnect(dispatch_uid="t-approve")
    today = timezone.localdate()
    assert document.live and document.status == DocumentStatus.EFFECTIVE
    assert (document.issue_number, document.issued_on, document.effective_date) == (1, today, today)
    assert document.approved_on == today and document.approved_position == "Chủ tịch UBND xã"
    assert document.approved_name == world.leader_a.username and document.reviewed_name == world.leader_a.username
    assert document.drafted_name == world.iso_a.username and document.drafted_on == today
    rows = [block.value for block in document.changes]
    assert len(rows) == 1 and rows[0]["issue_number"] == 1 and rows[0]["content"] == "Ban hành lần đầu"
    version = ProcessVersion.objects.get(document=document)
    assert version.issue_number == 1 and version.is_current and version.approved_by == world.leader_a
    assert version.revision_id == document.live_revision_id
    assert version.content.approved.signed_on == today
    actions = [entry.action for entry in entries_for(document)]
    assert "processes.document.approve" in actions
    assert (world.commune_a.pk, "process") in received


def test_second_approval_makes_the_previous_version_obsolete(client, world, effective_document):
    first = ProcessVersion.objects.get(document=effective_document)
    document = approve_through_workflow(
        client, world, effective_document, fees="Lệ phí: 8.000 đồng", change_request="NĐ 118/2025/NĐ-CP"
    )
    first.refresh_from_db()
    assert first.obsoleted_at is not None
    second = document.current_version
    assert second.issue_number == 2 and document.issue_number == 2
    assert fees_of(document) == "- Lệ phí: 8.000 đồng"
    rows = [block.value for block in document.changes]
    assert [r["issue_number"] for r in rows] == [1, 2]
    assert rows[1]["request"] == "NĐ 118/2025/NĐ-CP" and "Lệ phí" in rows[1]["content"]
    assert ProcessVersion.objects.filter(document=document, obsoleted_at__isnull=True).count() == 1


def test_leader_of_another_commune_cannot_approve(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    state = current_task_state(document)
    task = state.task.specific
    assert task.get_actions(document, world.leader_b) == []
    assert task.get_actions(document, world.iso_a) == []
    response = workflow_action(client, world.leader_b, document, "approve")
    assert response.status_code == 404  # another commune's document does not exist for them
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS
    document.refresh_from_db()
    assert not document.live and not ProcessVersion.objects.exists()
    moderated = task.get_task_states_user_can_moderate(world.leader_b)
    assert not moderated.exists()
    assert task.get_task_states_user_can_moderate(world.leader_a).filter(pk=state.pk).exists()


def test_officer_cannot_approve_own_submission(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    workflow_action(client, world.iso_a, document, "approve")
    assert current_task_state(document).status == TaskState.STATUS_IN_PROGRESS


def test_request_changes_returns_the_draft_to_the_officer_with_the_comment(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    workflow_action(
        client, world.leader_a, document, "reject", comment="Bổ sung Nghị định 118/2025/NĐ-CP vào căn cứ pháp lý."
    )
    document.refresh_from_db()
    assert document.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert document.status == DocumentStatus.DRAFT
    client.force_login(world.iso_a)
    response = client.get(url("edit", document.pk))
    assert response.status_code == 200
    assert "Bổ sung Nghị định 118/2025/NĐ-CP vào căn cứ pháp lý." in response.content.decode()
    # Resubmitting restarts the rejected step.
    submit(client, world.iso_a, document)
    assert current_task_state(document).task.name == "Soát xét"
    assert ProcessDocument.objects.get(pk=document.pk).status == DocumentStatus.IN_REVIEW


def test_leader_reaches_the_editor_only_while_reviewing(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    client.force_login(world.leader_a)
    assert_answer(client.get(url("edit", document.pk)), ADMIN_HOME)
    submit(client, world.iso_a, document)
    client.force_login(world.leader_a)
    response = client.get(url("edit", document.pk))
    assert response.status_code == 200
    client.force_login(world.leader_b)
    assert client.get(url("edit", document.pk)).status_code == 404


def test_publish_button_cannot_bypass_the_workflow(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    from .helpers import edit_form_data

    client.force_login(world.admin)
    data = edit_form_data(document)
    data["action-publish"] = "publish"
    client.post(url("edit", document.pk), data)
    document.refresh_from_db()
    assert not document.live and not ProcessVersion.objects.exists()


def test_the_admin_home_shows_wagtails_workflow_and_page_panels_only_to_those_they_concern(client, world, khai_sinh):
    import lxml.html
    from django.test import RequestFactory
    from django.urls import reverse
    from wagtail.admin.views import home

    document = start_document(world, khai_sinh)
    client.force_login(world.iso_a)
    editor = lxml.html.fromstring(client.get(url("edit", document.pk)).content.decode())
    # The fixed owner fields show the document's own commune and procedure.
    for name, shown in (("commune", str(world.commune_a)), ("procedure", str(khai_sinh))):
        selected = editor.xpath(f"//select[@name='{name}']/option[@selected]")
        assert [option.text_content().strip() for option in selected] == [shown]
    submit(client, world.iso_a, document)

    def panel_ids(user) -> set[str]:
        client.force_login(user)
        page = lxml.html.fromstring(client.get(reverse("wagtailadmin_home")).content.decode())
        return set(page.xpath("//@id"))

    assert "awaiting-review-section" in panel_ids(world.leader_a)
    assert "objects-in-workflow-section" in panel_ids(world.iso_a)
    shown = panel_ids(world.province)
    left_out = ("awaiting-review", "objects-in-workflow", "locked-pages", "recent-edits")
    assert not {f"{panel}-section" for panel in left_out} & shown
    # Left out for the province's follower, Wagtail's own panels would have shown them nothing.
    request = RequestFactory().get("/")
    request.user = world.province
    context = {"request": request, "csrf_token": ""}
    assert home.WorkflowObjectsToModeratePanel().get_context_data(context)["states"] == []
    assert home.UserObjectsInWorkflowModerationPanel().get_context_data(context)["workflow_states"] == []
    assert not home.LockedPagesPanel().get_context_data(context)["locked_pages"].exists()
    assert home.RecentEditsPanel().get_context_data(context)["last_edits"] == []
