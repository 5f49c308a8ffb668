"""Generated downloads: one content type per kind and an RFC 6266 Content-Disposition."""

from __future__ import annotations

from datetime import date

from qms.files.names import download_name
from qms.files.policy import DOCX, PDF, XLSX
from qms.files.serving import file_response


def test_an_ascii_name_is_sent_as_a_quoted_filename():
    response = file_response(b"PK", filename="bao-cao-iso-2025-001-2026.docx", kind=DOCX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-iso-2025-001-2026.docx"'
    assert response.content == b"PK"


def test_a_vietnamese_name_is_sent_utf8_encoded_beside_an_ascii_name():
    response = file_response(b"%PDF-1.7", filename="Báo cáo.pdf", kind=PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"bao-cao.pdf\"; filename*=utf-8''B%C3%A1o%20c%C3%A1o.pdf"
    )


def test_a_download_name_carries_code_issue_and_date_ascii_safe():
    name = download_name("QT-04/HT", "lần 2", on=date(2025, 3, 12))
    assert name.ascii == "qt-04-ht-lan-2-2025-03-12.docx"
    assert name.display == "QT-04-HT lần 2 2025-03-12.docx"
    response = file_response(b"PK", filename=name, kind=DOCX)
    assert response["Content-Disposition"] == (
        'attachment; filename="qt-04-ht-lan-2-2025-03-12.docx"; '
        "filename*=utf-8''QT-04-HT%20l%E1%BA%A7n%202%202025-03-12.docx"
    )


def test_a_workbook_has_the_spreadsheet_type():
    response = file_response(b"PK", filename="tien-do.xlsx", kind=XLSX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
