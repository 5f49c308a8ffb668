"""The review workflow tells people what waits for them: submitted, approved, changes requested."""

import pytest

from qms.notifications.models import Notification
from qms.people import full_name
from qms.units.models import Role
from qms.units.services import add_commune_member
from tests.factories import make_user

from .helpers import start_document, submit, url, workflow_action

pytestmark = pytest.mark.django_db


def _notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def test_submitting_tells_the_reviewers_of_the_commune_only(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    assert submit(client, world.iso_a, document).status_code == 302
    [notice] = _notices(world.leader_a, "processes.submitted")
    assert notice.subject == f"Quy trình {document.code} chờ anh/chị xử lý (Soát xét)"
    assert notice.link == url("edit", document.pk) and notice.subject_object == document
    assert notice.commune == world.commune_a
    for other in (world.leader_b, world.iso_a, world.auditor_a, world.district):
        assert not Notification.objects.filter(recipient=other, kind="processes.submitted").exists()
    client.force_login(world.leader_a)
    assert notice.subject in client.get("/admin/notifications/").content.decode()


def test_approval_tells_the_submitter(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    assert workflow_action(client, world.leader_a, document, "approve").status_code == 302
    assert workflow_action(client, world.leader_a, document, "approve", comment="Đồng ý ban hành.").status_code == 302
    [notice] = _notices(world.iso_a, "processes.approved")
    assert notice.subject == f"Quy trình {document.code} đã được phê duyệt"
    assert "Ý kiến: Đồng ý ban hành." in notice.message
    assert not _notices(world.iso_a, "processes.changes_requested")


def test_changes_requested_tell_the_submitter_with_the_comment_and_a_resubmission_asks_again(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    comment = "Bổ sung bước trả kết quả cho công dân."
    assert workflow_action(client, world.leader_a, document, "reject", comment=comment).status_code == 302
    [notice] = _notices(world.iso_a, "processes.changes_requested")
    assert notice.subject == f"Quy trình {document.code} cần sửa"
    assert f"Ý kiến: {comment}" in notice.message
    submit(client, world.iso_a, document)
    assert len(_notices(world.leader_a, "processes.submitted")) == 2


def test_the_review_notice_is_read_once_the_review_is_done(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    workflow_action(client, world.leader_a, document, "approve")
    workflow_action(client, world.leader_a, document, "approve")
    assert [n.read_at is not None for n in _notices(world.leader_a, "processes.submitted")] == [True]
    client.force_login(world.leader_a)
    assert 'class="unread"' not in client.get("/admin/notifications/").content.decode()


def test_the_second_step_is_announced_to_the_leaders_who_did_not_take_the_first(client, world, khai_sinh):
    deputy = make_user("phochutich_a")
    add_commune_member(commune=world.commune_a, user=deputy, role=Role.LEADER)
    document = start_document(world, khai_sinh)
    submit(client, world.iso_a, document)
    assert workflow_action(client, world.leader_a, document, "approve").status_code == 302
    first, second = _notices(deputy, "processes.submitted")
    assert first.subject.endswith("(Soát xét)") and first.read_at is not None  # the first step is done
    assert second.subject == f"Quy trình {document.code} chờ anh/chị xử lý (Phê duyệt)" and second.read_at is None
    # Whoever approved the first step is at the document already: no notice to themselves.
    assert [n.subject.endswith("(Soát xét)") for n in _notices(world.leader_a, "processes.submitted")] == [True]
    assert workflow_action(client, deputy, document, "approve").status_code == 302
    assert all(n.read_at is not None for n in _notices(deputy, "processes.submitted"))
    [approved] = _notices(world.iso_a, "processes.approved")
    assert approved.message.startswith(full_name(deputy))
