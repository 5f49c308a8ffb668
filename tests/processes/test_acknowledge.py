"""Read and confirm (ISO 9001 7.2/7.3): the staff who perform a quy trình confirm each effective version;
the officer sees who has and who has not; the audit checklist and report show it."""

import datetime

import pytest
from django.urls import reverse

from audits import docx as audit_docx
from audits import services as audit_services
from processes import selectors, services
from processes.content import document_content
from processes.models import Acknowledgement, ProcessDocument
from qms.audit_log import entries_for
from qms.docx import document_text, to_bytes
from qms.notifications.models import Notification
from tests.audits.builders import HOTICH, VANPHONG, clauses, make_auditor, make_programme
from tests.browser_forms import open_form
from tests.permission_matrix import ADMIN_HOME, cell_id, cells, check_cell

from .helpers import approve_directly, start_document, url

pytestmark = pytest.mark.django_db


def _effective(world, procedure):
    return approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)


def _asked(user):
    return list(Notification.objects.filter(recipient=user, kind="processes.acknowledge").order_by("pk"))


def _confirm(client, user, document):
    client.force_login(user)
    return client.post(
        url("acknowledge", document.pk), open_form(client, url("acknowledge", document.pk), "csrfmiddlewaretoken")
    )


def test_an_effective_version_asks_the_commune_members_except_leaders(world, khai_sinh):
    document = _effective(world, khai_sinh)
    for user in (world.iso_a, world.auditor_a):
        [notice] = _asked(user)
        assert notice.subject == f"Đọc và xác nhận quy trình {document.code}, lần ban hành 01"
        assert notice.link == url("acknowledge", document.pk)
    for user in (world.leader_a, world.iso_b, world.auditor_b, world.district):
        assert _asked(user) == []


def test_each_member_confirms_once_per_version_and_the_officer_sees_who_has_not(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    assert _confirm(client, world.auditor_a, document).status_code == 302
    body = client.get(url("acknowledge", document.pk)).content.decode()
    assert "Anh/chị đã xác nhận đọc phiên bản này." in body
    assert "Tôi đã đọc phiên bản này" not in body
    client.post(url("acknowledge", document.pk))
    version = document.current_version
    [ack] = Acknowledgement.objects.filter(version=version)
    assert ack.user == world.auditor_a
    assert [e.action for e in entries_for(document)].count("processes.version.acknowledge") == 1
    [notice] = _asked(world.auditor_a)
    assert notice.read_at is not None and _asked(world.iso_a)[0].read_at is None

    client.force_login(world.iso_a)
    body = client.get(url("acknowledge", document.pk)).content.decode()
    assert "Đã xác nhận: 1/2" in body
    assert "Tôi đã đọc phiên bản này" in body
    state = selectors.acknowledgement_state(document_id=document.pk)
    assert [c.name for c in state.confirmed] == ["auditor_a"] and state.pending == ("iso_a",)


def test_a_new_version_asks_again(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    _confirm(client, world.auditor_a, document)
    content = document_content(document.get_latest_revision_as_object())
    content.purpose = "Mục đích đã sửa."
    services.save_draft_from_content(document=document, content=content, acting_user=world.iso_a)
    document = approve_directly(document, world.iso_a, world.leader_a)
    assert document.current_version.issue_number == 2
    first, second = _asked(world.auditor_a)
    assert second.subject.endswith("lần ban hành 02") and second.read_at is None
    old_for_officer, new_for_officer = _asked(world.iso_a)
    assert old_for_officer.read_at is not None and new_for_officer.read_at is None
    state = selectors.acknowledgement_state(document_id=document.pk)
    assert state.issue_number == 2 and state.confirmed == () and state.pending == ("auditor_a", "iso_a")


def test_the_officer_picks_who_is_asked(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    services.update_review_settings(document=document, acting_user=world.iso_a, interval_months=12, audience="leader")
    document = approve_directly(ProcessDocument.objects.get(pk=document.pk), world.iso_a, world.leader_a)
    assert _asked(world.auditor_a) == [] and _asked(world.iso_a) == []
    state = selectors.acknowledgement_state(document_id=document.pk)
    assert state.pending == ("leader_a",)
    client.force_login(world.auditor_a)
    assert "Tôi đã đọc phiên bản này" not in client.get(url("acknowledge", document.pk)).content.decode()
    assert client.post(url("acknowledge", document.pk)).status_code == 302
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize(
    "cell", cells({"acknowledge": {"iso_a", "leader_a", "auditor_a", "district", "province"}}), ids=cell_id
)
def test_acknowledge_page_permission_cells(client, world, khai_sinh, cell):
    document = _effective(world, khai_sinh)
    check_cell(
        client,
        world,
        cell,
        url("acknowledge", document.pk),
        refused=ADMIN_HOME,
        hidden=404,
        marker="Phiên bản hiện hành",
    )
    if not cell.allowed:
        check_cell(client, world, cell, url("acknowledge", document.pk), refused=ADMIN_HOME, hidden=404, method="post")
    assert not Acknowledgement.objects.exists()


def test_the_audit_checklist_and_report_show_the_read_confirmations(client, world, khai_sinh):
    document = _effective(world, khai_sinh)
    _confirm(client, world.auditor_a, document)
    lead = make_auditor(world, world.auditor_a, VANPHONG)
    programme = make_programme(world, auditors=[lead])
    plan = audit_services.create_plan(
        acting_user=world.iso_a,
        programme=programme,
        title="Đánh giá nội bộ lần 1 năm 2026",
        planned_start=datetime.date(2026, 5, 11),
        planned_end=datetime.date(2026, 5, 13),
        lead_auditor=lead,
        team=[lead],
        clauses=clauses("7.5", "9.2"),
        document_number="12",
    )
    audit_services.set_plan_scope(
        acting_user=world.iso_a,
        plan=plan,
        processes=[
            audit_services.ProcessInput(
                title=document.title,
                document_code=document.code,
                document_id=document.pk,
                issue_number=1,
                responsible_unit=HOTICH,
                auditor=lead,
            )
        ],
    )
    audit_services.generate_checklist(acting_user=world.iso_a, plan=plan)
    client.force_login(world.auditor_a)
    body = client.get(reverse("audits_admin:plan_checklist", args=[plan.pk])).content.decode()
    assert "Xác nhận đã đọc quy trình của cán bộ, công chức" in body
    assert "<td>1/2</td><td>iso_a</td>" in body
    text = document_text(to_bytes(audit_docx.build_report_docx(plan)))
    assert "Xác nhận đã đọc quy trình được đánh giá" in text
    assert "1/2" in text and "iso_a" in text
