"""Corrective actions tell their owner when assigned and the auditors when submitted for verification."""

import datetime

import pytest
from django.urls import reverse

from audits import services
from qms.notifications.models import Notification
from tests.browser_forms import fill, open_form

from .builders import make_audit, raise_nc

pytestmark = pytest.mark.django_db


def test_assignment_and_submission_for_verification(client, world):
    plan = make_audit(world)
    action = raise_nc(world, plan, due=datetime.date(2026, 6, 30)).corrective_action
    [assigned] = Notification.objects.filter(kind="audits.action_assigned")
    assert assigned.recipient == world.iso_a and assigned.subject_object == action
    assert assigned.subject == f"Anh/chị được giao hành động khắc phục {action.number}"
    assert "30/06/2026" in assigned.message
    assert assigned.link == reverse("audits_actions:inspect", args=[action.pk])

    services.update_action_plan(
        acting_user=world.iso_a,
        action=action,
        root_cause="Chưa có mẫu phiếu.",
        action_plan="Ban hành mẫu phiếu xin lỗi.",
    )
    client.force_login(world.iso_a)
    submit_url = reverse("audits_admin:action_submit", args=[action.pk])
    assert client.post(submit_url, fill(open_form(client, submit_url, "csrfmiddlewaretoken"))).status_code == 302
    [submitted] = Notification.objects.filter(kind="audits.action_submitted")
    assert submitted.recipient == world.auditor_a  # raised the finding and leads the audit: one notice
    assert submitted.subject == f"Hành động khắc phục {action.number} chờ xác nhận hiệu lực"
    assert not Notification.objects.filter(kind="audits.action_submitted", recipient=world.iso_a).exists()
    assigned.refresh_from_db()
    assert assigned.read_at is not None  # the owner has done what it asked

    action.refresh_from_db()
    services.verify_action(acting_user=world.auditor_a, action=action, effective=True, note="Đã dùng mẫu phiếu mới.")
    submitted.refresh_from_db()
    assert submitted.read_at is not None
    client.force_login(world.auditor_a)
    assert 'class="unread"' not in client.get(reverse("notifications:inbox")).content.decode()


def test_a_new_owner_is_told(world):
    plan = make_audit(world)
    action = raise_nc(world, plan).corrective_action
    services.update_action_plan(acting_user=world.iso_a, action=action, owner=world.leader_a)
    assert Notification.objects.filter(kind="audits.action_assigned", recipient=world.leader_a).count() == 1
    services.update_action_plan(acting_user=world.iso_a, action=action, title="Bổ sung phiếu xin lỗi")
    assert Notification.objects.filter(kind="audits.action_assigned").count() == 2
