"""The services behind the commune, unit, TTHC catalogue and quy trình Add forms:
refused for the wrong person (nothing saved), recorded under the acting user,
Vietnamese refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from processes import services as process_services
from processes.models import Procedure, ProcessDocument
from qms.actors import SYSTEM
from qms.audit_log import entries_for
from qms.units import services
from qms.units.models import AdministrativeUnit
from tests.processes.helpers import make_procedure

pytestmark = pytest.mark.django_db


def actions_of(instance) -> list[tuple[str, int | None]]:
    return [(entry.action, entry.user_id) for entry in entries_for(instance)]


# -- commune ------------------------------------------------------------------------------------------------


def test_commune_of_another_officer_is_refused_and_unchanged(world):
    with pytest.raises(PermissionDenied):
        services.update_commune(commune=world.commune_a, acting_user=world.iso_b, place_name="Nơi khác")
    world.commune_a.refresh_from_db()
    assert world.commune_a.place_name != "Nơi khác"
    assert ("qms.commune.update", world.iso_b.pk) not in actions_of(world.commune_a)


def test_commune_edit_is_recorded_under_the_officer(world):
    services.update_commune(commune=world.commune_a, acting_user=world.iso_a, place_name="An Bình Mới")
    world.commune_a.refresh_from_db()
    assert world.commune_a.place_name == "An Bình Mới"
    entry = entries_for(world.commune_a).first()
    assert (entry.action, entry.user_id) == ("qms.commune.update", world.iso_a.pk)
    assert entry.data["changes"]["place_name"][1] == "An Bình Mới"


def test_commune_without_a_name_is_refused_in_vietnamese(world):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.update_commune(commune=world.commune_a, acting_user=world.iso_a, name="")
    assert refused.value.message_dict["name"] == ["Trường này không được để trắng."]


# -- administrative units -----------------------------------------------------------------------------------


def test_abolishing_a_unit_is_refused_to_a_commune_officer(world):
    with pytest.raises(PermissionDenied):
        services.update_unit(unit=world.district_unit, acting_user=world.iso_a, abolished_on=datetime.date(2025, 7, 1))
    world.district_unit.refresh_from_db()
    assert world.district_unit.abolished_on is None


def test_abolishing_a_unit_is_recorded_under_the_administrator(world):
    services.update_unit(unit=world.district_unit, acting_user=world.admin, abolished_on=datetime.date(2025, 7, 1))
    world.district_unit.refresh_from_db()
    assert world.district_unit.abolished_on == datetime.date(2025, 7, 1)
    entry = entries_for(world.district_unit).first()
    assert (entry.action, entry.user_id) == ("qms.unit.update", world.admin.pk)
    assert entry.data["changes"]["abolished_on"] == [None, "2025-07-01"]


def test_a_system_write_needs_no_person(world):
    services.update_unit(unit=world.district_unit, acting_user=SYSTEM, name_en="Test District")
    assert entries_for(world.district_unit).first().user_id is None


def test_a_unit_in_use_is_not_deleted_and_the_refusal_is_vietnamese(world):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.delete_unit(unit=world.district_unit, acting_user=world.admin)
    assert refused.value.messages == [
        f"Không thể xóa “{world.district_unit.full_name}”: vẫn còn xã hoặc đơn vị hành chính khác gắn với đơn vị này."
    ]
    assert AdministrativeUnit.objects.filter(pk=world.district_unit.pk).exists()
    assert "qms.unit.delete" not in [action for action, _user in actions_of(world.district_unit)]


# -- TTHC catalogue -----------------------------------------------------------------------------------------


def test_catalogue_is_changed_only_by_an_administrator(world):
    procedure = make_procedure()
    with pytest.raises(PermissionDenied):
        process_services.update_procedure(procedure=procedure, acting_user=world.iso_a, fees="Miễn phí")
    with pytest.raises(PermissionDenied):
        process_services.create_procedure(acting_user=world.iso_a, code="1.000894", name="Kết hôn", field="Hộ tịch")
    procedure.refresh_from_db()
    assert procedure.fees != "Miễn phí" and not Procedure.objects.filter(code="1.000894").exists()


def test_catalogue_edits_are_recorded_under_the_administrator(world):
    procedure = process_services.create_procedure(
        acting_user=world.admin, code="1.000894", name="Kết hôn", field="Hộ tịch"
    )
    process_services.update_procedure(procedure=procedure, acting_user=world.admin, fees="Miễn phí")
    assert actions_of(procedure) == [
        ("processes.procedure.update", world.admin.pk),
        ("processes.procedure.create", world.admin.pk),
    ]


def test_a_procedure_a_commune_handles_is_not_deleted_and_the_refusal_is_vietnamese(world):
    procedure = make_procedure()
    process_services.add_handled_procedures(commune=world.commune_a, procedures=[procedure], acting_user=world.iso_a)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        process_services.delete_procedure(procedure=procedure, acting_user=world.admin)
    assert refused.value.messages == [
        f"Không thể xóa “{procedure.code}”: thủ tục vẫn có trong danh mục TTHC của xã hoặc trong một quy trình."
    ]
    assert Procedure.objects.filter(pk=procedure.pk).exists()


# -- starting a quy trình -----------------------------------------------------------------------------------


def test_a_quy_trinh_for_another_commune_is_refused_and_not_saved(world):
    with pytest.raises(PermissionDenied):
        process_services.create_process_document(
            procedure=make_procedure(), commune=world.commune_a, acting_user=world.iso_b
        )
    assert not ProcessDocument.objects.exists()


def test_a_started_quy_trinh_is_recorded_under_the_officer(world):
    document = process_services.create_process_document(
        procedure=make_procedure(),
        commune=world.commune_a,
        acting_user=world.iso_a,
        fields={"change_request": "Theo Quyết định 163/QĐ-BTP"},
    )
    assert document.latest_revision.user_id == world.iso_a.pk
    assert document.change_request == "Theo Quyết định 163/QĐ-BTP"
    assert ("processes.document.create", world.iso_a.pk) in actions_of(document)
