"""Context, interested parties and scope of the QMS (4.1–4.3): versions and approval, the scope's effect on
scope gaps and the announcement, the Word document, the management review's input and the admin pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.context import selectors
from audits.context import services as context_services
from audits.context.docx import build_context_docx
from audits.context.models import ContextStatus
from audits.selectors import review_inputs
from qms.audit_log import entries_for
from qms.docx import document_text, to_bytes
from tests.browser_forms import fill, open_form

from .builders import make_context, make_review


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def handled(world):
    """Three TTHC commune A handles."""
    from processes import services as process_services
    from tests.processes.helpers import make_procedure

    procedures = [
        make_procedure(),
        make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"),
        make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực"),
    ]
    process_services.add_handled_procedures(commune=world.commune_a, procedures=procedures, acting_user=world.iso_a)
    return procedures


# -- services ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_version_is_submitted_approved_by_the_leader_and_copied_into_the_next(world):
    statement = make_context(world)
    assert (statement.version, statement.status) == (1, ContextStatus.DRAFT)
    with pytest.raises(ValidationError) as other:
        context_services.start_statement(acting_user=world.iso_a, commune=world.commune_a, year=2026)
    assert "chưa được phê duyệt" in _messages(other)
    with pytest.raises(ValidationError) as not_submitted:
        context_services.approve_statement(acting_user=world.leader_a, statement=statement)
    assert "chưa được trình phê duyệt" in _messages(not_submitted)
    context_services.submit_statement(acting_user=world.iso_a, statement=statement)
    with pytest.raises(PermissionDenied):
        context_services.approve_statement(acting_user=world.iso_a, statement=statement)
    with pytest.raises(PermissionDenied):
        context_services.approve_statement(acting_user=world.leader_b, statement=statement)
    with pytest.raises(ValidationError) as locked:
        context_services.update_statement(acting_user=world.iso_a, statement=statement, scope_statement="Khác")
    assert "chỉ bản nháp mới được sửa" in _messages(locked)
    context_services.approve_statement(acting_user=world.leader_a, statement=statement)
    statement.refresh_from_db()
    assert statement.status == ContextStatus.APPROVED
    assert (statement.approved_by, statement.approved_on) == (world.leader_a, timezone.localdate())
    assert [e.action for e in entries_for(statement)] == [
        "audits.context.approve",
        "audits.context.submit",
        "audits.context.update",
        "audits.context.start",
    ]

    second = context_services.start_statement(acting_user=world.iso_a, commune=world.commune_a, year=2026)
    assert (second.version, second.status, second.based_on) == (2, ContextStatus.DRAFT, statement)
    assert [i.description for i in second.issues.all()] == ["Ngập lụt mùa mưa bão", "Công chức kiêm nhiệm nhiều việc"]
    assert second.parties.count() == 2 and second.exclusions.get().clause == "8.3"
    assert second.climate_change_relevant is True
    assert statement.issues.count() == 2  # the approved version keeps its rows
    assert selectors.approved_statement(world.commune_a.pk) == statement


@pytest.mark.django_db
def test_refusals_are_in_vietnamese(world):
    statement = context_services.start_statement(acting_user=world.iso_a, commune=world.commune_a, year=2026)
    with pytest.raises(ValidationError) as incomplete:
        context_services.submit_statement(acting_user=world.iso_a, statement=statement)
    message = _messages(incomplete)
    assert "Chưa thể trình" in message and "biến đổi khí hậu" in message and "bên quan tâm" in message
    with pytest.raises(ValidationError) as unjustified:
        context_services.update_statement(
            acting_user=world.iso_a, statement=statement, exclusions=[{"clause": "8.3", "justification": " "}]
        )
    assert "Nêu lý do loại trừ" in _messages(unjustified)
    with pytest.raises(PermissionDenied):
        context_services.start_statement(acting_user=world.iso_b, commune=world.commune_a, year=2027)


@pytest.mark.django_db
def test_sending_back_needs_a_comment_and_reopens_the_draft(world):
    statement = make_context(world)
    context_services.submit_statement(acting_user=world.iso_a, statement=statement)
    with pytest.raises(ValidationError) as silent:
        context_services.reject_statement(acting_user=world.leader_a, statement=statement, comment="")
    assert "Nêu những điểm cần sửa" in _messages(silent)
    context_services.reject_statement(acting_user=world.leader_a, statement=statement, comment="Bổ sung Sở KH&CN.")
    statement.refresh_from_db()
    assert (statement.status, statement.review_comment) == (ContextStatus.DRAFT, "Bổ sung Sở KH&CN.")


# -- the scope drives the scope gaps and the announcement ------------------------------------------------------


@pytest.mark.django_db
def test_an_excluded_tthc_is_no_scope_gap_but_one_neither_in_scope_nor_excluded_is(world, handled):
    from qms.certification import rules
    from qms.certification import services as certification_services

    def open_gaps():
        facts = certification_services.gather_facts(world.commune_a, timezone.localdate())
        return set(rules.missing_procedures(facts))

    assert open_gaps() == {"1.001193", "1.000894", "2.000815"}
    draft = make_context(world, procedures=[handled[2]])
    assert open_gaps() == {"1.001193", "1.000894", "2.000815"}  # a draft changes nothing
    context_services.submit_statement(acting_user=world.iso_a, statement=draft)
    context_services.approve_statement(acting_user=world.leader_a, statement=draft)
    assert open_gaps() == {"1.001193", "1.000894"}
    assert [line.code for line in selectors.scope_lines(draft)] == ["1.000894", "1.001193"]


@pytest.mark.django_db
def test_the_announced_scope_leaves_out_what_the_approved_scope_excludes(world, handled):
    from qms.certification import sources
    from tests.certification.conftest import make_effective

    for procedure in handled[:2]:
        make_effective(world.commune_a, procedure, world.iso_a, world.leader_a)
    assert {e.procedure_code for e in sources.effective_scope(commune_id=world.commune_a.pk)} == {
        "1.001193",
        "1.000894",
    }
    make_context(world, approve=True, procedures=[handled[1]])
    assert [e.procedure_code for e in sources.effective_scope(commune_id=world.commune_a.pk)] == ["1.001193"]


# -- Word, review input ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_word_document_has_the_three_sections_in_vietnamese(world, handled):
    statement = make_context(world, approve=True, procedures=[handled[2]])
    text = document_text(to_bytes(build_context_docx(statement)))
    for expected in (
        "BỐI CẢNH, CÁC BÊN QUAN TÂM VÀ PHẠM VI HTQLCL",
        "1. Các vấn đề nội bộ và bên ngoài (4.1)",
        "2. Các bên quan tâm và yêu cầu của họ (4.2)",
        "3. Phạm vi của HTQLCL (4.3)",
        "Biến đổi khí hậu có phải là vấn đề liên quan không? Có",
        "Ngập lụt mùa mưa bão",
        "Người dân, tổ chức",
        "Thiết kế và phát triển",
        "Thủ tục đăng ký kết hôn",
        "Chưa phát sinh hồ sơ tại địa phương.",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    lines = text.splitlines()
    assert "Thủ tục đăng ký khai sinh" in text
    assert not any("2.000815" in line and "Chứng thực bản sao" in line and "Thủ tục" in line for line in lines)


@pytest.mark.django_db
def test_the_review_lists_the_issues_added_and_removed_and_the_scope_size(world, handled):
    first = make_context(world, approve=True)
    second = context_services.start_statement(acting_user=world.iso_a, commune=world.commune_a, year=2026)
    issues = [
        {"pk": i.pk} | {k: getattr(i, k) for k in ("origin", "description", "effect", "climate_related")}
        for i in second.issues.all()
    ]
    issues = [issues[0], {"origin": "external", "description": "Chuyển đổi số dịch vụ công", "effect": ""}]
    context_services.update_statement(acting_user=world.iso_a, statement=second, issues=issues)
    context_services.submit_statement(acting_user=world.iso_a, statement=second)
    context_services.approve_statement(acting_user=world.leader_a, statement=second)
    data = review_inputs(make_review(world))["context"]
    assert data["approved"]["version"] == 2 and data["previous"]["version"] == first.version
    assert [i["description"] for i in data["added"]] == ["Chuyển đổi số dịch vụ công"]
    assert [i["description"] for i in data["removed"]] == ["Công chức kiêm nhiệm nhiều việc"]
    assert (data["scope_size"], data["exclusions"]) == (3, 1)


# -- admin pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_edits_the_sections_and_the_leader_approves_from_the_pages(client, world, handled):
    statement = make_context(world)
    client.force_login(world.iso_a)
    url = reverse("audits_admin:context_contents", args=[statement.pk])
    data = fill(
        open_form(client, url, "issues-TOTAL_FORMS"),
        **{
            "parties-2-name": "Sở Khoa học và Công nghệ",
            "parties-2-requirements": "Duy trì HTQLCL theo TCVN ISO 9001:2015",
            "issues-0-DELETE": "on",
        },
    )
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.content.decode()[-3000:]
    assert "Đã lưu bối cảnh và phạm vi." in response.content.decode()
    assert [p.name for p in statement.parties.all()] == ["Người dân, tổ chức", "UBND tỉnh", "Sở Khoa học và Công nghệ"]
    assert [i.description for i in statement.issues.all()] == ["Công chức kiêm nhiệm nhiều việc"]
    inspect = client.get(reverse("audits_context:inspect", args=[statement.pk])).content.decode()
    assert "Sở Khoa học và Công nghệ" in inspect and "3 thủ tục hành chính trong phạm vi." in inspect

    submit_url = reverse("audits_admin:context_submit", args=[statement.pk])
    client.post(submit_url, fill(open_form(client, submit_url, "csrfmiddlewaretoken")), follow=True)
    client.force_login(world.leader_a)
    approve_url = reverse("audits_admin:context_approve", args=[statement.pk])
    response = client.post(approve_url, fill(open_form(client, approve_url, "comment"), comment="Đồng ý."), follow=True)
    assert "Đã phê duyệt bối cảnh và phạm vi." in response.content.decode()
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == (ContextStatus.APPROVED, world.leader_a)
    docx = client.get(reverse("audits_admin:context_docx", args=[statement.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
