"""The permission matrix of every view of the process documents, the commune's
TTHC list, the update flags and the catalogue: own commune / other commune /
district and province followers / outsider / anonymous."""

import copy
from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from processes import services
from processes.fees import fee_rows_from_text
from processes.models import CommuneProcedure, ProcessDocument, ProcessVersion
from tests.factories import make_user
from tests.permission_matrix import (
    ADMIN_HOME,
    PERSONAS,
    SharedWorld,
    assert_answer,
    cell_id,
    cells,
    check_cell,
    expected_refusal,
)

from .helpers import (
    approve_directly,
    current_task_state,
    effective_with_draft,
    fees_of,
    make_procedure,
    start_document,
    submit,
    url,
)

pytestmark = pytest.mark.django_db

VIEWERS = {"iso_a", "leader_a", "auditor_a", "district", "province"}
REVIEWERS = {"iso_a", "leader_a"}
OFFICER = {"iso_a"}
OFFICERS = {"iso_a", "iso_b"}
ANYONE_WITH_A_ROLE = {"iso_a", "leader_a", "auditor_a", "iso_b", "leader_b", "district", "province"}
DRAFT_PURPOSE = "Mục đích trong bản dự thảo chưa trình"

#: view -> (personas allowed, URL builder, marker shown to the allowed personas).
DOCUMENT_VIEWS = {
    "list": (VIEWERS, lambda d: url("list"), "code"),
    "inspect": (VIEWERS, lambda d: url("inspect", d.pk), "code"),
    "edit": (OFFICER, lambda d: url("edit", d.pk), "draft"),
    "history": (REVIEWERS, lambda d: url("history", d.pk), "code"),
    "revision": (REVIEWERS, lambda d: url("revisions_view", d.pk, d.latest_revision_id), "draft"),
    "revisions_compare": (REVIEWERS, lambda d: _compare_url(d), None),
    "usage": (OFFICER, lambda d: url("usage", d.pk), "code"),
    "workflow_history": (REVIEWERS, lambda d: url("workflow_history", d.pk), "code"),
    "versions": (VIEWERS, lambda d: url("versions", d.pk), "code"),
    "version": (VIEWERS, lambda d: url("version", d.pk, 1), "code"),
    "compare_versions": (VIEWERS, lambda d: url("compare_versions", d.pk) + "?a=1&b=1", "code"),
    "compare_with_draft": (REVIEWERS, lambda d: url("compare_versions", d.pk) + "?a=1&b=draft", "draft"),
    "version_docx": (VIEWERS, lambda d: url("version_docx", d.pk, 1), None),
    "current_docx": (VIEWERS, lambda d: url("current_docx", d.pk), None),
    "draft_docx": (REVIEWERS, lambda d: url("draft_docx", d.pk), None),
    "withdraw": ({"leader_a"}, lambda d: url("withdraw", d.pk), "code"),
    "delete_issued": (set(), lambda d: url("delete", d.pk), "code"),
}
DOCUMENT_CELLS = cells({name: spec[0] for name, spec in DOCUMENT_VIEWS.items()})


def _compare_url(document):
    revision_ids = list(document.revisions.order_by("pk").values_list("pk", flat=True))
    return url("revisions_compare", document.pk, revision_ids[0], revision_ids[-1])


GLOBAL_VIEWS = {
    "add": (OFFICERS, "add"),
    "start": (OFFICERS, "start"),
    "import_docx": (OFFICERS, "import_docx"),
    "library": (ANYONE_WITH_A_ROLE, "library"),
}
GLOBAL_CELLS = cells({name: spec[0] for name, spec in GLOBAL_VIEWS.items()})

CATALOGUE_VIEWS = {
    "list": ANYONE_WITH_A_ROLE,
    "inspect": ANYONE_WITH_A_ROLE,
    "edit": set(),
    "add": set(),
    "delete": set(),
}
CATALOGUE_CELLS = cells(CATALOGUE_VIEWS)


class WithDocument(SharedWorld):
    """An effective document of commune A with a draft, built once for the class."""

    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            khai_sinh = make_procedure()
            ket_hon = make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn")
            document = effective_with_draft(class_world, khai_sinh, draft_purpose=DRAFT_PURPOSE)
        return {"khai_sinh": khai_sinh, "ket_hon": ket_hon, "document": document}

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)

    @pytest.fixture
    def document(self, records):
        return records["document"]

    @pytest.fixture
    def khai_sinh(self, records):
        return records["khai_sinh"]

    @pytest.fixture
    def ket_hon(self, records):
        return records["ket_hon"]


