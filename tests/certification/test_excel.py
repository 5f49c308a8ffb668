"""The dashboard's Excel file and the audits' list exports, read back as a spreadsheet program reads them."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qms.units.models import Era, Level
from qms.units.services import add_unit_follower, provision_commune
from tests.audits.builders import make_audit, raise_nc
from tests.factories import make_unit

from .test_documents import district_figures  # noqa: F401

pytestmark = pytest.mark.django_db


def export(client, user, unit, era="pre2025"):
    client.force_login(user)
    response = client.get(reverse("certification:export_xlsx") + f"?unit={unit.code}&era={era}")
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def assert_tidy(sheet):
    assert sheet.freeze_panes == "A2", sheet.title
    assert all(cell.font.bold for cell in sheet[1])
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert width >= min(len(cell.value) + 2, 60), (sheet.title, cell.value, width)
    assert len(set(headers(sheet))) == len(headers(sheet)), headers(sheet)


def test_every_sheet_has_a_frozen_header_fitted_widths_and_one_header_per_meaning(client, district_figures):  # noqa: F811
    world = district_figures
    workbook = export(client, world.district, world.district_unit)
    assert [s.title for s in workbook.worksheets] == ["Tổng hợp", "Đơn vị", "Việc chậm hạn", "Công bố theo tháng"]
    for sheet in workbook.worksheets:
        assert_tidy(sheet)
    units = workbook["Đơn vị"]
    names = headers(units)
    assert names.count("Đã công bố (tổng)") == 1 and "Đã công bố" not in names
    assert "Giai đoạn: Đã công bố" in names
    widest = max(len(row[1].value) for row in units.iter_rows(min_row=2))
    assert units.column_dimensions["B"].width >= widest
    summary = [row[0].value for row in workbook["Tổng hợp"].iter_rows(min_row=2)]
    assert len(set(summary)) == len(summary)


def test_numbers_are_numbers_and_dates_are_date_cells_shown_day_first(client, district_figures):  # noqa: F811
    world = district_figures
    workbook = export(client, world.district, world.district_unit)
    for row in workbook["Đơn vị"].iter_rows(min_row=2):
        assert all(cell.data_type == "n" for cell in row[2:]), [cell.value for cell in row]
    late = list(workbook["Việc chậm hạn"].iter_rows(min_row=2))
    assert late
    for row in late:
        deadline, days = row[4], row[5]
        assert deadline.is_date and deadline.number_format == "DD/MM/YYYY"
        assert days.data_type == "n" and days.value > 0
    as_of = next(row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=2) if row[0].value == "Số liệu tính đến")
    assert as_of.is_date and as_of.number_format == "DD/MM/YYYY"
    months = list(workbook["Công bố theo tháng"].iter_rows(min_row=2))
    assert months and all(row[0].is_date and row[1].data_type == "n" for row in months)


def test_a_sheet_per_era_when_the_person_follows_units_of_both(client, district_figures):  # noqa: F811
    world = district_figures
    successor = make_unit(level=Level.PROVINCE, name="Thử Nghiệm Mới", era=Era.Y2025)
    provision_commune(unit=make_unit(level=Level.COMMUNE, name="Hợp Nhất", parent=successor, era=Era.Y2025))
    add_unit_follower(unit=successor, user=world.province)

    workbook = export(client, world.province, world.province_unit)
    titles = [s.title for s in workbook.worksheets]
    assert titles == [
        "Tổng hợp (đến 6-2025)",
        "Đơn vị (đến 6-2025)",
        "Việc chậm hạn (đến 6-2025)",
        "Công bố theo tháng (đến 6-2025)",
        "Tổng hợp (từ 7-2025)",
        "Đơn vị (từ 7-2025)",
        "Việc chậm hạn (từ 7-2025)",
        "Công bố theo tháng (từ 7-2025)",
    ]
    assert all(len(t) <= 31 for t in titles)
    later = {row[1].value for row in workbook["Đơn vị (từ 7-2025)"].iter_rows(min_row=2)}
    earlier = {row[1].value for row in workbook["Đơn vị (đến 6-2025)"].iter_rows(min_row=2)}
    assert "Xã Hợp Nhất" in later and "Xã Hợp Nhất" not in earlier
    for sheet in workbook.worksheets:
        assert_tidy(sheet)

    # The district official follows nothing of the 2025 era: one set of sheets.
    assert len(export(client, world.district, world.district_unit).worksheets) == 4


def test_the_findings_list_export_has_a_frozen_header_widths_and_date_cells(client, world):
    plan = make_audit(world)
    finding = raise_nc(world, plan)
    client.force_login(world.iso_a)
    response = client.get(reverse("audits_findings:index") + "?export=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(body)).active
    assert_tidy(sheet)
    raised = [cell for cell in sheet[2] if cell.is_date]
    assert raised and raised[0].number_format == "DD/MM/YYYY"
    assert raised[0].value.date() == finding.raised_on
    assert isinstance(finding.raised_on, date)
