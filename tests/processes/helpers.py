"""Helpers of the processes tests: catalogue entries, documents, the workflow driven through the admin."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from wagtail.models import TaskState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from processes import services
from processes.content import document_content
from processes.fees import fee_rows_from_text, fee_text
from processes.models import Procedure, ProcessDocument
from tests.factories import make_user


def make_procedure(code: str = "1.001193", name: str = "Thủ tục đăng ký khai sinh", field: str = "Hộ tịch", **extra):
    defaults = {
        "level": "Cấp xã",
        "decision_number": "163/QĐ-BTP",
        "legal_basis": "60/2014/QH13\n123/2015/NĐ-CP",
        "fees": "Trực tiếp: Miễn phí",
        "time_limit_text": "Trực tiếp: 1 Ngày làm việc",
        "time_limit_value": 1,
        "time_limit_unit": "working_days",
        **extra,
    }
    return Procedure.objects.create(code=code, name=name, field=field, **defaults)


def ns() -> str:
    return ProcessDocument.snippet_viewset.url_namespace


def url(name: str, *args) -> str:
    return reverse(f"{ns()}:{name}", args=args)


def start_document(world, procedure, commune=None, user=None) -> ProcessDocument:
    return services.create_process_document(
        procedure=procedure, commune=commune or world.commune_a, acting_user=user or world.iso_a
    )


def _rows(items, block, names):
    return streamfield(
        [(block, {n: "" if getattr(item, n) is None else _plain(getattr(item, n)) for n in names}) for item in items]
    )


def _plain(value):
    return value.isoformat() if isinstance(value, date) else str(value)


def edit_form_data(document: ProcessDocument, **overrides) -> dict:
    """The POST data of the edit form for the document's latest draft (with overrides)."""
    draft = document.get_latest_revision_as_object()
    content = document_content(draft)
    data = {
        "commune": document.commune_id or "",
        "owner_unit": document.owner_unit_id or "",
        "procedure": document.procedure_id,
        "title": content.title,
        "code": content.code,
        "effective_date": _plain(draft.effective_date) if draft.effective_date else "",
        "change_request": draft.change_request,
        "change_summary": draft.change_summary,
        "legal_change_effective_date": _plain(draft.legal_change_effective_date)
        if draft.legal_change_effective_date
        else "",
        "purpose": content.purpose,
        "scope": content.scope,
        "references": content.references,
        "definitions": content.definitions,
        "legal_basis": content.legal_basis,
        "dossier_sets": content.dossier_sets,
        "processing_time": content.processing_time,
        "reception_place": content.reception_place,
        "fees": _rows(content.fees, "fee", ["item", "amount", "notes"]),
        "dossier": _rows(content.dossier, "item", ["name", "originals", "copies", "note"]),
        "steps": _rows(content.steps, "step", ["code", "content", "responsible", "duration", "forms", "notes"]),
        "forms": _rows(content.forms, "form", ["code", "name"]),
        "records": _rows(content.records, "record", ["name", "keeper", "retention"]),
        "changes": _rows(content.changes, "change", ["request", "page", "content", "changed_on", "issue_number"]),
    }
    for prefix in ("drafted", "reviewed", "approved"):
        person = getattr(content, prefix)
        data[f"{prefix}_name"] = person.name
        data[f"{prefix}_position"] = person.position
        data[f"{prefix}_on"] = _plain(person.signed_on) if person.signed_on else ""
    if isinstance(overrides.get("fees"), str):
        overrides = {
            **overrides,
            "fees": _rows(fee_rows_from_text(overrides["fees"]), "fee", ["item", "amount", "notes"]),
        }
    data.update(overrides)
    data = nested_form_data(data)
    latest = ProcessDocument.objects.get(pk=document.pk).latest_revision
    if latest is not None:
        # What the editor page carries: the revision it was opened on.
        data.setdefault("loaded_revision_id", str(latest.pk))
        data.setdefault("loaded_revision_created_at", latest.created_at.isoformat())
    return data


def fees_of(document) -> str:
    """The fee rows of ``document`` (or a revision object) as lines "- what: amount"."""
    return fee_text(document_content(document).fees)


def submit(client, user, document, **overrides):
    """The officer saves the draft and submits it to the workflow through the edit view."""
    client.force_login(user)
    data = edit_form_data(document, **overrides)
    data["action-submit"] = "submit"
    return client.post(url("edit", document.pk), data)


def current_task_state(document) -> TaskState:
    document = ProcessDocument.objects.get(pk=document.pk)
    return document.current_workflow_task_state


def workflow_action(client, user, document, action: str, comment: str = ""):
    """A reviewer acts on the current step through Wagtail's workflow action view."""
    state = current_task_state(document)
    client.force_login(user)
    return client.post(url("workflow_action", document.pk, action, state.pk), {"comment": comment})


def approve_through_workflow(client, world, document, *, officer=None, leader=None, **overrides) -> ProcessDocument:
    """Submit (officer), review and approve (leader) through the admin views."""
    officer, leader = officer or world.iso_a, leader or world.leader_a
    response = submit(client, officer, document, **overrides)
    assert response.status_code == 302, response.content[:2000]
    for _step in range(2):
        response = workflow_action(client, leader, document, "approve")
        assert response.status_code == 302
    return ProcessDocument.objects.get(pk=document.pk)


def library_editor(world, username: str):
    """A user who edits the province's model library."""
    user = make_user(username)
    services.add_library_editor(unit=world.province_unit, user=user)
    return user


def approved_model(client, world, editor, procedure, **overrides) -> ProcessDocument:
    """A model quy trình of the province's library, approved through the workflow by ``editor``."""
    model = services.create_process_document(procedure=procedure, owner_unit=world.province_unit, acting_user=editor)
    return approve_through_workflow(client, world, model, officer=editor, leader=editor, **overrides)


def approve_directly(document, officer, leader) -> ProcessDocument:
    """Submit the latest draft and approve both steps through Wagtail's workflow API (no views)."""
    from wagtail.models import WorkflowState

    state = document.get_workflow().start(document, officer)
    while state.status == WorkflowState.STATUS_IN_PROGRESS:
        state.current_task_state.approve(user=leader)
        state.refresh_from_db()
    return ProcessDocument.objects.get(pk=document.pk)


def effective_with_draft(world, procedure, *, draft_purpose: str) -> ProcessDocument:
    """An effective document of commune A (issue 01) with a newer, unsubmitted draft."""
    document = approve_directly(start_document(world, procedure), world.iso_a, world.leader_a)
    content = document_content(document.get_latest_revision_as_object())
    content.purpose = draft_purpose
    services.save_draft_from_content(document=document, content=content, acting_user=world.iso_a)
    return ProcessDocument.objects.get(pk=document.pk)
