"""A hand-written quy trình: the responsible column, the effective date and the issue number are kept, and
whatever has no place in a quy trình is told to the officer line by line."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from django.core.management import call_command
from django.utils import translation

from processes.docx.importer import read_process_docx
from processes.docx.schema import Step
from processes.models import ProcessDocument

from .helpers import url
from .test_admin_docx import docx_upload
from .test_docx_import import add_grid, bold

STEPS = [
    ["TT", "Nội dung công việc", "Vị trí/Người thực hiện", "Thời gian", "Ký nhận"],
    ["Tiếp nhận", "", "", "", ""],
    ["1", "Tiếp nhận, kiểm tra hồ sơ", "Công chức Một cửa", "0,5 ngày", "Đã ký sổ"],
    ["2", "Thẩm định, trình ký", "Công chức Tư pháp - Hộ tịch", "1 ngày", ""],
]


def hand_written(*, effective="Quy trình này có hiệu lực kể từ ngày 15/01/2026.", issue="Lần ban hành: 03") -> bytes:
    doc = docx.Document()
    add_grid(doc, [["UBND XÃ YÊN TRUNG", "QUY TRÌNH\nĐĂNG KÝ KHAI SINH", f"Mã số: QT-HT-01\n{issue}"]])
    bold(doc, "1. MỤC ĐÍCH")
    doc.add_paragraph("Thống nhất cách đăng ký khai sinh.")
    doc.add_paragraph(effective)
    doc.add_paragraph("Ghi chú nội bộ", style="Heading 1")
    doc.add_paragraph("Họp giao ban sáng thứ Hai.")
    bold(doc, "2. PHẠM VI")
    doc.add_paragraph("Áp dụng tại UBND xã Yên Trung; mã TTHC: 1.001193.")
    bold(doc, "5.7. Quy trình xử lý")
    table = add_grid(doc, STEPS)
    table.rows[1].cells[0].merge(table.rows[1].cells[4])
    add_grid(doc, [["Số điện thoại", "Người trực"], ["0228 3 888 999", "Anh Tùng"]])
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_the_responsible_column_the_effective_date_and_the_issue_number_are_kept():
    content, _unplaced = read_process_docx(hand_written())
    assert content.steps == [
        Step("1", "Tiếp nhận, kiểm tra hồ sơ", "Công chức Một cửa", "0,5 ngày", "", ""),
        Step("2", "Thẩm định, trình ký", "Công chức Tư pháp - Hộ tịch", "1 ngày", "", ""),
    ]
    assert content.effective_date == date(2026, 1, 15)
    assert content.issue_number == 3
    assert content.code == "QT-HT-01"


@pytest.mark.parametrize(
    ("effective", "issue", "expected_date", "expected_issue"),
    [
        ("Ngày có hiệu lực: 01/02/2026", "Ban hành lần: 02", date(2026, 2, 1), 2),
        ("Quy trình có hiệu lực thi hành kể từ ngày 05 tháng 3 năm 2026.", "Lần ban hành thứ: 04", date(2026, 3, 5), 4),
        ("Thống nhất thực hiện.", "Lần ban hành: 01", None, 1),
    ],
)
def test_other_ways_of_stating_the_dates_and_the_issue(effective, issue, expected_date, expected_issue):
    content, _unplaced = read_process_docx(hand_written(effective=effective, issue=issue))
    assert (content.effective_date, content.issue_number) == (expected_date, expected_issue)


def test_what_has_no_place_is_reported_line_by_line_in_vietnamese():
    with translation.override("vi"):
        _content, unplaced = read_process_docx(hand_written())
    assert unplaced == [
        "Dưới đề mục “Ghi chú nội bộ” (không phải một mục của quy trình): Họp giao ban sáng thứ Hai.",
        "Bảng quy trình xử lý công việc, dòng 2 (gộp cả bảng): Tiếp nhận",
        "Bảng quy trình xử lý công việc, cột “Ký nhận”, dòng 3: Đã ký sổ",
        "Bảng không thuộc quy trình, dòng 1: Số điện thoại | Người trực",
        "Bảng không thuộc quy trình, dòng 2: 0228 3 888 999 | Anh Tùng",
    ]


def test_our_own_export_reads_back_with_nothing_left_over():
    from processes.docx.export import export_process_docx_bytes
    from tests.processes.test_docx_export import rich_content

    assert read_process_docx(export_process_docx_bytes(rich_content()))[1] == []


@pytest.mark.django_db
def test_the_import_page_lists_what_was_not_imported(client, world, khai_sinh):
    client.force_login(world.iso_a)
    response = client.post(
        url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload("tay.docx", hand_written())}
    )
    document = ProcessDocument.objects.get(commune=world.commune_a)
    assert response.status_code == 302 and response["Location"] == url("import_docx") + f"?imported={document.pk}"
    draft = document.get_latest_revision_as_object()
    assert [block.value["responsible"] for block in draft.steps] == ["Công chức Một cửa", "Công chức Tư pháp - Hộ tịch"]
    assert (draft.effective_date, draft.issue_number) == (date(2026, 1, 15), 3)
    body = client.get(response["Location"]).content.decode()
    assert "5 dòng của tệp tay.docx không có chỗ trong quy trình và chưa được nhập" in body
    assert "<li>Bảng quy trình xử lý công việc, cột “Ký nhận”, dòng 3: Đã ký sổ</li>" in body
    assert url("edit", document.pk) in body
    again = client.get(response["Location"]).content.decode()
    assert "chưa được nhập" not in again  # shown once, after the import


@pytest.mark.django_db
def test_a_bad_date_still_writes_nothing(client, world, khai_sinh):
    client.force_login(world.iso_a)
    data = hand_written(issue="Lần ban hành: 03\nNgày hiệu lực: 31/02/2026")
    response = client.post(url("import_docx"), {"commune": world.commune_a.pk, "file": docx_upload("sai.docx", data)})
    assert response.status_code == 200
    assert "31/02/2026" in response.content.decode()
    assert not ProcessDocument.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_what_was_not_imported(tmp_path, world, khai_sinh, capsys):
    path = tmp_path / "tay.docx"
    path.write_bytes(hand_written())
    with translation.override("vi"):
        call_command("import_process_docx", str(path), commune=world.commune_a.slug)
    out = capsys.readouterr().out
    assert "  - Bảng quy trình xử lý công việc, cột “Ký nhận”, dòng 3: Đã ký sổ" in out
