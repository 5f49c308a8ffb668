"""System procedures (document control, records control, internal audit, nonconformity, risks…):
quy trình without a TTHC, with the same versions, workflow, Word layout and model library, counted in the scope."""

import pytest
from django.core.exceptions import ValidationError

from processes import selectors, services
from processes.models import DocumentKind, ProcessDocument
from qms.certification import services as certification_services
from qms.certification import sources as certification_sources
from qms.docx import document_text
from tests.browser_forms import fill, open_form
from tests.permission_matrix import ADMIN_HOME, cell_id, cells, check_cell

from .helpers import approve_directly, library_editor, start_document, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world):
    return library_editor(world, "thuvien")


@pytest.fixture
def model(client, world, editor):
    """The province's model "Kiểm soát tài liệu", started on the page and approved by its editor."""
    client.force_login(editor)
    data = fill(
        open_form(client, url("start_system"), "system_category"),
        owner=f"unit:{world.province_unit.pk}",
        system_category="document_control",
    )
    response = client.post(url("start_system"), data)
    assert response.status_code == 302
    draft = ProcessDocument.objects.get(owner_unit=world.province_unit, system_category="document_control")
    return approve_directly(draft, editor, editor)


def test_a_model_system_procedure_is_created_approved_and_exported_in_the_quy_trinh_layout(client, editor, model):
    assert (model.kind, model.procedure_id, model.code, model.title) == (
        DocumentKind.SYSTEM,
        None,
        "QTM-KSTL",
        "Kiểm soát tài liệu",
    )
    assert model.current_version.issue_number == 1 and model.live
    response = client.get(url("current_docx", model.pk))
    assert response.status_code == 200
    text = document_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "QUY TRÌNH" in text and "KIỂM SOÁT TÀI LIỆU" in text.upper()
    assert "Lần ban hành" in text


def test_the_commune_adopts_it_and_it_counts_in_the_scope(client, world, model, khai_sinh):
    tthc = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    assert [m.pk for m in selectors.adoptable_models(commune=world.commune_a)] == [model.pk]
    copy = services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
    assert (copy.kind, copy.system_category, copy.code, copy.source_model) == (
        DocumentKind.SYSTEM,
        "document_control",
        "QT-KSTL",
        model,
    )
    assert selectors.adoptable_models(commune=world.commune_a) == []
    with pytest.raises(ValidationError):
        services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
    copy = approve_directly(copy, world.iso_a, world.leader_a)

    scope = selectors.effective_scope(commune_id=world.commune_a.pk)
    assert [(i.document_code, i.kind) for i in scope] == [(tthc.code, "procedure"), ("QT-KSTL", "system")]
    assert scope[1].procedure_name == "Quy trình Kiểm soát tài liệu" and scope[1].field == "Quy trình hệ thống"
    entries = certification_sources.effective_scope(commune_id=world.commune_a.pk)
    assert [e.document_code for e in entries] == [tthc.code, "QT-KSTL"]
    progress = certification_services.refresh_commune_progress(commune_id=world.commune_a.pk)
    assert progress.scope_size == 2
    # The TTHC list and the public page are about administrative procedures only.
    groups = selectors.public_procedures(commune=world.commune_a)
    assert [d.code for g in groups for d in g.documents] == [tthc.code]
    assert selectors.public_document(commune=world.commune_a, code="QT-KSTL") is None
    # Read confirmations and periodic review apply as to any quy trình.
    assert copy.next_review_on is not None
    assert selectors.acknowledgement_state(document_id=copy.pk).pending == ("auditor_a", "iso_a")


def test_a_commune_starts_its_own_other_system_procedure(client, world):
    client.force_login(world.iso_a)
    form = open_form(client, url("start_system"), "system_category")
    assert form["owner"] == [f"commune:{world.commune_a.pk}"]
    response = client.post(url("start_system"), fill(form, system_category="other"))
    assert response.status_code == 200
    assert "Nhập tên và mã hiệu cho quy trình hệ thống khác." in response.content.decode()
    data = fill(form, system_category="other", title="Tiếp nhận và xử lý phản ánh, kiến nghị", code="QT-PAKN")
    assert client.post(url("start_system"), data).status_code == 302
    document = ProcessDocument.objects.get(commune=world.commune_a, code="QT-PAKN")
    assert (document.kind, document.system_category, document.procedure_id) == ("system", "other", None)
    assert (
        services.create_system_document(
            category="document_control", commune=world.commune_a, acting_user=world.iso_a
        ).code
        == "QT-KSTL"
    )
    with pytest.raises(ValidationError):
        services.create_system_document(category="document_control", commune=world.commune_a, acting_user=world.iso_a)


def test_another_commune_cannot_be_chosen(client, world):
    client.force_login(world.iso_b)
    form = open_form(client, url("start_system"), "system_category")
    response = client.post(
        url("start_system"), fill(form, owner=f"commune:{world.commune_a.pk}", system_category="records_control")
    )
    assert response.status_code == 200
    assert not ProcessDocument.objects.filter(commune=world.commune_a).exists()


def test_existing_quy_trinh_are_per_tthc_and_the_editor_keeps_the_tthc_required(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    assert document.kind == DocumentKind.PROCEDURE and document.system_category == ""
    document.procedure = None
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "procedure" in error.value.message_dict


@pytest.mark.parametrize("cell", cells({"start_system": {"iso_a", "iso_b"}}), ids=cell_id)
def test_start_system_page_permission_cells(client, world, cell):
    check_cell(client, world, cell, url("start_system"), refused=ADMIN_HOME, marker="Soạn quy trình hệ thống")
