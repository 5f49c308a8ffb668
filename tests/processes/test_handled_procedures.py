"""Editing an entry of the commune's TTHC list goes through the processes service."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from processes import services
from processes.models import CommuneProcedure


def _entry(world, procedure, note=""):
    return services.add_handled_procedures(
        commune=world.commune_a, procedures=[procedure], note=note, acting_user=world.iso_a
    )[0]


@pytest.mark.django_db
def test_note_edited_with_audit_record_and_history_user(world, khai_sinh, ket_hon):
    entry = _entry(world, khai_sinh)
    services.update_handled_procedure(
        entry=CommuneProcedure.objects.get(pk=entry.pk),
        procedure=ket_hon,
        note="Liên thông với cấp huyện",
        acting_user=world.iso_a,
    )
    entry.refresh_from_db()
    assert (entry.procedure, entry.note) == (ket_hon, "Liên thông với cấp huyện")
    record = ModelLogEntry.objects.get(action="processes.handled.update")
    assert record.user == world.iso_a and record.object_id == str(world.commune_a.pk)
    assert record.data == {"code": ket_hon.code, "previous": khai_sinh.code, "note": "Liên thông với cấp huyện"}
    assert entry.history.first().history_user == world.iso_a


@pytest.mark.django_db
def test_another_commune_is_refused_with_nothing_changed(world, khai_sinh):
    entry = _entry(world, khai_sinh, note="Một cửa")
    with pytest.raises(PermissionDenied):
        services.update_handled_procedure(entry=entry, procedure=khai_sinh, note="Sửa trộm", acting_user=world.iso_b)
    assert CommuneProcedure.objects.get(pk=entry.pk).note == "Một cửa"
    assert not ModelLogEntry.objects.filter(action="processes.handled.update").exists()


@pytest.mark.django_db
def test_a_procedure_listed_twice_or_a_move_is_refused_in_vietnamese(world, khai_sinh, ket_hon):
    entry = _entry(world, khai_sinh, note="Một cửa")
    _entry(world, ket_hon)
    with pytest.raises(ValidationError) as twice:
        services.update_handled_procedure(
            entry=CommuneProcedure.objects.get(pk=entry.pk), procedure=ket_hon, note="", acting_user=world.iso_a
        )
    assert twice.value.messages == ["Xã đã có thủ tục này trong danh mục."]
    with pytest.raises(ValidationError) as moved:
        services.update_handled_procedure(
            entry=CommuneProcedure.objects.get(pk=entry.pk),
            commune=world.commune_b,
            procedure=khai_sinh,
            note="",
            acting_user=world.iso_a,
        )
    assert moved.value.messages == ["Không thể chuyển mục này sang xã khác: hãy thêm thủ tục vào danh mục của xã đó."]
    entry.refresh_from_db()
    assert (entry.procedure, entry.note, entry.commune) == (khai_sinh, "Một cửa", world.commune_a)
    assert not ModelLogEntry.objects.filter(action="processes.handled.update").exists()
