import json

import pytest
from django.core.management import CommandError, call_command

from qms.units.importer import UnitFileError
from qms.units.models import AdministrativeUnit, Era, Level, UnitImport
from qms.units.services import import_units


@pytest.mark.django_db
def test_shipped_fixtures_hold_both_eras(reference_units):
    def count(era, level):
        return AdministrativeUnit.objects.filter(era=era, level=level, abolished_on__isnull=True).count()

    assert count(Era.Y2025, Level.PROVINCE) == 34
    assert count(Era.Y2025, Level.COMMUNE) == 3321
    assert count(Era.Y2025, Level.DISTRICT) == 0
    assert count(Era.PRE_2025, Level.PROVINCE) == 63
    assert count(Era.PRE_2025, Level.DISTRICT) == 696
    assert count(Era.PRE_2025, Level.COMMUNE) == 10035
    # Codes are reused across eras with another meaning: 13795 was a town, is now a commune of Ninh Bình.
    old = AdministrativeUnit.objects.get(era=Era.PRE_2025, code="13795")
    new = AdministrativeUnit.objects.get(era=Era.Y2025, code="13795")
    assert old.full_name == "Thị trấn Lâm" and old.parent.full_name == "Huyện Ý Yên"
    assert new.full_name == "Xã Ý Yên" and new.parent.full_name == "Tỉnh Ninh Bình"
    assert old.unit_type == "Thị trấn" and new.unit_type == "Xã"


def _release(wards):
    return [{"Code": "98", "Name": "Thử", "FullName": "Tỉnh Thử", "CodeName": "thu", "Wards": wards}]


def _ward(code, name):
    return {"Code": code, "Name": name, "FullName": f"Xã {name}", "ProvinceCode": "98"}


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_reports_added_then_changed_and_never_duplicates(tmp_path):
    first = _write(tmp_path, "v1.json", _release([_ward("98001", "Một"), _ward("98002", "Hai")]))
    report = import_units(path=first)
    assert sorted(report.added) == ["98", "98001", "98002"]
    assert AdministrativeUnit.objects.filter(era=Era.Y2025, code__startswith="98").count() == 3

    second = _write(
        tmp_path, "v2.json", _release([_ward("98001", "Một Mới"), _ward("98002", "Hai"), _ward("98003", "Ba")])
    )
    report = import_units(path=second)
    assert report.added == ["98003"]
    assert report.changed == [
        {"code": "98001", "changes": {"name": ["Một", "Một Mới"], "full_name": ["Xã Một", "Xã Một Mới"]}}
    ]
    assert report.unchanged == 2
    assert AdministrativeUnit.objects.get(era=Era.Y2025, code="98001").full_name == "Xã Một Mới"
    assert AdministrativeUnit.objects.filter(era=Era.Y2025, code__startswith="98").count() == 4
    assert UnitImport.objects.order_by("-pk").first().changed == 1


@pytest.mark.django_db
def test_import_command_prints_the_changes(tmp_path, capsys):
    import_units(path=_write(tmp_path, "v1.json", _release([_ward("98001", "Một")])))
    call_command("import_units", str(_write(tmp_path, "v2.json", _release([_ward("98001", "Mốt")]))))
    out = capsys.readouterr().out
    assert "0 added, 1 changed" in out or "0 thêm mới, 1 thay đổi" in out
    assert "98001" in out and "Mốt" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"Code": "98"}),
        json.dumps(_release([_ward("98001", "Một"), _ward("98001", "Trùng")])),
        json.dumps(_release([_ward("98001", "Một"), {"Code": "abc", "Name": "Lỗi", "FullName": "Xã Lỗi"}])),
        json.dumps(_release([_ward("98001", "Một"), {"Code": "98009", "Name": "", "FullName": ""}])),
    ],
    ids=["not-json", "not-a-list", "duplicate-code", "bad-code", "missing-name"],
)
def test_broken_file_changes_nothing(tmp_path, content):
    import_units(path=_write(tmp_path, "ok.json", _release([_ward("98001", "Một")])))
    imports = UnitImport.objects.count()
    before = list(AdministrativeUnit.objects.filter(code__startswith="98").values_list("era", "code", "full_name"))
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(UnitFileError):
        import_units(path=bad)
    with pytest.raises(CommandError, match="Không có dữ liệu nào được nhập|Nothing was imported"):
        call_command("import_units", str(bad))
    assert (
        list(AdministrativeUnit.objects.filter(code__startswith="98").values_list("era", "code", "full_name")) == before
    )
    assert UnitImport.objects.count() == imports


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    path = _write(tmp_path, "v1.json", _release([_ward("98001", "Một")]))
    report = import_units(path=path, dry_run=True)
    assert len(report.added) == 2
    assert not AdministrativeUnit.objects.filter(code__startswith="98").exists()