class TestDocumentMatrix(WithDocument):
    @pytest.mark.parametrize("cell", DOCUMENT_CELLS, ids=[cell_id(c) for c in DOCUMENT_CELLS])
    def test_document_view(self, client, world, document, cell):
        allowed, build_url, marker_kind = DOCUMENT_VIEWS[cell.view]
        marker = {"code": document.code, "draft": DRAFT_PURPOSE, None: None}[marker_kind]
        response = check_cell(
            client,
            world,
            cell,
            build_url(document),
            refused=ADMIN_HOME,
            hidden=404,
            marker=marker,
            listing=cell.view == "list",
        )
        if cell.allowed and cell.view.endswith("docx"):
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")
            assert response.content[:2] == b"PK"

    @pytest.mark.parametrize("cell", GLOBAL_CELLS, ids=[cell_id(c) for c in GLOBAL_CELLS])
    def test_global_view(self, client, world, cell):
        check_cell(client, world, cell, url(GLOBAL_VIEWS[cell.view][1]), refused=ADMIN_HOME)

    @pytest.mark.parametrize("cell", CATALOGUE_CELLS, ids=[cell_id(c) for c in CATALOGUE_CELLS])
    def test_catalogue(self, client, world, khai_sinh, cell):
        if cell.view in ("list", "add"):
            target = reverse(f"tthc:{'index' if cell.view == 'list' else 'add'}")
        else:
            target = reverse(f"tthc:{cell.view}", args=[khai_sinh.pk])
        marker = None if cell.view == "add" else khai_sinh.code
        check_cell(client, world, cell, target, refused=ADMIN_HOME, marker=marker)


# -- views without a document: create, start, import, library ------------------------------------


def test_forms_offer_only_the_users_own_communes(client, world, khai_sinh):
    client.force_login(world.iso_b)
    for name in ("add", "start", "import_docx"):
        body = client.get(url(name)).content.decode()
        assert world.commune_b.name in body, name
        assert world.commune_a.name not in body, name


def test_officer_cannot_start_a_document_in_another_commune(client, world, khai_sinh):
    client.force_login(world.iso_b)
    response = client.post(url("start"), {"commune": world.commune_a.pk, "procedure": khai_sinh.pk, "model": ""})
    assert response.status_code == 200  # the form is shown again with the error
    assert not ProcessDocument.objects.exists()


# -- writes by every persona -------------------------------------------------------------------------


class TestWritesByPersona(WithDocument):
    @pytest.mark.parametrize("persona", PERSONAS)
    def test_only_the_commune_leader_moves_a_submitted_document_on(self, client, world, ket_hon, persona):
        document = start_document(world, ket_hon)
        submit(client, world.iso_a, document)
        state = current_task_state(document)
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.post(url("workflow_action", document.pk, "approve", state.pk), {"comment": ""})
        state.refresh_from_db()
        if persona == "leader_a":
            assert state.status == TaskState.STATUS_APPROVED
        else:
            assert_answer(response, expected_refusal(persona, refused=ADMIN_HOME, hidden=404), persona)
            assert state.status == TaskState.STATUS_IN_PROGRESS

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_only_the_officer_edits_and_only_the_leader_withdraws(self, client, world, document, persona):
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        from .helpers import edit_form_data

        client.post(url("edit", document.pk), edit_form_data(document, fees="Sửa bởi " + persona))
        client.post(url("withdraw", document.pk), {"reason": "Thủ tục bị bãi bỏ"})
        document = ProcessDocument.objects.get(pk=document.pk)
        edited = fees_of(document.get_latest_revision_as_object()) == "- Sửa bởi " + persona
        assert edited == (persona == "iso_a")
        assert (not document.live) == (persona == "leader_a")

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_only_the_officer_and_leader_preview_the_draft(self, client, world, document, persona):
        from .helpers import edit_form_data

        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.post(url("preview_on_edit", document.pk), edit_form_data(document))
        if persona in REVIEWERS:
            assert response.status_code == 200 and response.json()["is_valid"]
        else:
            assert_answer(response, expected_refusal(persona, refused=ADMIN_HOME, hidden=404), persona)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_only_the_officer_deletes_a_never_issued_draft(self, client, world, ket_hon, persona):
        draft = start_document(world, ket_hon)
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        client.post(url("delete", draft.pk))
        assert ProcessDocument.objects.filter(pk=draft.pk).exists() == (persona != "iso_a")

    def test_an_issued_document_cannot_be_deleted_even_by_its_officer(self, client, world, document):
        client.force_login(world.iso_a)
        client.post(url("delete", document.pk))
        assert ProcessDocument.objects.filter(pk=document.pk).exists()
        assert ProcessVersion.objects.filter(document=document).exists()

    def test_chooser_lists_only_documents_the_user_may_see(self, client, world, document):
        chooser = reverse("wagtailsnippetchoosers_processes_processdocument:choose")
        client.force_login(world.iso_b)
        body = client.get(chooser).content.decode()
        assert document.code not in body
        client.force_login(world.iso_a)
        assert document.code in client.get(chooser).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_an_officer_of_the_commune_imports_into_it(client, world, khai_sinh, persona):
    from .test_admin_docx import docx_upload

    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload(), "procedure": khai_sinh.pk})
    assert ProcessDocument.objects.filter(commune=world.commune_a).exists() == (persona == "iso_a")


