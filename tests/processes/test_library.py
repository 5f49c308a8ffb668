"""The model library: adopt, re-publish, "cần cập nhật" flags with deadlines, update, adoption list."""

from copy import deepcopy
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from processes import selectors, services
from processes.content import document_content
from processes.models import DocumentStatus, DocumentUpdateFlag, FlagState, ProcessDocument
from qms.signals import qms_data_changed
from qms.units.models import Level
from qms.units.services import provision_commune
from tests.factories import make_unit
from tests.permission_matrix import SharedWorld

from .helpers import (
    approve_through_workflow,
    approved_model,
    edit_form_data,
    fees_of,
    library_editor,
    make_procedure,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world):
    return library_editor(world, "tinh_iso")


@pytest.fixture(scope="class")
def library(class_world, class_db):
    """The province's library editor and its model quy trình for "khai sinh", approved once for the class."""
    with class_db.unblock():
        editor = library_editor(class_world, "tinh_iso")
        model = approved_model(Client(), class_world, editor, make_procedure(), fees="Miễn lệ phí.")
    return {"editor": editor, "model": model}


def republish(client, world, editor, model, *, legal: date, **overrides) -> ProcessDocument:
    return approve_through_workflow(
        client, world, model, officer=editor, leader=editor, legal_change_effective_date=legal.isoformat(), **overrides
    )


def test_the_three_month_deadline_ends_on_the_last_day_of_a_shorter_month():
    assert date(2026, 11, 30) + services.UPDATE_PERIOD == date(2027, 2, 28)


def test_only_the_library_editors_maintain_models(client, world, editor, khai_sinh):
    model = services.create_process_document(procedure=khai_sinh, owner_unit=world.province_unit, acting_user=editor)
    client.force_login(world.province)  # a follower of the province: read-only
    # Wagtail answers a refused admin view with a redirect to the admin home and a message.
    for refused in (
        client.get(url("edit", model.pk)),
        client.post(url("edit", model.pk), edit_form_data(model, title="Sửa trái phép")),
    ):
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert ProcessDocument.objects.get(pk=model.pk).get_latest_revision_as_object().title != "Sửa trái phép"
    client.force_login(world.iso_a)
    refused = client.get(url("edit", model.pk))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    client.force_login(editor)
    assert client.get(url("edit", model.pk)).status_code == 200
    response = client.post(url("edit", model.pk), edit_form_data(model, title="Đăng ký khai sinh (mẫu)"))
    assert response.status_code == 302
    assert ProcessDocument.objects.get(pk=model.pk).get_latest_revision_as_object().title == "Đăng ký khai sinh (mẫu)"


