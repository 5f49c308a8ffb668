"""The findings list exported as CSV/Excel never carries a live formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.audits.builders import make_audit, raise_nc

HOSTILE = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'


@pytest.mark.django_db
def test_finding_export_writes_formula_text_as_text(client, world):
    plan = make_audit(world)
    raise_nc(world, plan, description=HOSTILE)
    client.force_login(world.iso_a)

    response = client.get(reverse("audits_findings:index") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + HOSTILE in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)

    response = client.get(reverse("audits_findings:index") + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    values = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    described = [cell for cell in values if cell.value == HOSTILE]
    assert described and all(cell.data_type == "s" for cell in described)
    assert not any(cell.data_type == "f" for cell in values)
