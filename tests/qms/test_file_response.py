"""Generated downloads: one content type per kind and an RFC 6266 Content-Disposition."""

from __future__ import annotations

from qms.files.policy import DOCX, PDF, XLSX
from qms.files.serving import file_response


def test_an_ascii_name_is_sent_as_a_quoted_filename():
    response = file_response(b"PK", filename="bao-cao-iso-2025-001-2026.docx", kind=DOCX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-iso-2025-001-2026.docx"'
    assert response.content == b"PK"


def test_a_vietnamese_name_is_sent_utf8_encoded():
    response = file_response(b"%PDF-1.7", filename="Báo cáo.pdf", kind=PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o.pdf"


def test_a_workbook_has_the_spreadsheet_type():
    response = file_response(b"PK", filename="tien-do.xlsx", kind=XLSX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