# -- the commune's TTHC list, the update flags and the catalogue ------------------------------------------


def _handled_url(view, entry):
    return (
        reverse("handled_procedures:index")
        if view == "list"
        else reverse(f"handled_procedures:{view}", args=[entry.pk])
    )


HANDLED_VIEWS = {"list": VIEWERS, "inspect": VIEWERS, "edit": OFFICER, "history": OFFICER, "delete": OFFICER}
HANDLED_CELLS = cells(HANDLED_VIEWS)


class TestHandledProceduresMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_entry(cls, class_world, class_db):
        with class_db.unblock():
            procedure = make_procedure(code="1.004222", name="Đăng ký thường trú", field="Cư trú")
            [entry] = services.add_handled_procedures(
                commune=class_world.commune_a, procedures=[procedure], acting_user=class_world.iso_a
            )
        return entry

    @pytest.mark.parametrize("cell", HANDLED_CELLS, ids=[cell_id(c) for c in HANDLED_CELLS])
    def test_cell(self, client, world, class_entry, cell):
        check_cell(
            client,
            world,
            cell,
            _handled_url(cell.view, class_entry),
            refused=ADMIN_HOME,
            hidden=404,
            marker="1.004222",
            listing=cell.view == "list",
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_officer_adds_to_the_communes_tthc_list(client, world, persona):
    procedure = make_procedure(code="1.004222", name="Đăng ký thường trú", field="Cư trú")
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    client.post(
        reverse("handled_procedures:add"), {"commune": world.commune_a.pk, "procedure": procedure.pk, "note": ""}
    )
    assert CommuneProcedure.objects.filter(commune=world.commune_a).exists() == (persona == "iso_a")


def _with_fees(document, fees):
    from processes.content import document_content

    content = document_content(document.get_latest_revision_as_object())
    content.fees = fee_rows_from_text(fees)
    return content


FLAG_VIEWS = {
    "list": VIEWERS,
    "inspect": VIEWERS,
    "edit": set(),
    "delete": set(),
    "upstream": REVIEWERS | {"auditor_a", "district", "province"},
}
FLAG_CELLS = cells(FLAG_VIEWS)
ADOPTION_CELLS = cells({"adoption": {"province"}})


class TestUpdateFlagMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_flagged(cls, class_world, class_db):
        """A commune-A copy of a province model, flagged by the model's re-publication."""
        world = class_world
        with class_db.unblock():
            khai_sinh = make_procedure()
            editor = make_user("tinh_iso")
            services.add_library_editor(unit=world.province_unit, user=editor)
            model = services.create_process_document(
                procedure=khai_sinh, owner_unit=world.province_unit, acting_user=editor
            )
            model = approve_directly(model, editor, editor)
            copy_ = approve_directly(
                services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a),
                world.iso_a,
                world.leader_a,
            )
            services.save_draft_from_content(
                document=model,
                content=_with_fees(model, "Lệ phí mới"),
                acting_user=editor,
                legal_change_effective_date=date(2026, 7, 1),
            )
            approve_directly(model, editor, editor)
            return copy_.update_flags.get(), model

    @pytest.mark.parametrize("cell", FLAG_CELLS, ids=[cell_id(c) for c in FLAG_CELLS])
    def test_update_flag(self, client, world, class_flagged, cell):
        flag, _model = class_flagged
        if cell.view == "upstream":
            target = url("upstream", flag.document_id)
        elif cell.view == "list":
            target = reverse("update_flags:index")
        else:
            target = reverse(f"update_flags:{cell.view}", args=[flag.pk])
        check_cell(
            client,
            world,
            cell,
            target,
            refused=ADMIN_HOME,
            hidden=404,
            marker=flag.document.code,
            listing=cell.view == "list",
        )

    @pytest.mark.parametrize("cell", ADOPTION_CELLS, ids=[cell_id(c) for c in ADOPTION_CELLS])
    def test_adoption_list(self, client, world, class_flagged, cell):
        _flag, model = class_flagged
        check_cell(client, world, cell, url("adoption", model.pk), refused=ADMIN_HOME, marker=world.commune_a.name)