@pytest.mark.django_db
class TestLibraryModel(SharedWorld):
    @pytest.fixture
    def editor(self, library):
        return deepcopy(library["editor"])

    @pytest.fixture
    def model(self, library):
        return deepcopy(library["model"])

    def test_adopting_copies_the_model_into_a_commune_draft_that_remembers_its_source(self, world, model):
        copy = services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        assert copy.commune == world.commune_a and not copy.live and copy.status == DocumentStatus.DRAFT
        assert copy.source_model == model and copy.source_version == model.current_version
        assert fees_of(copy) == "- Miễn lệ phí." and document_content(copy).steps == document_content(model).steps
        assert copy.agency_name == world.commune_a.agency_name
        assert copy.issue_number == 1 and not list(copy.changes)
        with pytest.raises(ValidationError):
            services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)

    def test_republishing_flags_exactly_the_derived_copies_with_the_deadline(
        self, client, world, editor, model, ket_hon, django_capture_on_commit_callbacks
    ):
        copy_a = approve_through_workflow(
            client, world, services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        )
        copy_b = services.adopt_model(model=model, commune=world.commune_b, acting_user=world.iso_b)
        own_a = services.create_process_document(procedure=ket_hon, commune=world.commune_a, acting_user=world.iso_a)
        other_model = approved_model(client, world, editor, ket_hon)
        other_copy = services.adopt_model(model=other_model, commune=world.commune_b, acting_user=world.iso_b)
        received = []
        qms_data_changed.connect(
            lambda sender, commune_id, kind, **kw: received.append(commune_id), weak=False, dispatch_uid="t-flag"
        )
        try:
            with django_capture_on_commit_callbacks(execute=True):
                republish(client, world, editor, model, legal=date(2026, 7, 1), fees="Lệ phí 8.000 đồng/trường hợp.")
        finally:
            qms_data_changed.disconnect(dispatch_uid="t-flag")
        flags = DocumentUpdateFlag.objects.all()
        assert {f.document_id for f in flags} == {copy_a.pk, copy_b.pk}
        for flag in flags:
            assert flag.legal_effective_date == date(2026, 7, 1)
            assert flag.deadline == date(2026, 10, 1)
            assert flag.raised_on == timezone.localdate() and flag.resolved_on is None
            assert any(
                change["field"] == "fees" and change["after"] == "Lệ phí 8.000 đồng/trường hợp."
                for change in flag.upstream_changes
            )
        assert ProcessDocument.objects.get(pk=copy_a.pk).status == DocumentStatus.NEEDS_UPDATE
        assert ProcessDocument.objects.get(pk=own_a.pk).status == DocumentStatus.DRAFT
        assert not other_copy.update_flags.exists()
        assert {world.commune_a.pk, world.commune_b.pk} <= set(received)

    def test_contract_update_flags_lists_open_and_resolved_flags(self, client, world, editor, model):
        copy_a = approve_through_workflow(
            client, world, services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        )
        republish(client, world, editor, model, legal=date(2026, 9, 15), purpose="Mục đích mới.")
        [flag] = selectors.update_flags(commune_id=world.commune_a.pk)
        assert (flag.document_id, flag.document_code, flag.deadline, flag.resolved_on) == (
            copy_a.pk,
            copy_a.code,
            date(2026, 12, 15),
            None,
        )
        assert selectors.update_flags(commune_id=world.commune_b.pk) == []

    def test_update_from_model_then_approval_resolves_the_flag(self, client, world, editor, model):
        copy_a = services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        copy_a = approve_through_workflow(client, world, copy_a, scope="Phạm vi riêng của xã An Bình.")
        republish(client, world, editor, model, legal=timezone.localdate(), fees="Lệ phí mới.")
        draft = services.update_from_model(document=copy_a, acting_user=world.iso_a)
        assert fees_of(draft) == "- Lệ phí mới."
        assert draft.scope == "Phạm vi riêng của xã An Bình."  # the commune's own wording of untouched sections stays
        assert draft.source_version == model.versions.get(issue_number=2)
        copy_a = approve_through_workflow(client, world, copy_a)
        flag = DocumentUpdateFlag.objects.get(document=copy_a)
        assert flag.resolved_on == timezone.localdate() and flag.resolved_version == copy_a.current_version
        assert copy_a.status == DocumentStatus.EFFECTIVE and fees_of(copy_a) == "- Lệ phí mới."

    def test_approving_without_taking_the_model_changes_keeps_the_flag_open(self, client, world, editor, model):
        copy_a = approve_through_workflow(
            client, world, services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        )
        republish(client, world, editor, model, legal=timezone.localdate(), fees="Lệ phí mới.")
        copy_a = approve_through_workflow(client, world, copy_a, purpose="Sửa mục đích khác.")
        assert copy_a.update_flags.get().resolved_on is None
        assert copy_a.status == DocumentStatus.NEEDS_UPDATE

    def test_adoption_list_shows_adopted_pending_and_late_communes(self, client, world, editor, model):
        third = provision_commune(unit=make_unit(level=Level.COMMUNE, name="Cẩm Thủy", parent=world.district_unit))
        copies = {
            commune: approve_through_workflow(
                client,
                world,
                services.adopt_model(model=model, commune=commune, acting_user=world.admin),
                officer=world.admin,
                leader=world.admin,
            )
            for commune in (world.commune_a, world.commune_b, third)
        }
        legal = timezone.localdate() - timedelta(days=80)
        republish(client, world, editor, model, legal=legal, fees="Lệ phí mới.")
        services.update_from_model(document=copies[world.commune_a], acting_user=world.iso_a)
        approve_through_workflow(client, world, copies[world.commune_a])
        today = timezone.localdate()
        rows = {row.commune: row for row in selectors.adoption_list(model=model, today=today)}
        assert rows[world.commune_a].state == FlagState.ADOPTED and rows[world.commune_a].resolved_on == today
        assert rows[world.commune_b].state == FlagState.PENDING
        late_day = rows[third].deadline + timedelta(days=1)
        assert selectors.adoption_list(model=model, today=late_day)[-1].state in (FlagState.LATE, FlagState.ADOPTED)
        states = {row.commune: row.state for row in selectors.adoption_list(model=model, today=late_day)}
        assert states == {world.commune_a: FlagState.ADOPTED, world.commune_b: FlagState.LATE, third: FlagState.LATE}
        client.force_login(world.province)
        body = client.get(url("adoption", model.pk)).content.decode()
        assert "Xã An Bình" in body and "Đã áp dụng" in body and "Chưa cập nhật" in body

    def test_commune_officer_adopts_from_the_library_page(self, client, world, model):
        client.force_login(world.iso_a)
        body = client.get(url("library")).content.decode()
        assert model.title in body and "Áp dụng" in body
        response = client.post(url("adopt", model.pk), {"commune": world.commune_a.pk})
        copy = ProcessDocument.objects.get(commune=world.commune_a)
        assert response.status_code == 302 and response["Location"] == url("edit", copy.pk)
        assert copy.source_model == model
        # Another commune cannot be targeted.
        client.post(url("adopt", model.pk), {"commune": world.commune_b.pk})
        assert not ProcessDocument.objects.filter(commune=world.commune_b).exists()

    def test_upstream_page_shows_what_changed_in_the_model(self, client, world, editor, model):
        copy_a = approve_through_workflow(
            client, world, services.adopt_model(model=model, commune=world.commune_a, acting_user=world.iso_a)
        )
        republish(client, world, editor, model, legal=date(2026, 7, 1), fees="Lệ phí 8.000 đồng/trường hợp.")
        client.force_login(world.iso_a)
        body = client.get(url("upstream", copy_a.pk)).content.decode()
        assert "Lệ phí 8.000 đồng/trường hợp." in body and "Miễn lệ phí." in body
        assert "01/10/2026" in body
        response = client.post(url("update_from_model", copy_a.pk))
        assert response.status_code == 302
        assert (
            fees_of(ProcessDocument.objects.get(pk=copy_a.pk).get_latest_revision_as_object())
            == "- Lệ phí 8.000 đồng/trường hợp."
        )
